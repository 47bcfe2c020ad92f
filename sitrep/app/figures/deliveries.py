"""Figures of the deliveries and vehicle page. Titles, labels and series names come from the
caller (the catalogs); colours only from sitrep/app/figures/colors.py."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import plotly.graph_objects as go

from sitrep.app.figures.charts import cached
from sitrep.app.figures.colors import SERIES, STATUS

FONT = {"family": "Noto Sans CJK SC, sans-serif"}
DAY_WIDTH = 0.8 * 86_400_000   # a daily bar 0.8 day wide (ms), whatever days a trace has


def _layout(fig: go.Figure, title: str, height: int, *, legend: bool = True,
            legend_on_top: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        height=height, margin={"l": 8, "r": 8, "t": 36, "b": 8}, font=FONT,
        showlegend=legend,
        # below the plot: a long legend wraps on a phone instead of covering the title
        legend={"orientation": "h", "y": -0.16, "yanchor": "top", "x": 0, "font": {"size": 11},
                "traceorder": "normal"},
        hoverlabel={"font": FONT},
    )
    if legend_on_top:  # a short chart: a legend below would sit on the axis labels
        fig.update_layout(margin={"t": 64},
                          title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}},
                          legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return fig


def _day_axis(date_from: date, date_to: date) -> dict:
    half = timedelta(hours=12)
    return {"range": [datetime.combine(date_from, time()) - half, datetime.combine(date_to, time()) + half],
            "tickformat": "%m-%d", "type": "date"}


def _mark(fig: go.Figure, day: date | None) -> None:
    """A thin line on the as-of day, so the trend shows where "today" is."""
    if day is not None:
        fig.add_vline(x=datetime.combine(day, time()), line={"color": STATUS["open"], "width": 2,
                                                              "dash": "dot"}, layer="below")


@cached
def stacked_by_day(frame: pd.DataFrame, value: str, series: dict[str, str], colors: dict[str, str],
                   title: str, y_title: str, date_from: date, date_to: date,
                   height: int = 300, whole: bool = False, mark: date | None = None) -> go.Figure:
    """Stacked daily bars: `frame` has day, code and `value`; `series` maps each code to its
    label, in stacking order. `whole`: counts of whole things (integer ticks)."""
    fig = go.Figure()
    for code, name in series.items():
        part = frame[frame["code"] == code]
        if part.empty:
            continue
        fig.add_bar(x=part["day"], y=part[value], name=name, marker_color=colors.get(code),
                    width=DAY_WIDTH, hovertemplate="%{x|%m-%d} · " + name + ": %{y:,}<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=_day_axis(date_from, date_to),
                      yaxis={"title": {"text": y_title}, "rangemode": "tozero",
                             **({"tickformat": ",d", "dtick": 1} if whole else {})})
    _mark(fig, mark)
    return _layout(fig, title, height)


@cached
def hours_out(frame: pd.DataFrame, hover: list[str], title: str, y_title: str,
              date_from: date, date_to: date, height: int = 300, mark: date | None = None) -> go.Figure:
    """The vehicle's hours out per day; `hover` says trips, first departure and last return."""
    fig = go.Figure()
    fig.add_bar(x=frame["day"], y=frame["hours_out"], marker_color=SERIES["trips"], width=DAY_WIDTH,
                customdata=hover, hovertemplate="%{x|%m-%d} · %{customdata}<extra></extra>")
    fig.update_layout(xaxis=_day_axis(date_from, date_to),
                      yaxis={"title": {"text": y_title}, "rangemode": "tozero"})
    _mark(fig, mark)
    return _layout(fig, title, height, legend=False)


@cached
def gap_by_building(frame: pd.DataFrame, not_reached: str, reached: str, title: str) -> go.Figure:
    """Per building, sealed households not reached (red) and reached (green), most gaps on top."""
    fig = go.Figure()
    fig.add_bar(y=frame["building"], x=frame["not_reached"], name=not_reached, orientation="h",
                marker_color=STATUS["gap"], hovertemplate="%{y} · " + not_reached + ": %{x}<extra></extra>")
    fig.add_bar(y=frame["building"], x=frame["reached"], name=reached, orientation="h",
                marker_color=STATUS["covered"], hovertemplate="%{y} · " + reached + ": %{x}<extra></extra>")
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed", "type": "category"},
                      xaxis={"rangemode": "tozero"})
    return _layout(fig, title, 110 + 26 * len(frame), legend_on_top=True)


@cached
def trips_gantt(frame: pd.DataFrame, colors: dict[str, str], title: str, day: date) -> go.Figure:
    """The day's trips as a timeline (a Gantt chart) on a clock axis, one row per trip. `frame`
    has lane (the row label), purpose (its label, coloured), departed_at, ends_at and hover.
    The axis spans at least 08:00-18:00 of `day`, so idle hours show as idle.

    Drawn as horizontal bars on a date axis (base = departure, length = time out), which is
    what plotly.express.timeline builds, without its ~100 ms of overhead per render."""
    fig = go.Figure()
    for purpose, part in frame.groupby("purpose", sort=False):
        out_ms = (part["ends_at"] - part["departed_at"]).dt.total_seconds() * 1000
        fig.add_bar(y=part["lane"], base=part["departed_at"], x=out_ms, orientation="h", name=purpose,
                    marker_color=colors.get(purpose), customdata=part["hover"],
                    hovertemplate="%{customdata}<extra></extra>")
    start = min(datetime.combine(day, time(8)), frame["departed_at"].min().floor("h"))
    end = max(datetime.combine(day, time(18)), frame["ends_at"].max().ceil("h"))
    fig.update_layout(
        barmode="overlay",
        yaxis={"autorange": "reversed", "type": "category", "categoryorder": "array",
               "categoryarray": list(frame["lane"])},
        xaxis={"type": "date", "tickformat": "%H:%M", "range": [start, end], "dtick": 2 * 3_600_000})
    # the row labels already name each trip's purpose
    return _layout(fig, title, 90 + 32 * len(frame), legend=False)
