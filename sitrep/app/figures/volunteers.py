"""Figures of the volunteer-hours page: ECharts options (no Plotly bundle for the page to load,
issue 13). Titles are the page's captions above each chart; axis names, legend names and hover
words come from the caller (the catalogs); colours only from sitrep/app/figures/colors.py.
Every tooltip is plain text (`charts.text_tooltip`): a group, task or building label is never
read as HTML."""
from __future__ import annotations

import pandas as pd

from sitrep.app.figures import charts
from sitrep.app.figures.colors import PALETTE, SERIES, STATUS

UNRESOLVED = PALETTE[-1]        # the grey: a shift whose volunteer is not in the register
BY_DAY_HEIGHT = 300


def group_colours(codes: list[str]) -> dict[str, str]:
    """A stable colour per group in the given order; 'unresolved' is always the grey."""
    known = [c for c in codes if c != "unresolved"]
    out = {code: PALETTE[i % (len(PALETTE) - 1)] for i, code in enumerate(known)}
    out["unresolved"] = UNRESOLVED
    return out


def bars_height(rows: int, legend: bool = False) -> int:
    """A horizontal bar chart's height: a row a bar, room for a legend under it."""
    return max(120, 60 + 26 * rows) + (48 if legend else 0)


def coverage_height(buildings: int) -> int:
    return max(120, 50 + 20 * buildings)


@charts.cached
def hours_by_day(frame: pd.DataFrame, order: list[str], labels: dict[str, str], *, y_title: str,
                 people: str, span: tuple) -> dict:
    """Hours per day of the trend range, one stacked segment per group: every group in `order`
    keeps its colour whichever groups the filters leave. A point is [day, hours, volunteers]."""
    colours = group_colours(order)
    points = charts.day_points_by(frame, "group", "hours", ("volunteers",))
    series = [charts.bar(labels[code], points[code],
                         colours[code], stack="hours", barMaxWidth=18,
                         tooltip={"formatter": f"{{a}}\n{{@[0]}} · {{@[1]}} h · {{@[2]}} {people}"})
              for code in order if code in points]
    spec = charts.option(None, series, charts.day_axis(*span), charts.named(charts.count_axis(), y_title),
                         legend=True, legend_rows=2)
    spec["grid"] = {**spec["grid"], "top": 24}            # room for the axis name (the unit) above it
    spec["tooltip"] = charts.text_tooltip()
    return spec


@charts.cached
def hours_bar(frame: pd.DataFrame, column: str, labels: dict[str, str], *, people: str) -> dict:
    """Horizontal bars of hours per code (kind of volunteer, task), the most at the top, each
    labelled with its hours; the hover adds the volunteers. A point is [hours, label,
    volunteers, label text]."""
    frame = frame.iloc[::-1]       # a category axis runs upwards: the most hours last, on top
    points = [charts.point([h, labels[c], n, f"{h:,.0f}"],
                           UNRESOLVED if c == "unresolved" else SERIES["volunteer_hours"])
              for c, h, n in zip(frame[column], frame["hours"].tolist(), frame["volunteers"].tolist(),
                                 strict=True)]
    drawn = charts.bar(None, points, tooltip={"formatter": f"{{@[1]}} · {{@[0]}} h · {{@[2]}} {people}"})
    drawn["label"] = {"show": True, "position": "right", "formatter": "{@[3]}", "fontSize": 11, "color": "#31333f"}
    series = [drawn]
    return charts.hbars(series, [labels[c] for c in frame[column]], legend=False)


@charts.cached
def coverage(frame: pd.DataFrame, *, shifts: str) -> dict:
    """Building x day: green when a guard shift named the building that day, red when none
    (the caption says so: a two-entry legend would cost a phone a row). A cell is
    [month-day, building, covered 1/0, guard shifts, day]."""
    buildings = list(dict.fromkeys(frame["building"]))
    days = sorted(set(frame["day"]))
    # month-day on the axis (a category: ECharts cannot format it), the year too if the range spans two
    shown = "%m-%d" if len({pd.Timestamp(d).year for d in days}) == 1 else "%Y-%m-%d"
    cells = [[day, b, int(bool(c)), int(n), iso]
             for b, day, c, n, iso in zip(frame["building"], charts.day_texts(frame["day"], shown),
                                          frame["is_covered"], frame["guard_shifts"],
                                          charts.day_texts(frame["day"]), strict=True)]
    x_axis = {**charts.category_axis(charts.day_texts(days, shown)),
              "splitArea": {"show": False}}
    x_axis["axisLabel"] = {**x_axis["axisLabel"], "hideOverlap": True}
    series = {"type": "heatmap", "data": cells, "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1},
              "emphasis": {"disabled": True},
              "tooltip": {"formatter": f"{{@[1]}} · {{@[0]}} · {shifts} {{@[3]}}"}}
    spec = charts.option(None, [series], x_axis, {**charts.category_axis(buildings, inverse=True),
                                                  "splitArea": {"show": False}}, legend=False)
    spec["tooltip"] = charts.text_tooltip()
    spec["visualMap"] = {"type": "piecewise", "show": False, "dimension": 2,
                         "pieces": [{"value": 0, "color": STATUS["gap"]}, {"value": 1, "color": STATUS["covered"]}]}
    return spec


@charts.cached
def sealed_hours(frame: pd.DataFrame, labels: dict[str, str], *, x_title: str, whole: str,
                 floors: str) -> dict:
    """Hours inside sealed buildings per group: sealed whole, or with sealed floors only
    (stacked). A point is [hours, group label]."""
    frame = frame.iloc[::-1]
    names = [labels[c] for c in frame["group"]]
    series = [charts.bar(name, [[h, g] for h, g in zip(frame[column].tolist(), names, strict=True)], colour,
                         stack="sealed", tooltip={"formatter": "{a}\n{@[1]} · {@[0]} h"})
              for column, name, colour in (("whole_building_hours", whole, STATUS["sealed_building"]),
                                           ("floor_seal_hours", floors, STATUS["sealed_floor"]))]
    return charts.hbars(series, names, legend=True, x_title=x_title)
