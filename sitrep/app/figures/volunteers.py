"""Figures of the volunteer-hours page. Titles, axis labels and legend names come from the
caller (the catalogs); colours only from sitrep/app/figures/colors.py."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sitrep.app.figures.charts import cached
from sitrep.app.figures.colors import PALETTE, SERIES, STATUS

FONT = {"family": "Noto Sans CJK SC, sans-serif"}
UNRESOLVED = PALETTE[-1]        # the grey: a shift whose volunteer is not in the register
HALF_DAY = pd.Timedelta(hours=12)
DAY_MS = 86400000


def _day_ticks(days: int) -> dict:
    """Whole-day ticks: Plotly would put a tick every 12 hours on a short range."""
    return {"tickformat": "%m-%d", "type": "date", **({"dtick": DAY_MS} if days <= 10 else {})}


def _layout(fig: go.Figure, title: str, height: int, *, legend_items: int = 0) -> go.Figure:
    """Title on top; the legend, if any, at the bottom of the figure, below the axis, with room
    kept for it: on a phone it wraps to two entries a row, and a wrapped legend above the plot
    would cover the title."""
    rows = -(-legend_items // 2)
    fig.update_layout(
        title={"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
        height=height + 22 * rows, margin={"l": 8, "r": 8, "t": 30, "b": 48 + 22 * rows},
        showlegend=bool(legend_items), font=FONT,
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                "font": {"size": 11}},
    )
    return fig


def group_colours(codes: list[str]) -> dict[str, str]:
    """A stable colour per group in the given order; 'unresolved' is always the grey."""
    known = [c for c in codes if c != "unresolved"]
    out = {code: PALETTE[i % (len(PALETTE) - 1)] for i, code in enumerate(known)}
    out["unresolved"] = UNRESOLVED
    return out


@cached
def hours_by_day(frame: pd.DataFrame, order: list[str], labels: dict[str, str], *, title: str,
                 y_title: str, people: str, span: tuple) -> go.Figure:
    """Hours per day of the trend range, one stacked segment per group: every group in `order`
    keeps its colour whichever groups the filters leave."""
    fig = go.Figure()
    colours = group_colours(order)
    for code in (c for c in order if c in set(frame["group"])):
        part = frame[frame["group"] == code]
        fig.add_bar(x=part["day"], y=part["hours"], name=labels[code], marker_color=colours[code],
                    customdata=part["volunteers"],
                    hovertemplate=f"%{{x|%m-%d}} · %{{y:,.1f}} h · %{{customdata}} {people}"
                                  f"<extra>{labels[code]}</extra>")
    fig.update_layout(
        barmode="stack", bargap=0.15,
        xaxis={**_day_ticks((span[1] - span[0]).days + 1),
               "range": [pd.Timestamp(span[0]) - HALF_DAY, pd.Timestamp(span[1]) + HALF_DAY]},
        yaxis={"title": {"text": y_title, "font": {"size": 11}}, "rangemode": "tozero"})
    return _layout(fig, title, 300, legend_items=len(fig.data))


@cached
def hours_bar(frame: pd.DataFrame, column: str, labels: dict[str, str], *, title: str,
              people: str) -> go.Figure:
    """Horizontal bars of hours per code (kind of volunteer, task), the most at the top; the
    title names the unit."""
    frame = frame.iloc[::-1]
    colours = [UNRESOLVED if c == "unresolved" else SERIES["volunteer_hours"] for c in frame[column]]
    fig = go.Figure(go.Bar(
        x=frame["hours"], y=[labels[c] for c in frame[column]], orientation="h", marker_color=colours,
        text=[f"{h:,.0f}" for h in frame["hours"]], textposition="outside", textfont={"size": 11},
        cliponaxis=False,
        customdata=frame["volunteers"],
        hovertemplate=f"%{{y}} · %{{x:,.1f}} h · %{{customdata}} {people}<extra></extra>"))
    fig.update_layout(xaxis={"range": [0, 1.2 * max(frame["hours"].max(), 1)]},  # room for the labels
                      yaxis={"automargin": True})
    return _layout(fig, title, max(150, 90 + 26 * len(frame)))


@cached
def coverage(frame: pd.DataFrame, *, title: str, shifts: str) -> go.Figure:
    """Building x day: green when a guard shift named the building that day, red when none
    (the title says so: a two-entry legend would cost a phone a row)."""
    buildings = list(dict.fromkeys(frame["building"]))
    wide = frame.pivot(index="building", columns="day", values="is_covered").reindex(buildings)
    counts = frame.pivot(index="building", columns="day", values="guard_shifts").reindex(buildings)
    fig = go.Figure(go.Heatmap(
        x=list(wide.columns), y=buildings, z=wide.astype(float).values, zmin=0, zmax=1,
        colorscale=[[0, STATUS["gap"]], [0.5, STATUS["gap"]], [0.5, STATUS["covered"]],
                    [1, STATUS["covered"]]],
        showscale=False, xgap=1, ygap=1, customdata=counts.values,
        hovertemplate=f"%{{y}} · %{{x|%m-%d}} · {shifts} %{{customdata}}<extra></extra>"))
    fig.update_layout(xaxis={**_day_ticks(len(wide.columns)), "showgrid": False},
                      yaxis={"autorange": "reversed", "type": "category", "showgrid": False},
                      plot_bgcolor="rgba(0,0,0,0)")
    return _layout(fig, title, max(150, 80 + 20 * len(buildings)))


@cached
def sealed_hours(frame: pd.DataFrame, labels: dict[str, str], *, title: str, x_title: str,
                 whole: str, floors: str) -> go.Figure:
    """Hours inside sealed buildings per group: sealed whole, or with sealed floors only."""
    frame = frame.iloc[::-1]
    names = [labels[c] for c in frame["group"]]
    fig = go.Figure()
    for column, name, colour in (("whole_building_hours", whole, STATUS["sealed_building"]),
                                 ("floor_seal_hours", floors, STATUS["sealed_floor"])):
        fig.add_bar(x=frame[column], y=names, orientation="h", name=name, marker_color=colour,
                    hovertemplate=f"%{{y}} · %{{x:,.1f}} h<extra>{name}</extra>")
    fig.update_layout(barmode="stack",
                      xaxis={"title": {"text": x_title, "font": {"size": 11}}, "rangemode": "tozero"},
                      yaxis={"automargin": True})
    return _layout(fig, title, 100 + 26 * len(frame), legend_items=2)
