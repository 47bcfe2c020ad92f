"""The pieces every page's charts are made of: ECharts options (`st.echarts_chart`, bundled with
Streamlit) — the compact daily trend (`trend`), a daily chart's option, its axes and series,
category axes, horizontal bars, plain-text hovers — and the cache that keeps a built option
across reruns and sessions (`cached`). Titles and labels come from the caller (catalogs),
colours from colors.py.

Why ECharts and not Plotly: a new browser tab spends about 1–2 s of its main thread loading
Streamlit's Plotly bundle (4.7 MB of JavaScript) before the first Plotly chart paints; ECharts
paints the same chart in a few milliseconds (BENCHMARKS.md, "The browser's floor"). A page with
any Plotly chart cannot settle within 1.15x of the floor page (one Plotly chart), so no page
draws one (the bench's floor page is the only Plotly chart left).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sitrep import config
from sitrep.app.figures.colors import SERIES
from sitrep.app.ui import frame_key

FIGURES_KEPT = 64       # options per builder, across sessions (a few kB to ~100 kB each): bounded memory


def cached(build):
    """A chart builder whose options are kept, keyed by its arguments (the query's frame, the
    labels, the language): reruns and other sessions that show the same numbers reuse the option
    instead of building it again. Shared objects: st.echarts_chart and st.pydeck_chart only read
    them; a caller must not change an option it got."""
    @functools.wraps(build)      # (Streamlit keys the cache on the builder's name and source)
    def kept(positional: tuple, named: dict):
        return build(*positional, **named)

    keep = st.cache_resource(ttl=config.CACHE_TTL_S, max_entries=FIGURES_KEPT, show_spinner=False,
                             hash_funcs={pd.DataFrame: frame_key})(kept)

    @functools.wraps(build)
    def call(*args, **kwargs):
        # by keyword: Streamlit looks up a positional argument's name with inspect.signature on
        # every call (~6% of a warm rerun); a keyword's name is at hand
        return keep(positional=args, named=kwargs)

    return call


@dataclass(frozen=True)
class Series:
    """A column drawn as a series: its label in the active language, its colour, bar or line
    (where a figure lets the series choose)."""
    column: str
    label: str
    color: str
    kind: str = "bar"


FONT = "Noto Sans CJK SC, Source Sans Pro, sans-serif"
AXIS_COLOR = "#808495"
GRID_COLOR = "#e6e9ef"
DAY_MS = 86_400_000
_AXIS_LABEL = {"color": AXIS_COLOR, "fontSize": 11, "fontFamily": FONT}


def day_texts(days, fmt: str = "%Y-%m-%d") -> list[str]:
    """Days (dates, timestamps or their ISO text) as text, a column at a time: a Timestamp per
    cell cost ~2 µs each, the largest part of building a heatmap of buildings x days."""
    return pd.to_datetime(pd.Series(days)).dt.strftime(fmt).tolist() if len(days) else []


def day_points(frame: pd.DataFrame, column: str, extra: tuple[str, ...] = ()) -> list[list]:
    """[day, value, *extra] per row of a frame with a `day` column, as ECharts reads a series on a
    time axis (a missing value is a gap, null)."""
    def plain(v):
        return None if v != v else (v.item() if hasattr(v, "item") else v)

    days = day_texts(frame["day"])
    columns = [frame[c].tolist() for c in (column, *extra)]
    return [[day, *(plain(v) for v in values)] for day, *values in zip(days, *columns, strict=True)]


def day_points_by(frame: pd.DataFrame, by: str, column: str, extra: tuple[str, ...] = ()) -> dict:
    """day_points of each value of the `by` column, in the frame's order, from one pass (a
    boolean filter and a day conversion per series cost more than the points themselves)."""
    out: dict = {}
    for key, point in zip(frame[by].tolist(), day_points(frame, column, extra), strict=True):
        out.setdefault(key, []).append(point)
    return out


def bar(label: str, points: list, color: str | None = None, **more) -> dict:
    return {"type": "bar", "name": label, "data": points, "barMaxWidth": 14,
            **({"itemStyle": {"color": color}} if color else {}), **more}


def line(label: str, points: list, color: str | None = None, *, dashed: bool = False, **more) -> dict:
    return {"type": "line", "name": label, "data": points, "symbol": "circle", "symbolSize": 5,
            "lineStyle": {"width": 2, **({"color": color} if color else {}),
                          **({"type": "dotted"} if dashed else {})},
            **({"itemStyle": {"color": color}} if color else {}), **more}


def moment(day, hours: float = 0) -> str:
    """A time `hours` after a day's midnight as ECharts reads the days of `day_points`: a
    'YYYY-MM-DD HH:MM' string without a zone, so the browser places both in its own time zone
    (a number of ms would be UTC: 8 hours off the bars in Xianning)."""
    return (pd.Timestamp(day) + pd.Timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def utc_ms(stamp) -> int:
    """A naive time (the sheet's clock, a day's midnight) as epoch milliseconds read as UTC, for
    an option that sets `useUTC`: its axis shows the sheet's clock whatever the browser's zone."""
    return round((pd.Timestamp(stamp) - pd.Timestamp(0)).total_seconds() * 1000)


def day_axis(first, last) -> dict:
    """A time axis from the first to the last day, with half a day of room at each end (the
    first and last bars drawn whole, the last label unclipped); ticks as month-day, at most one
    a day, spaced to the width."""
    ends = {}
    if first is not None and last is not None:
        ends = {"min": moment(first, -12), "max": moment(last, 12)}
    return {"type": "time", "minInterval": DAY_MS, "splitNumber": 7, **ends,
            "axisLabel": {**_AXIS_LABEL, "formatter": "{MM}-{dd}", "hideOverlap": True},
            "axisTick": {"show": False}, "axisLine": {"lineStyle": {"color": GRID_COLOR}},
            "splitLine": {"show": False}}


def count_axis(**more) -> dict:
    """A value axis from zero (whole-number ticks: counts); `more` overrides (e.g. a maximum)."""
    return {"type": "value", "min": 0, "minInterval": 1, "splitNumber": 3, "axisLabel": dict(_AXIS_LABEL),
            "splitLine": {"lineStyle": {"color": GRID_COLOR}}, **more}


def option(title: str | None, series: list[dict], x_axis: dict, y_axis: dict, *, legend: bool,
           legend_rows: int = 0, pointer: str = "line") -> dict:
    """A daily chart's ECharts option: a short title top left (None: the page prints a long one
    above the chart, where it can wrap on a phone), the legend top right, or under the plot with
    room for `legend_rows` lines (a phone wraps a long legend), a tooltip for the day under the
    pointer."""
    legend_place = {"left": 0, "bottom": 0} if legend_rows else {"right": 0, "top": 0}
    if legend_rows == 1:      # one line kept for it: scrolls (arrows) rather than wrap onto the axis
        legend_place["type"] = "scroll"
    top = (44 if legend and not legend_rows else 30) if title else (28 if legend and not legend_rows else 8)
    return {
        "animation": False,
        "textStyle": {"fontFamily": FONT},
        "title": {"show": bool(title), "text": title or "", "left": 0, "top": 0,
                  "textStyle": {"fontSize": 13, "fontWeight": "normal", "color": "#31333f",
                                "fontFamily": FONT}},
        "legend": {"show": legend, **legend_place, "itemGap": 12, "itemWidth": 12, "itemHeight": 8,
                   "textStyle": {"fontSize": 11, "color": "#31333f", "fontFamily": FONT}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": pointer}},
        "grid": {"left": 4, "right": 10, "top": top,
                 "bottom": 4 + 24 * legend_rows if legend else 4, "containLabel": True},
        "xAxis": x_axis,
        "yAxis": y_axis,
        "series": series,
    }


def build_echarts_trend(frame: pd.DataFrame, series: dict[str, str], title: str, kind: str = "bar") -> dict:
    """A compact daily trend as an ECharts option: `series` maps a column to its label in the
    active language, every series drawn as `kind` (bar or line) over the frame's `day` on a time
    axis. Numbers are sent as they are; the tooltip lists every series of the day under the
    pointer. (Its height is the caller's, given to `show`.)"""
    draw = bar if kind == "bar" else line
    drawn = [draw(label, day_points(frame, column), SERIES.get(column)) for column, label in series.items()]
    first, last = (frame["day"].iloc[0], frame["day"].iloc[-1]) if len(frame) else (None, None)
    # the legend under the plot: beside a long title it would run into it on a phone
    legend = len(series) > 1
    return option(title, drawn, day_axis(first, last), count_axis(), legend=legend,
                  legend_rows=1 if legend else 0, pointer="shadow" if kind == "bar" else "line")


trend = cached(build_echarts_trend)   # kept like the figures: st.echarts_chart only reads it


def show(spec: dict, *, key: str, height: int = 170) -> None:
    """Draw an ECharts option made here (SVG: crisp in a screenshot, no canvas to blur)."""
    st.echarts_chart(spec, height=height, renderer="svg", key=key, width="stretch")


# -- pieces of the analysis pages' charts: categories, plain-text hovers, bands, clicks --------

def category_axis(names: list, *, formatter: str | None = None, **more) -> dict:
    """A category axis of `names` (text: ECharts reads a number on a category axis as a
    position), every name a tick where there is room; `more` adds to it (e.g. inverse=True:
    the first name at the top of a y axis)."""
    label = {**_AXIS_LABEL, **({"formatter": formatter} if formatter else {})}
    return {"type": "category", "data": names, "axisLabel": label, "axisTick": {"show": False},
            "axisLine": {"lineStyle": {"color": GRID_COLOR}}, "splitLine": {"show": False}, **more}


def text_tooltip(formatter: str | None = None) -> dict:
    """The tooltip of the item under the pointer, drawn as plain text (richText, lines split
    at "\n"), kept inside the chart: what it carries may be spreadsheet text (a building, a
    destination, a source typed in a sheet), which must never be read as HTML. `formatter`
    reads the point's values (`{@[n]}`, inserted as text); None: ECharts' own (series, value)."""
    return {"trigger": "item", "renderMode": "richText", "confine": True,
            "textStyle": {"fontSize": 12, "fontFamily": FONT},
            **({"formatter": formatter} if formatter else {})}


def day_band(start, end, color: str, opacity: float = 0.15) -> dict:
    """A series' markArea shading one day on the x axis, from `start` to `end` (as the axis
    reads them: milliseconds on a UTC axis, `moment`s on a day axis), behind the data."""
    return {"silent": True, "itemStyle": {"color": color, "opacity": opacity},
            "data": [[{"xAxis": start}, {"xAxis": end}]]}


def as_of_band(day, color: str, opacity: float = 1.0) -> dict:
    """`day_band` around the as-of day on a day axis: from half a day before its midnight to
    half a day after, where its bar stands (local `moment`s, as the day points are)."""
    return day_band(moment(day, -12), moment(day, 12), color, opacity)


def pickable(spec: dict, *, key: str, height: int, on_select) -> None:
    """`show` for a chart whose points can be clicked (a series with `selectedMode`):
    `on_select` runs with the selection in st.session_state[key]."""
    st.echarts_chart(spec, height=height, renderer="svg", key=key, width="stretch",
                     on_select=on_select)


def point(values: list, color: str | None = None) -> dict:
    """A data point with its own colour (e.g. the grey 'unresolved' bar among green ones)."""
    return {"value": values, **({"itemStyle": {"color": color}} if color else {})}


def named(axis: dict, name: str | None, *, middle: bool = False) -> dict:
    """An axis with its name (the unit): above a value y-axis, or under a value x-axis (`middle`)."""
    if not name:
        return axis
    place = {"nameLocation": "middle", "nameGap": 22} if middle else {"nameLocation": "end", "nameGap": 8}
    return {**axis, "name": name, **place,
            "nameTextStyle": {**_AXIS_LABEL, "align": "center" if middle else "left"}}


def hbars(series: list[dict], categories: list, *, legend: bool, x_title: str | None = None,
          inverse: bool = False) -> dict:
    """Horizontal bars: one row a category (the first at the bottom, or at the top if
    `inverse`), values along x from zero; a point is [value, category, *extra]. Room on the
    right for value labels, the legend (if any) under the axis, hovers as plain text."""
    x_axis = named({**count_axis(), "minInterval": 0}, x_title, middle=True)
    spec = option(None, series, x_axis, category_axis(categories, inverse=inverse), legend=legend,
                  legend_rows=1 if legend else 0)
    spec["grid"] = {**spec["grid"], "right": 40, "bottom": spec["grid"]["bottom"] + (20 if x_title else 0)}
    spec["tooltip"] = text_tooltip()
    return spec
