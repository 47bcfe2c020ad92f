"""Masking of personal data (names, phones, rooms, addresses), applied where data leaves the
query layer (ui.query) and to rejected cells on the import page. Which columns are personal is
said once, by the contract's `personal` mark on each column (sitrep/ingest/contract.py).

Only a role that may see personal data (the commander) sees it unmasked; demo mode and
every other role see masks. The session's right is set by sitrep/app/session.py.
"""
from __future__ import annotations

import re
from functools import cache

import pandas as pd

from sitrep.i18n import t


def may_see_personal() -> bool:
    try:
        import streamlit as st

        return bool(st.session_state.get("_personal", False))
    except Exception:  # noqa: BLE001 - outside a Streamlit session: masked
        return False


def room_label(lang: str) -> str:
    """A room column's label says what it holds: the room, or building · floor when masked."""
    return t("privacy.col.room" if may_see_personal() else "privacy.col.building_floor", lang)


def mask_name(name) -> str | None:
    """`余为民` -> `余**`; `Zhang San` -> `Z***`."""
    if name is None or (isinstance(name, float) and name != name):
        return None
    text = str(name).strip()
    if not text:
        return text
    return text[0] + "*" * max(len(text) - 1, 1)


def mask_phone(phone) -> str | None:
    """`13800000447` -> `138****0447`."""
    if phone is None or (isinstance(phone, float) and phone != phone):
        return None
    digits = re.sub(r"\D", "", str(phone))
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_room(building, floor, lang: str = "zh") -> str | None:
    """A room shown as its building and floor only: `B5 · 13层` / `B5 · floor 13`
    (None when there is no address)."""
    if building is None or pd.isna(building) or floor is None or pd.isna(floor):
        return None
    return t("privacy.building_floor", lang, building=building, floor=int(floor))


def mask_address(address, lang: str = "zh") -> str | None:
    """A whole address as typed (`B5-1302`, `5栋13楼02`) down to its building and floor; one
    that cannot be read is hidden whole."""
    from sitrep.ingest.parse import ParseError, parse_address

    if address is None or (isinstance(address, float) and address != address):
        return None
    try:
        building, _, floor, _ = parse_address(str(address))
    except ParseError:
        return hidden(address)
    return mask_room(building, floor, lang)


def hidden(value) -> str:
    return "*" * min(len(str(value)), 8)


# Query columns that hold a contract column's personal data under another name: {name: what it
# holds}. (None yet: every query names a personal column as the contract does.)
ALIASES: dict[str, str] = {}


@cache
def personal_columns() -> dict[str, str]:
    """Every column name that holds personal data, and what it holds ("name", "phone", "room",
    "address"): the contract's `personal` marks, and ALIASES. A name means the same in every
    kind, so a query's column is masked by its name whatever table it came from."""
    from sitrep.ingest.contract import KINDS

    marks = dict(ALIASES)
    for kind in KINDS.values():
        for column in kind.columns:
            if column.personal and marks.setdefault(column.name, column.personal) != column.personal:
                raise ValueError(f"column {column.name!r} is marked personal two ways")
    return marks


def mask_personal(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with every personal column masked, unless the viewer may see personal data:
    names and phones masked, a room down to the row's building · floor (hidden whole without
    them), an address down to building · floor."""
    marks = personal_columns()
    present = [column for column in frame.columns if column in marks]
    if not present or frame.empty or may_see_personal():
        return frame        # nothing to mask: the frame as it is (no copy on every rerun)
    out = frame.copy()
    for column in present:
        holds = marks[column]
        if holds == "room" and {"building", "floor"} <= set(out):
            out[column] = [mask_room(b, f, lang) for b, f in zip(out["building"], out["floor"], strict=True)]
        elif holds == "room":
            out[column] = out[column].map(lambda v: None if v is None or v != v else hidden(v))
        elif holds == "address":
            out[column] = out[column].map(lambda v: mask_address(v, lang))
        else:
            out[column] = out[column].map(mask_name if holds == "name" else mask_phone)
    return out


def mask_rejected(kind: str | None, column: str, value: str, reason: str, lang: str) -> tuple[str, str]:
    """A rejected spreadsheet cell and its reason (which quotes the cell) as someone without
    personal data sees them: an address or room down to building · floor (or hidden when it
    cannot be read), a name or a phone masked; other cells as typed. The column is found from
    its header as typed, the way the importer matched it."""
    from sitrep.ingest.contract import KINDS
    from sitrep.ingest.importer import HEADERS, header_key
    from sitrep.ingest.parse import ParseError, parse_room

    name = HEADERS.get(kind or "", {}).get(header_key(column))
    if not value or name is None:
        return value, reason
    holds = KINDS[kind].column(name).personal
    masked = value
    if holds == "room":
        try:
            masked = t("privacy.floor", lang, floor=parse_room(value)[0])
        except ParseError:
            masked = hidden(value)
    elif holds == "address":
        masked = mask_address(value, lang)
    elif holds == "name":
        masked = mask_name(value)
    elif holds == "phone":
        masked = mask_phone(value)
    return masked, reason.replace(value, masked) if masked != value else reason
