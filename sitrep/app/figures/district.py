"""Figures of the district page (pages/district.py): the trends summed across the compounds in
scope (ECharts), and the district plan (pydeck, no basemap, no tiles: nothing is loaded from
outside the machine). Labels come from the catalogs, colours from colors.py."""
from __future__ import annotations

import math
import re

import pandas as pd
import pydeck as pdk

from sitrep.app.figures import charts
from sitrep.app.figures.colors import DISTRICT_STATE
from sitrep.app.figures.seals import rgb
from sitrep.i18n import t

PLAN_FIT_PX = 300            # the plan's first view fits the compounds into a phone's width
KM_PER_DEGREE = 111.32       # along a meridian, and along the equator (a parallel: × cos(lat))
# (column, group) of each trend: one figure per group, the columns keep overview_daily's names
TRENDS = {
    "seals": ({"sealed_households": "kpi.sealed_households", "not_screened": "district.col.not_screened"},
              "line"),
    "health": ({"confirmed_new": "kpi.confirmed_new", "suspected": "kpi.suspected", "fever": "kpi.fever"},
               "bar"),
    "supply": ({"deliveries": "kpi.deliveries", "medicine_overdue": "kpi.medicine_overdue"}, "line"),
}


TREND_HEIGHT = 210


def trend(daily: pd.DataFrame, group: str, lang: str) -> dict:
    """The compounds' figures summed per day (district_days_total.sql) for one group (an
    ECharts option, charts.trend: its time axis spaces the ticks itself on a long range)."""
    series, kind = TRENDS[group]
    return charts.trend(daily, {c: t(k, lang) for c, k in series.items()},
                        t(f"district.trend.{group}", lang), kind)


def _grid_xy(cell: str) -> tuple[float, float]:
    """B3 -> (2, -3): column letters left to right, rows top to bottom."""
    letters, row = re.match(r"^([A-Z]+)(\d+)$", cell).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return float(column), -float(row)


def positions(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The compounds placed on a plan, by how they are placed: "latlon" (km east and north of
    their middle; a district is small enough for a flat plan) and "grid" (a hand-drawn grid's
    cells); each with columns x, y. A compound with both is placed by lat/lon."""
    out = {}
    geo = rows[rows["lat"].notna() & rows["lon"].notna()]
    if not geo.empty:
        lat0, lon0 = geo["lat"].mean(), geo["lon"].mean()
        out["latlon"] = geo.assign(x=(geo["lon"] - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0)),
                                   y=(geo["lat"] - lat0) * KM_PER_DEGREE)
    grid = rows[rows["lat"].isna() & rows["grid_cell"].notna()]
    if not grid.empty:
        xy = [_grid_xy(c) for c in grid["grid_cell"]]
        out["grid"] = grid.assign(x=[p[0] for p in xy], y=[p[1] for p in xy])
    return out


def plan(placed: pd.DataFrame, labels: list[str], tooltips: list[str]) -> pdk.Deck:
    """One marker per compound at (x, y), coloured by its state, its name beside it. An
    OrthographicView: flat, non-geographic, so no basemap style is fetched (Streamlit fills in
    a Carto style only for a map view)."""
    data = pd.DataFrame({
        "x": placed["x"].astype(float).to_numpy(), "y": placed["y"].astype(float).to_numpy(),
        "fill": [rgb(DISTRICT_STATE[s], 235) for s in placed["state"]],
        "label": labels, "tooltip": tooltips})
    records = data.to_dict("records")
    span = max(data["x"].max() - data["x"].min(), data["y"].max() - data["y"].min(), 1.0)
    view = pdk.ViewState(target=[(data["x"].min() + data["x"].max()) / 2,
                                 (data["y"].min() + data["y"].max()) / 2, 0],
                         zoom=math.log2(PLAN_FIT_PX / (span * 1.3)), min_zoom=-6, max_zoom=12)
    markers = pdk.Layer(   # sizes in pixels: a unit here is a kilometre or a grid cell
        "ScatterplotLayer", data=records, id="district_compounds", get_position="[x, y]",
        get_fill_color="fill", get_radius=9, radius_units="'pixels'", stroked=True,
        get_line_color=[255, 255, 255, 255], get_line_width=2, line_width_units="'pixels'",
        pickable=True, auto_highlight=True, coordinate_system="'cartesian'")
    names = pdk.Layer(
        "TextLayer", data=records, id="district_names", get_position="[x, y]", get_text="label",
        get_size=13, get_color=[40, 40, 40, 255], get_pixel_offset=[0, 14], character_set="'auto'",
        font_family="'Noto Sans CJK SC, sans-serif'", coordinate_system="'cartesian'",
        get_text_anchor="'middle'", get_alignment_baseline="'top'")
    return pdk.Deck(layers=[markers, names], initial_view_state=view,
                    views=[pdk.View(type="OrthographicView", controller=True, flip_y=False)],
                    map_style=None, map_provider=None, tooltip={"text": "{tooltip}"})
