"""The sealed-floors page's drill-down, apart from its figures: a cell (a building, or one of
its floors) as the grid, the site plan or the select box picks it, the cell's summary row,
and the households table as shown."""
from __future__ import annotations

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


def picked_cell(state) -> str | None:
    """The cell of the point clicked on the grid (its customdata is [building, floor])."""
    points = ((state or {}).get("selection") or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        if data and len(data) >= 2:
            return cell_key(str(data[0]), data[1])
    return None


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
