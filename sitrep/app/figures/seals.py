"""Figures of the sealed-floors page (pages/seals.py): the building x floor grid, the seal
timeline, the sealed-household trend and the site plan (pydeck, no basemap). Labels come from
the catalogs, colours from sitrep/app/figures/colors.py. What a click picks and the drill-down
table are the page's (sitrep/app/seals_drill.py)."""
from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from sitrep.app.figures import charts
from sitrep.app.figures.colors import STATUS
from sitrep.i18n import label, t

STATES = ("sealed_building", "sealed_floor", "case", "open")
FONT = {"family": "Noto Sans CJK SC, sans-serif"}
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
    """Each floor's hover: building · floor, state (since when), households, cases, last
    delivery. Dates formatted a column at a time (a Timestamp per row cost more than the rest)."""
    since = pd.to_datetime(floors["sealed_since"]).dt.strftime("%m-%d")
    delivered = pd.to_datetime(floors["last_delivery_at"]).dt.strftime("%m-%d %H:%M")
    states = {state: t(f"seals.state.{state}", lang) for state in dict.fromkeys(floors["seal_state"])}
    counts = zip(floors["confirmed"], floors["suspected"], floors["asymptomatic"], strict=True)
    return [
        "<br>".join([
            f"<b>{t('privacy.building_floor', lang, building=building, floor=floor)}</b>",
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


@charts.cached
def grid(floors: pd.DataFrame, lang: str) -> go.Figure:
    """Every floor of every building as a square, coloured by its seal state; a dot marks a
    floor with a case. Scatter, not Heatmap: only scatter points reach Streamlit's selection."""
    buildings = list(dict.fromkeys(floors["building"]))
    top = int(floors["floor"].max())
    plot_px = min(max(top * 13, 180), 440)
    size = min(plot_px / top * 0.82, 26)
    hover = hover_text(floors, lang)
    floors = floors.assign(hover=hover)
    fig = go.Figure()
    for state in STATES:
        rows = floors[floors["seal_state"] == state]
        fig.add_scatter(
            x=rows["building"], y=rows["floor"], mode="markers", name=t(f"seals.state.{state}", lang),
            marker={"symbol": "square", "size": size, "color": STATUS[state]},
            customdata=rows[["building", "floor"]].values.tolist(),
            hovertext=rows["hover"], hoverinfo="text", showlegend=True,
            selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 0.8}})
    cases = floors[floors["cases"] > 0]
    fig.add_scatter(
        x=cases["building"], y=cases["floor"], mode="markers", name=t("seals.case_marker", lang),
        marker={"symbol": "circle", "size": max(size * 0.45, 5), "color": STATUS["case"],
                "line": {"color": STATUS["open"], "width": 1.5}},
        customdata=cases[["building", "floor"]].values.tolist(),
        hovertext=cases["hover"], hoverinfo="text",
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 0.8}})
    fig.update_layout(
        # the title is the page's (above the chart): a legend wrapping on a phone would cover it
        height=plot_px + 80, margin={"l": 8, "r": 8, "t": 8, "b": 8}, font=FONT,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": 11},
                "itemclick": False, "itemdoubleclick": False},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": buildings,
               "title": None, "fixedrange": True, "side": "bottom"},
        yaxis={"title": None, "ticksuffix": t("seals.floor_suffix", lang), "range": [0.4, top + 0.6], "fixedrange": True, "showgrid": False, "zeroline": False},
        plot_bgcolor="rgba(0,0,0,0)", hoverlabel={"font": FONT}, dragmode=False,
        clickmode="event+select",
    )
    return fig


# -- the timeline and the trend ------------------------------------------------------------

def _seal_label(row, lang: str) -> str:
    if row["is_whole_building"]:
        return t("seals.whole_building", lang, building=row["building"])
    if row["floor_from"] == row["floor_to"]:
        return t("privacy.building_floor", lang, building=row["building"], floor=row["floor_from"])
    return t("seals.floor_run", lang, building=row["building"], floor_from=int(row["floor_from"]),
             floor_to=int(row["floor_to"]))


def _mark_day(fig: go.Figure, day: date) -> None:
    fig.add_vrect(x0=day.isoformat(), x1=(day + timedelta(days=1)).isoformat(),
                  fillcolor=STATUS["normal"], opacity=0.15, line_width=0, layer="below")


def _day_axis(fig: go.Figure, date_from: date, date_to: date) -> None:
    days = (date_to - date_from).days + 1
    fig.update_xaxes(type="date", tickformat="%m-%d", dtick=DAY_MS * max(1, math.ceil(days / 8)),
                     range=[date_from.isoformat(), (date_to + timedelta(days=1)).isoformat()])


@charts.cached
def timeline(intervals: pd.DataFrame, day: date, date_from: date, date_to: date, lang: str
             ) -> go.Figure:
    """One bar per seal (a whole building, or a run of floors), clipped to the trend range."""
    frame = intervals.assign(seal=[_seal_label(r, lang) for _, r in intervals.iterrows()])
    frame["hover"] = [
        t("seals.timeline_hover", lang, seal=r["seal"], sealed_from=r["sealed_from"].strftime("%m-%d"),
          sealed_until=(r["sealed_until"].strftime("%m-%d") if r["sealed_until"] == r["sealed_until"]
                        else t("seals.still_sealed", lang)),
          reason=label("seal_reason", r["reason"], lang) if r["reason"] == r["reason"] else "—",
          households=r["households"])
        for _, r in frame.iterrows()]
    order = list(dict.fromkeys(frame["seal"]))
    fig = go.Figure()
    for whole, key, colour in ((True, "seals.timeline_whole", STATUS["sealed_building"]),
                               (False, "seals.timeline_floors", STATUS["sealed_floor"])):
        rows = frame[frame["is_whole_building"] == whole]
        fig.add_bar(
            y=rows["seal"], base=rows["bar_from"].dt.strftime("%Y-%m-%d"),
            x=(rows["bar_until"] - rows["bar_from"]).dt.days * DAY_MS, orientation="h",
            name=t(key, lang), marker_color=colour, hovertext=rows["hover"], hoverinfo="text")
    _day_axis(fig, date_from, date_to)
    fig.update_layout(
        height=min(max(len(order) * 24, 120), 460) + 80, barmode="overlay", font=FONT,
        margin={"l": 8, "r": 8, "t": 56, "b": 8},
        title={"text": t("seals.timeline_title", lang, date_from=date_from.isoformat(),
                         date_to=date_to.isoformat()), "font": {"size": 14}, "x": 0, "xanchor": "left"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": order,
               "autorange": "reversed", "title": None, "fixedrange": True},
        xaxis={"fixedrange": True}, hoverlabel={"font": FONT},
    )
    _mark_day(fig, day)
    return fig


@charts.cached
def trend(daily: pd.DataFrame, day: date, date_from: date, date_to: date, lang: str) -> go.Figure:
    fig = charts.build_trend(daily, {"sealed_households": t("kpi.sealed_households", lang)},
                       t("seals.trend_title", lang, date_from=date_from.isoformat(),
                         date_to=date_to.isoformat()), "line", height=220)
    _day_axis(fig, date_from, date_to)
    fig.update_layout(xaxis={"fixedrange": True}, yaxis={"fixedrange": True})
    _mark_day(fig, day)
    return fig


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
