"""Figures of the sealed-floors page (pages/seals.py): the building x floor grid, the seal
timeline and the sealed-household trend (ECharts options: no Plotly bundle for the page to
load) and the site plan (pydeck, no basemap). Labels come from
the catalogs, colours from sitrep/app/figures/colors.py. What a click picks and the drill-down
table are the page's (sitrep/app/seals_drill.py)."""
from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pydeck as pdk

from sitrep.app.figures import charts
from sitrep.app.figures.colors import STATUS
from sitrep.i18n import label, t

STATES = ("sealed_building", "sealed_floor", "case", "open")
STOREY_M = 3.0               # extrusion per floor on the site plan
PLAN_FIT_PX = 300            # the plan's first view fits the compound into a phone's width
DAY_MS = 86_400_000


def rgb(colour: str, alpha: int = 255) -> list[int]:
    """`#b2182b` -> [178, 24, 43, alpha] (pydeck wants RGBA lists)."""
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


# -- the grid ------------------------------------------------------------------------------

def when(value, fmt: str, lang: str) -> str:
    """A date or time as `fmt`, or "none" when there is none."""
    return value.strftime(fmt) if value is not None and value == value else t("seals.none", lang)


def _cases_text(row, lang: str) -> str:
    parts = [f"{label('case_class', c, lang)} {int(row[c])}"
             for c in ("confirmed", "suspected", "asymptomatic") if row[c]]
    return f"{int(row['cases'])}（{'，'.join(parts)}）" if lang == "zh" and parts else (
        f"{int(row['cases'])} ({', '.join(parts)})" if parts else "0")


def hover_text(floors: pd.DataFrame, lang: str) -> list[str]:
    """Each floor's hover, plain text in lines: building · floor, state (since when),
    households, cases, last delivery. Dates formatted a column at a time (a Timestamp per row
    cost more than the rest)."""
    since = pd.to_datetime(floors["sealed_since"]).dt.strftime("%m-%d")
    delivered = pd.to_datetime(floors["last_delivery_at"]).dt.strftime("%m-%d %H:%M")
    states = {state: t(f"seals.state.{state}", lang) for state in dict.fromkeys(floors["seal_state"])}
    counts = zip(floors["confirmed"], floors["suspected"], floors["asymptomatic"], strict=True)
    return [
        "\n".join([
            t("privacy.building_floor", lang, building=building, floor=floor),
            states[state] + (t("seals.hover_since", lang, since=day) if isinstance(day, str) else ""),
            t("seals.hover_households", lang, sealed=sealed, households=households),
            t("seals.hover_cases", lang, cases=_cases_text(
                {"cases": cases, "confirmed": c, "suspected": s, "asymptomatic": a}, lang)),
            t("seals.hover_delivery", lang, delivery=at if isinstance(at, str) else t("seals.none", lang)),
        ])
        for building, floor, state, day, sealed, households, cases, (c, s, a), at in zip(
            floors["building"], floors["floor"], floors["seal_state"], since, floors["sealed_households"],
            floors["households"], floors["cases"], counts, delivered, strict=True)
    ]


def _cells(name: str, points: list, color: str, *, symbol: str, size: float, **more) -> dict:
    """A scatter series of cells on two category axes, one clickable at a time. A point is
    [x, y, hover, its own name]: ECharts keeps a selection by the point's name, which would
    otherwise be its x category (a click would select the whole building)."""
    return {"type": "scatter", "name": name, "data": points, "symbol": symbol, "symbolSize": size,
            "encode": {"x": 0, "y": 1, "itemName": 3},
            "itemStyle": {"color": color}, "selectedMode": "single",
            "select": {"itemStyle": {"borderColor": "#31333f", "borderWidth": 2}}, **more}


def _grid_px(floors: pd.DataFrame) -> tuple[int, float]:
    """The plot's height (13 px a floor, 180–440) and a square's size."""
    top = int(floors["floor"].max())
    plot_px = min(max(top * 13, 180), 440)
    return plot_px, min(plot_px / top * 0.82, 26)


def grid_height(floors: pd.DataFrame) -> int:
    """The grid chart's height: the plot, the axis labels, the legend under it (two lines)."""
    return _grid_px(floors)[0] + 76


@charts.cached
def grid(floors: pd.DataFrame, lang: str) -> dict:
    """Every floor of every building as a square, coloured by its seal state; a dot marks a
    floor with a case. An ECharts scatter on two category axes (buildings across, floors up: a
    floor is its category's name, text); a point is [building, floor, hover, "building:floor"]. A click selects
    a square (`selectedMode`): the page reads the cell back from this option
    (seals_drill.picked_cells). The case dots are silent, so a click or hover on one reaches
    the square under it. The hover carries spreadsheet text (building codes): plain-text
    tooltip (richText), never HTML."""
    buildings = list(dict.fromkeys(floors["building"]))
    top = int(floors["floor"].max())
    _, size = _grid_px(floors)
    points = [[str(b), str(int(f)), h, f"{b}:{int(f)}"] for b, f, h in
              zip(floors["building"], floors["floor"], hover_text(floors, lang), strict=True)]
    states = floors["seal_state"].tolist()
    series = [_cells(t(f"seals.state.{state}", lang),
                           [p for p, s in zip(points, states, strict=True) if s == state],
                           STATUS[state], symbol="rect", size=size)
              for state in STATES]
    series.append(_cells(
        t("seals.case_marker", lang),
        [p for p, c in zip(points, floors["cases"].tolist(), strict=True) if c > 0],
        STATUS["case"], symbol="circle", size=max(size * 0.45, 5), silent=True,
        itemStyle={"color": STATUS["case"], "borderColor": STATUS["open"], "borderWidth": 1.5}))
    x_axis = charts.category_axis(buildings)
    y_axis = charts.category_axis([str(f) for f in range(1, top + 1)],
                                  formatter="{value}" + t("seals.floor_suffix", lang))
    spec = charts.option(None, series, x_axis, y_axis, legend=True, legend_rows=2)
    spec["tooltip"] = charts.text_tooltip("{@[2]}")
    return spec


# -- the timeline and the trend ------------------------------------------------------------

def _seal_label(row, lang: str) -> str:
    if row["is_whole_building"]:
        return t("seals.whole_building", lang, building=row["building"])
    if row["floor_from"] == row["floor_to"]:
        return t("privacy.building_floor", lang, building=row["building"], floor=row["floor_from"])
    return t("seals.floor_run", lang, building=row["building"], floor_from=int(row["floor_from"]),
             floor_to=int(row["floor_to"]))


def _day_band(day: date) -> dict:
    """The as-of day shaded on the timeline's axis of milliseconds, midnight to midnight."""
    return charts.day_band(charts.utc_ms(day), charts.utc_ms(day + timedelta(days=1)), STATUS["normal"])


def timeline_height(intervals: pd.DataFrame) -> int:
    return min(max(len(intervals) * 24, 120), 460) + 56


@charts.cached
def timeline(intervals: pd.DataFrame, day: date, date_from: date, date_to: date, lang: str
             ) -> dict:
    """One bar per seal (a whole building, or a run of floors), clipped to the trend range: a
    row per seal, top to bottom. Bars from a start are a stack (charts.spans): a transparent
    base up to the seal's first day, then its length, in milliseconds on a hidden value axis
    lined up with a time axis of days. A span's point is [length ms, row, seal, hover]; the
    hover (seal names: spreadsheet text) is plain text."""
    seals = [_seal_label(r, lang) for _, r in intervals.iterrows()]
    hover = [
        t("seals.timeline_hover", lang, seal=seal, sealed_from=r["sealed_from"].strftime("%m-%d"),
          sealed_until=(r["sealed_until"].strftime("%m-%d") if r["sealed_until"] == r["sealed_until"]
                        else t("seals.still_sealed", lang)),
          reason=label("seal_reason", r["reason"], lang) if r["reason"] == r["reason"] else "—",
          households=int(r["households"]))
        for seal, (_, r) in zip(seals, intervals.iterrows(), strict=True)]
    starts = [charts.utc_ms(v) for v in intervals["bar_from"]]
    lengths = [int(n) * DAY_MS for n in (intervals["bar_until"] - intervals["bar_from"]).dt.days]
    whole = intervals["is_whole_building"].tolist()
    kinds = [(t("seals.timeline_whole", lang), STATUS["sealed_building"], True),
             (t("seals.timeline_floors", lang), STATUS["sealed_floor"], False)]
    spans = [(name, colour, [[n if w == kind else None, row, seal, text] for row, (n, w, seal, text)
                             in enumerate(zip(lengths, whole, seals, hover, strict=True))])
             for name, colour, kind in kinds]
    first, last = charts.utc_ms(date_from), charts.utc_ms(date_to + timedelta(days=1))
    base = {"type": "bar", "name": "", "stack": "seal", "data": [[s, row] for row, s in enumerate(starts)],
            "itemStyle": {"color": "transparent"}, "silent": True, "tooltip": {"show": False},
            "emphasis": {"disabled": True}, "markArea": _day_band(day)}
    series = [base] + [{"type": "bar", "name": name, "stack": "seal", "data": points, "barMaxWidth": 16,
                        "itemStyle": {"color": colour}} for name, colour, points in spans]
    # the bars on a hidden value axis of milliseconds (a time axis cannot stack), the days
    # shown by a time axis with the same ends (UTC, as the milliseconds are)
    hidden = {"type": "value", "min": first, "max": last, "show": False}
    days = charts.day_axis(None, None) | {"min": first, "max": last, "position": "bottom"}
    y_axis = charts.category_axis(seals, inverse=True)
    spec = charts.option(None, series, [hidden, days], y_axis, legend=True, legend_rows=1)
    spec["legend"]["data"] = [name for name, _, _ in spans]
    spec["useUTC"] = True
    spec["tooltip"] = charts.text_tooltip("{@[3]}")
    return spec


@charts.cached
def trend(daily: pd.DataFrame, day: date, date_from: date, date_to: date, lang: str) -> dict:
    """Sealed households per day over the trend range (the title is the page's, above it),
    the as-of day shaded."""
    spec = charts.build_echarts_trend(daily, {"sealed_households": t("kpi.sealed_households", lang)},
                                      None, "line")
    spec["xAxis"] = charts.day_axis(date_from, date_to)
    spec["series"][0]["markArea"] = charts.day_band(day.isoformat(), (day + timedelta(days=1)).isoformat(),
                                                    STATUS["normal"])
    return spec


# -- the site plan -------------------------------------------------------------------------

@charts.cached
def plan(buildings: pd.DataFrame, lang: str) -> pdk.Deck:
    """Building footprints in metres (cartesian, no geo projection, no basemap, no tiles),
    extruded by floor count, coloured by seal state; buildings outside the filter are faint.
    An orthographic OrbitView rather than an OrthographicView: the latter looks straight down,
    where an extrusion cannot be seen; both are non-geographic and fetch nothing."""
    colours = {state: rgb(STATUS[state]) for state in STATES}
    data = buildings.assign(
        fill=[colours[s][:3] + [235 if chosen else 70]
              for s, chosen in zip(buildings["seal_state"], buildings["is_in_filter"], strict=True)],
        elevation=buildings["floors"] * STOREY_M,
        label_z=buildings["floors"] * STOREY_M + 6,
        tooltip=[t("seals.plan_tooltip", lang, building=r.building, floors=r.floors,
                   state=t(f"seals.state.{r.seal_state}", lang), sealed_floors=r.sealed_floors,
                   sealed_households=r.sealed_households, households=r.households, cases=r.cases)
                 for r in buildings.itertuples(index=False)],
    )[["building", "x0", "x1", "y0", "y1", "x_m", "y_m", "fill", "elevation", "label_z", "tooltip"]]
    data = data.astype({c: float for c in ("x0", "x1", "y0", "y1", "x_m", "y_m", "elevation",
                                           "label_z")})
    records = data.to_dict("records")
    span = max(data["x1"].max() - data["x0"].min(), data["y1"].max() - data["y0"].min(), 1.0)
    view = pdk.ViewState(
        # look at the middle of the compound, half way up its tallest building
        target=[(data["x0"].min() + data["x1"].max()) / 2, (data["y0"].min() + data["y1"].max()) / 2,
                data["elevation"].max() / 2],
        zoom=math.log2(PLAN_FIT_PX / (span * 1.15)), rotation_x=55, rotation_orbit=-10,
        min_zoom=-3, max_zoom=6)
    footprints = pdk.Layer(
        "PolygonLayer", data=records, id="seals_buildings",
        get_polygon="[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]",
        get_fill_color="fill", get_line_color=rgb(STATUS["open"]), get_elevation="elevation",
        extruded=True, wireframe=True, pickable=True, auto_highlight=True, coordinate_system="'cartesian'")
    labels = pdk.Layer(
        "TextLayer", data=records, id="seals_labels", get_position="[x_m, y_m, label_z]",
        get_text="building", get_size=12, parameters={"depthCompare": "always"},
        get_color=[40, 40, 40, 255], billboard=True,
        font_family="'sans-serif'", font_weight="'bold'", coordinate_system="'cartesian'",
        get_text_anchor="'middle'", get_alignment_baseline="'bottom'")
    return pdk.Deck(
        layers=[footprints, labels], initial_view_state=view,
        views=[pdk.View(type="OrbitView", controller=True, orthographic=True)],
        map_style=None, map_provider=None, tooltip={"text": "{tooltip}"})
