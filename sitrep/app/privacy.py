"""Masking of personal data (names, phones, rooms), applied where data leaves the query layer.

Only a role that may see personal data (the commander) sees it unmasked; demo mode and
every other role see masks. The session's right is set by sitrep/app/session.py.
"""
from __future__ import annotations

import re

import pandas as pd

from sitrep.i18n import t


def may_see_personal() -> bool:
    try:
        import streamlit as st

        return bool(st.session_state.get("_personal", False))
    except Exception:  # noqa: BLE001 - outside a Streamlit session: masked
        return False


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


def mask_frame(frame: pd.DataFrame, lang: str, *, names=(), phones=(), rooms: dict | None = None
               ) -> pd.DataFrame:
    """Mask the given columns unless the viewer may see personal data.
    `rooms` maps a room column to its (building column, floor column)."""
    if may_see_personal() or frame.empty:
        return frame
    out = frame.copy()
    for col in names:
        out[col] = out[col].map(mask_name)
    for col in phones:
        out[col] = out[col].map(mask_phone)
    for col, (building, floor) in (rooms or {}).items():
        out[col] = [mask_room(b, f, lang) for b, f in zip(out[building], out[floor], strict=True)]
    return out


_NAME_COLUMNS = {"name", "patient"}
_ADDRESS_COLUMNS = {"address", "home"}


def mask_rejected(kind: str | None, column: str, value: str, reason: str, lang: str) -> tuple[str, str]:
    """A rejected spreadsheet cell and its reason (which quotes the cell) as someone without
    personal data sees them: an address or room down to building · floor (or hidden when it
    cannot be read), a name or a phone masked; other cells as typed. The column is found from
    its header as typed, the way the importer matched it."""
    from sitrep.ingest.contract import KINDS
    from sitrep.ingest.importer import HEADERS, header_key
    from sitrep.ingest.parse import ParseError, parse_address, parse_room

    name = HEADERS.get(kind or "", {}).get(header_key(column))
    if not value or name is None:
        return value, reason
    col = KINDS[kind].column(name)
    masked = value
    if col.type == "address" or name in _ADDRESS_COLUMNS or name == "room":
        try:
            if name == "room":
                masked = t("privacy.floor", lang, floor=parse_room(value)[0])
            else:
                building, _, floor, _ = parse_address(value)
                masked = mask_room(building, floor, lang)
        except ParseError:
            masked = "*" * min(len(value), 8)
    elif name in _NAME_COLUMNS or col.type == "volref":
        masked = mask_name(value)
    elif name == "phone":
        masked = mask_phone(value)
    return masked, reason.replace(value, masked) if masked != value else reason
