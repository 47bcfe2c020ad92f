"""Figures of the screening page: daily bars with lines, the building x day fever heatmap, and
the key dates (seals, the call for volunteers, confirmed cases) drawn on each of them, as
ECharts options (charts.option; no Plotly bundle for the page to load, issue 13).
Titles are the page's (captions above the charts, where they wrap on a phone); labels come from
the caller (catalogs); colours from sitrep/app/figures/colors.py."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sitrep.app.figures import charts
from sitrep.app.figures.charts import Series
from sitrep.app.figures.colors import CASE, PALETTE, STATUS
from sitrep.i18n import t

FEW_BUILDINGS = 2    # a key-date label names up to this many buildings, else counts them
FEVER_HEIGHT, FLOW_HEIGHT, COVERAGE_HEIGHT = 250, 310, 210   # px, with the legend under the plot
HEAT_STEPS = 8       # the heatmap's colour steps above zero (more fevers share the last one)

# the colour of each kind of key date: sealing in red, lifting in green, cases dark red
MARK_COLOR = {
    "lockdown": STATUS["sealed_building"],
    "seal": STATUS["sealed_floor"],
    "volunteer_call": STATUS["normal"],
    "confirmed": CASE["confirmed"],
    "unseal": STATUS["ok"],
    "reopen": STATUS["ok"],
}


@dataclass(frozen=True)
class Mark:
    """One day's key dates: where to draw the line, its colour and its short label."""
    day: pd.Timestamp
    color: str
    text: str


def mark_label(kind: str, items: int, buildings: str, lang: str) -> str:
    """A key date's short label: the buildings named when few, else counted."""
    counted = items > (1 if kind == "confirmed" else FEW_BUILDINGS)
    if kind in ("seal", "unseal", "confirmed") and counted:
        return t(f"screening.mark.{kind}_many", lang, n=items)
    return t(f"screening.mark.{kind}", lang, buildings=buildings)


def marks(frame: pd.DataFrame, lang: str) -> list[Mark]:
    """One mark per day of the key dates (screening_key_dates); the line takes the colour of
    the day's first event (the query orders them)."""
    # day -> its events in the query's order, read from plain columns (a groupby with
    # itertuples cost ~20% of a cold run); a row without a day makes no mark
    days: dict = {}
    for day, kind, items, buildings in zip(frame["day"], frame["kind"], frame["items"].tolist(),
                                           frame["buildings"], strict=True):
        if day == day:
            days.setdefault(pd.Timestamp(day), []).append((kind, int(items), buildings))
    return [Mark(day, MARK_COLOR.get(events[0][0], STATUS["normal"]),
                 " · ".join(mark_label(kind, items, buildings if isinstance(buildings, str) else "", lang)
                            for kind, items, buildings in events))
            for day, events in sorted(days.items())]


def _key_dates(key_dates: list[Mark], at, *, labels: bool) -> dict:
    """The key dates as an ECharts markLine: a dotted vertical line a day, in the colour of the
    day's first event, with its short label written up along the line if `labels` (drawn as
    SVG text: a building's name from a spreadsheet is never HTML). `at` places a day on the
    x axis (a date on a time axis, a category on the heatmap's)."""
    return {"silent": True, "symbol": "none", "animation": False,
            "lineStyle": {"type": "dotted", "width": 1.2},
            "label": {"show": labels, "position": "insideEndTop", "formatter": "{b}", "fontSize": 10,
                      "backgroundColor": "rgba(255,255,255,0.75)", "fontFamily": charts.FONT},
            "data": [{"name": mark.text, "xAxis": at(mark.day), "lineStyle": {"color": mark.color},
                      "label": {"color": mark.color}} for mark in key_dates]}


@charts.cached
def daily(frame: pd.DataFrame, bars: list[Series], *, lines: list[Series] = (),
          dashed: list[Series] = (), hover: dict[str, str] | None = None, stacked: bool = False,
          legend_rows: int = 1, key_dates: pd.DataFrame | None = None, lang: str = "zh",
          labels: bool = True, as_of=None, days: tuple | None = None) -> dict:
    """Daily bars (stacked or side by side) with lines over them, and the key dates (with their
    labels in `lang` if `labels`) and the as-of day, over `days` = (first, last) (default the
    frame's). The tooltip lists every series of the day under the pointer; `hover` adds columns
    to the first bar's points (column -> label), and then the tooltip is the point's own (its
    series with those numbers)."""
    extra = tuple(hover or {})
    series = []
    for i, s in enumerate(bars):
        more = {"stack": "day"} if stacked else {}
        if i == 0 and extra:
            shown = "".join(f"<br/>{hover[c]}: {{@[{2 + j}]}}" for j, c in enumerate(extra))
            more["tooltip"] = {"formatter": f"{{@[0]}}<br/>{{a}}: {{@[1]}}{shown}"}
        series.append(charts.bar(s.label, charts.day_points(frame, s.column, extra if i == 0 else ()),
                                 s.color, **more))
    series += [charts.line(s.label, charts.day_points(frame, s.column), s.color, symbol="none",
                           lineStyle={"color": s.color, "width": 2.5}, z=3) for s in lines]
    series += [charts.line(s.label, charts.day_points(frame, s.column), s.color, symbol="none",
                           lineStyle={"color": s.color, "width": 1.5, "type": "dashed"}, z=3)
               for s in dashed]
    if series:
        found = marks(key_dates, lang) if key_dates is not None else []
        series[0]["markLine"] = _key_dates(found, lambda day: day.strftime("%Y-%m-%d"), labels=labels)
        if as_of is not None:
            series[0]["markArea"] = charts.as_of_band(as_of, STATUS["open"], 0.8)
    first, last = days or ((frame["day"].iloc[0], frame["day"].iloc[-1]) if len(frame) else (None, None))
    spec = charts.option(None, series, charts.day_axis(first, last), charts.count_axis(),
                         legend=legend_rows > 0, legend_rows=legend_rows, pointer="shadow")
    if extra:     # the first bars' own numbers: a point's tooltip, not the day's
        spec["tooltip"] = {"trigger": "item"}
    return spec


def _heat_pieces(top: int) -> list[dict]:
    """The heatmap's colours: zero as the empty grey, then steps from the suspected colour to
    the confirmed one (as Plotly's scale was); more than HEAT_STEPS fevers share the last."""
    def mix(a: str, b: str, share: float) -> str:
        ca, cb = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
        return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(ca, cb, strict=True))

    steps = min(top, HEAT_STEPS)
    pieces = [{"value": 0, "label": "0", "color": STATUS["open"]}]
    for n in range(1, steps + 1):
        color = mix(CASE["suspected"], CASE["confirmed"], (n - 1) / max(steps - 1, 1))
        pieces.append({"value": n, "label": str(n), "color": color} if n < steps or steps == top
                      else {"min": n, "label": f"{n}+", "color": color})
    return pieces


@charts.cached
def heatmap(frame: pd.DataFrame, value_label: str, average_label: str, day_label: str, *,
            key_dates: pd.DataFrame | None = None, as_of=None) -> dict:
    """Buildings (rows, in the query's order) by day (columns, month-day): fever count per cell
    with its moving average in the tooltip; the key dates (lines only) and the as-of day (a
    frame around its column). Its height is `heatmap_height(frame)`."""
    buildings = list(dict.fromkeys(frame["building"]))
    days = sorted(pd.Timestamp(day) for day in frame["day"].unique())
    names = [day.strftime("%m-%d") for day in days]
    column = dict(zip(days, names, strict=True))
    # a cell: [shown day, building, fever, its moving average, the day] (the last for the record)
    cells = [[column[day], building, None if fever != fever else int(fever),
              None if average != average else float(average), day.strftime("%Y-%m-%d")]
             for day, building, fever, average in zip(
                 (pd.Timestamp(day) for day in frame["day"]), frame["building"], frame["fever"],
                 frame["fever_ma"], strict=True)]
    top = max(int(frame["fever"].max()) if len(frame) else 0, 2)
    in_range = [mark for mark in (marks(key_dates, "zh") if key_dates is not None else [])
                if mark.day in column]
    series = {"type": "heatmap", "name": value_label, "data": cells,
              "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1},
              "emphasis": {"itemStyle": {"borderColor": "#31333f", "borderWidth": 1}},
              "markLine": _key_dates(in_range, lambda day: column[day], labels=False)}
    as_of_day = pd.Timestamp(as_of) if as_of is not None else None
    if as_of_day in column:     # a frame around the as-of column (cells would hide a fill): its two edges
        at = names.index(column[as_of_day])
        series["markLine"]["data"] += [{"name": "", "xAxis": at + side, "label": {"show": False},
                                        "lineStyle": {"color": PALETTE[8], "type": "solid", "width": 1.5}}
                                       for side in (-0.5, 0.5)]
    x_axis = charts.category_axis(names)
    return {
        "animation": False,
        "textStyle": {"fontFamily": charts.FONT},
        # a building's name comes from a spreadsheet: the tooltip is drawn as text, not HTML
        "tooltip": charts.text_tooltip(f"{{@[1]}} · {day_label} {{@[0]}}\n{value_label}: {{@[2]}}\n"
                                       f"{average_label}: {{@[3]}}"),
        "grid": {"left": 4, "right": 8, "top": 8, "bottom": 34, "containLabel": True},
        "xAxis": {**x_axis, "axisLabel": {**x_axis["axisLabel"], "hideOverlap": True}},
        "yAxis": charts.category_axis(buildings, inverse=True, axisLine={"show": False}),
        "visualMap": {"type": "piecewise", "dimension": 2, "orient": "horizontal", "left": 0, "bottom": 0,
                      "itemWidth": 12, "itemHeight": 10, "itemGap": 6, "pieces": _heat_pieces(top),
                      "textStyle": {"fontSize": 11, "color": "#31333f", "fontFamily": charts.FONT}},
        "series": [series],
    }


def heatmap_height(frame: pd.DataFrame) -> int:
    """Room for every building's row (and the colour key under the days), at most 500 px."""
    return min(70 + 22 * frame["building"].nunique(), 500)
