"""The sealed-floors page's drill-down, apart from its figures: a cell (a building, or one of
its floors) as the grid, the site plan or the select box picks it, the cell's summary row,
and the households table as shown."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from sitrep.app.figures.seals import when
from sitrep.app.privacy import room_label
from sitrep.i18n import label, t

# -- cells: a building ("B5") or one of its floors ("B5:13") ---------------------------------

def cell_key(building: str, floor=None) -> str:
    return building if floor is None else f"{building}:{int(floor)}"


def parse_cell(key: str) -> tuple[str, int | None]:
    building, _, floor = key.partition(":")
    return building, int(floor) if floor else None


def cell_label(key: str, lang: str) -> str:
    building, floor = parse_cell(key)
    if floor is None:
        return t("seals.whole_building", lang, building=building)
    return t("privacy.building_floor", lang, building=building, floor=floor)


def cell_options(floors: pd.DataFrame) -> list[str]:
    """Every building of the grid, each followed by its floors."""
    options = []
    for building, rows in floors.groupby("building", sort=False):
        options.append(cell_key(building))
        options.extend(cell_key(building, floor) for floor in rows["floor"])
    return options


def cell_summary(key: str, floors: pd.DataFrame, buildings: pd.DataFrame) -> pd.Series:
    """The grid's row of a floor, or the site plan's row of a building."""
    building, floor = parse_cell(key)
    if floor is None:
        return buildings[buildings["building"] == building].iloc[0]
    return floors[(floors["building"] == building) & (floors["floor"] == floor)].iloc[0]


def picked_cells(state, spec: dict | None) -> list[str]:
    """The cells selected on the grid: ECharts reports a series' index and the indices of its
    points, which are [building, floor, …] in `spec`, the option that was drawn."""
    groups = ((state or {}).get("selection") or {}).get("selected") or []
    series = (spec or {}).get("series") or []
    cells = []
    for group in groups:
        index = group.get("series_index")
        points = series[index]["data"] if isinstance(index, int) and 0 <= index < len(series) else []
        for i in group.get("data_indices") or []:
            if isinstance(i, int) and 0 <= i < len(points):
                cells.append(cell_key(str(points[i][0]), int(points[i][1])))
    return cells


def picked_cell(state, spec: dict | None, before: list[str]) -> tuple[str | None, list[str]]:
    """The cell just clicked on the grid (selected now, not `before`: each series keeps its own
    selection) and what is selected now."""
    cells = picked_cells(state, spec)
    new = [cell for cell in cells if cell not in before]
    return (new[-1] if new else None), cells


def card_days(daily: pd.DataFrame, day) -> pd.DataFrame | None:
    """The day and the day before from the trend's rows (the cards' change), when the trend
    range holds both; None when it does not (the page asks for the two days)."""
    days = pd.to_datetime(daily["day"]).dt.date
    rows = daily[(days == day - timedelta(days=1)) | (days == day)]
    return rows if len(rows) == 2 else None


def picked_building(state) -> str | None:
    """The building picked on the site plan (pydeck selection: layer id -> objects)."""
    objects = ((state or {}).get("selection") or {}).get("objects") or {}
    for picked in objects.values():
        for obj in picked or []:
            if obj and obj.get("building"):
                return str(obj["building"])
    return None

# -- the drill-down table ------------------------------------------------------------------

TABLE_COLUMNS = ("room", "unit", "residents", "vulnerable", "seal_state", "last_delivery_at",
                 "deliveries", "screenings", "fever_screenings", "last_screened_on")


def _vulnerable(codes, lang: str) -> str:
    """A list of vulnerable-group codes (or null) as labels in the active language."""
    if codes is None or codes is pd.NA or isinstance(codes, (float, str)):
        return ""
    return ("、" if lang == "zh" else ", ").join(label("vulnerable", c, lang) for c in codes)


def households_table(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The drill-down as shown (rooms come masked from ui.query unless the viewer may see
    them): codes labelled, times as text. Returns the frame and the column labels for ui.table."""
    shown = frame.assign(
        vulnerable=[_vulnerable(v, lang) for v in frame["vulnerable"]],
        seal_state=[t(f"seals.state.{s}", lang) for s in frame["seal_state"]],
        last_delivery_at=[when(v, "%m-%d %H:%M", lang) for v in frame["last_delivery_at"]],
        last_screened_on=[when(v, "%m-%d", lang) for v in frame["last_screened_on"]],
        unit=frame["unit"].fillna(""),
    )
    columns = {c: room_label(lang) if c == "room" else t(f"seals.col.{c}", lang) for c in TABLE_COLUMNS}
    return shown, columns
