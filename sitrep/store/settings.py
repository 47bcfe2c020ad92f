"""A compound's settings: what they are, what is a valid value, and how they change.

Settings live in the compound's own snapshot (the `compounds` table), so they change as data
does: a new snapshot of that compound and a new summary, switched in atomically. `python -m
sitrep compound add|set|list` and the demo call these functions; an import sets the year and
lockdown from its own options (importer._ensure_compound) and adds an unknown compound with
defaults. Every check fails closed with a message that says what is wrong (a ValueError). The
district's two settings (its briefing's time and webhook) live in `<store>/district.json`
(`python -m sitrep district set|show`), checked by the same `parse`.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sitrep.store import _writing, check_name, find
from sitrep.store.migrate import ensure_migrated

TEXT_MAX_CHARS = 64
URL_MAX_CHARS = 2000
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
GRID_CELL = re.compile(r"^[A-Z]{1,2}[1-9][0-9]{0,2}$")   # a hand-drawn grid: column letters, row number


@dataclass(frozen=True)
class Setting:
    name: str                  # the compounds table's column and the CLI option (--lockdown-from)
    kind: str                  # text, year, date, days, lat, lon, grid, flag
    help: str
    cli: bool = True           # flags are set by the demo, never by hand


SETTINGS = {s.name: s for s in (
    Setting("district", "text", "the district (区) the compound reports to"),
    Setting("street", "text", "the street office (街道 / 乡镇) the compound reports to"),
    Setting("year", "year", "the year for dates typed without one (2月10日)"),
    Setting("lockdown_from", "date", "the day the compound's gate closed"),
    Setting("lockdown_until", "date", "the day the gate reopened (empty: still closed)"),
    Setting("default_as_of", "date", "the as-of day its pages open on (empty: the last data day)"),
    Setting("window_margin_days", "days",
            "days before the lockdown start (or 1 January of the year) still accepted (default 30)"),
    Setting("lat", "lat", "latitude of the compound on the district plan (with --lon)"),
    Setting("lon", "lon", "longitude of the compound on the district plan (with --lat)"),
    Setting("grid_cell", "grid", "its cell on a hand-drawn district grid instead (B3: column letters, row)"),
    Setting("briefing_time", "time",
            "when the running dashboard makes the daily briefing, HH:MM local time (default 07:00)"),
    Setting("briefing_webhook", "url",
            "post the briefing's PNG to this http(s) URL when it is made (default: nowhere)"),
    Setting("is_synthetic", "flag", "made-up data, labelled so on screen", cli=False),
)}


def parse(name: str, value):
    """A setting's value from the CLI's text or a Python value, checked; ValueError says why."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise ValueError(f"no setting {name!r} (settings: {', '.join(SETTINGS)})")
    kind = setting.kind
    if kind == "text":
        text = str(value)
        if not text.strip() or text != text.strip():
            raise ValueError(f"{name}: text without spaces before or after it, not {text!r}")
        if len(text) > TEXT_MAX_CHARS or any(unicodedata.category(ch).startswith("C") for ch in text):
            raise ValueError(f"{name}: at most {TEXT_MAX_CHARS} characters, no control characters")
        return text
    if kind in ("year", "days"):
        low, high = (1900, 2100) if kind == "year" else (0, 3660)
        if isinstance(value, bool) or not (isinstance(value, int) or str(value).isdigit()) \
                or not low <= int(value) <= high:
            raise ValueError(f"{name}: a whole number from {low} to {high}, not {value!r}")
        return int(value)
    if kind == "date":
        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                raise ValueError(f"{name}: a date YYYY-MM-DD, not {value!r}") from None
        if not 1900 <= value.year <= 2100:
            raise ValueError(f"{name}: a date between 1900 and 2100, not {value}")
        return value
    if kind in ("lat", "lon"):
        bound = 90 if kind == "lat" else 180
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: a number of degrees, not {value!r}") from None
        if not -bound <= number <= bound:     # also refuses NaN
            raise ValueError(f"{name}: degrees from -{bound} to {bound}, not {value!r}")
        return number
    if kind == "time":
        if not TIME.match(str(value)):
            raise ValueError(f"{name}: a time of day HH:MM (00:00 to 23:59), not {value!r}")
        return str(value)
    if kind == "url":
        text = str(value)
        parts = urlsplit(text)
        if (parts.scheme not in ("http", "https") or not parts.hostname or len(text) > URL_MAX_CHARS
                or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text)):
            raise ValueError(f"{name}: an http:// or https:// URL without spaces, at most "
                             f"{URL_MAX_CHARS} characters, not {text[:100]!r}")
        return text
    if kind == "grid":
        if not GRID_CELL.match(str(value)):
            raise ValueError(f"{name}: a cell such as B3 or AA12 (column letters, then the row), not {value!r}")
        return str(value)
    if not isinstance(value, bool):
        raise ValueError(f"{name}: true or false, not {value!r}")
    return value


def check_together(values: dict) -> None:
    """Rules between settings, on the values a compound would have."""
    start, end = values.get("lockdown_from"), values.get("lockdown_until")
    if start and end and end <= start:
        raise ValueError(f"lockdown_until ({end}) must come after lockdown_from ({start})")
    if (values.get("lat") is None) != (values.get("lon") is None):
        raise ValueError("a position needs both lat and lon")


def settings(con, compound: str) -> dict:
    """The compound's settings on a snapshot connection (every SETTINGS field, None when unset)."""
    names = list(SETTINGS)
    row = con.execute(f"select {', '.join(names)} from compounds where compound = $c",  # fixed names
                      {"c": compound}).fetchall()
    return dict(zip(names, row[0], strict=True)) if row else dict.fromkeys(names)


def _write(store, compound: str, changes: dict, clear: tuple[str, ...] = ()) -> dict:
    unknown = [n for n in clear if n not in SETTINGS or n == "is_synthetic"]
    if unknown:
        raise ValueError(f"cannot clear {', '.join(unknown)} (settings: {', '.join(SETTINGS)})")
    parsed = {name: parse(name, value) for name, value in changes.items()}
    with _writing(store, compound, commit=True) as con:
        values = {**settings(con, compound), **parsed, **dict.fromkeys(clear)}
        check_together(values)
        write(con, compound, {name: values[name] for name in (*parsed, *clear)})
    return values


def write(con, compound: str, values: dict) -> None:
    """Put these settings (parsed values) into a compound's row, inside a writer's snapshot
    (store._writing). The one place a setting's name reaches SQL: only names of SETTINGS."""
    for name, value in values.items():
        if name not in SETTINGS:
            raise ValueError(f"not a compound setting: {name!r}")
        con.execute(f"update compounds set {name} = $v where compound = $c", {"c": compound, "v": value})


def add(store, compound: str, **changes) -> dict:
    """Add a compound with these settings (the rest empty); ValueError if it exists."""
    check_name(compound)
    ensure_migrated(store)
    if find(store, compound) is not None:
        raise ValueError(f"the store already holds {compound!r}: change it with `compound set`")
    return _write(store, compound, changes)


def change(store, compound: str, clear: tuple[str, ...] = (), **changes) -> dict:
    """Change some settings of a compound the store holds (`clear`: back to empty); the
    compound's settings after it. ValueError for an unknown compound or a bad value."""
    ensure_migrated(store)
    if find(store, compound) is None:
        from sitrep.store import compound_names

        names = compound_names(store)
        raise ValueError(f"no compound {compound!r} in the store"
                         + (f" (it holds: {', '.join(names[:10])})" if names else " (it is empty)"))
    if not changes and not clear:
        raise ValueError("nothing to change: give a setting (compound set --help)")
    return _write(store, compound, changes, clear)



# -- the district's settings ---------------------------------------------------------------------
# The district is no compound and has no snapshot: its few settings (when its daily briefing is
# made, where it is posted) live in <store>/district.json, written whole and switched in with
# os.replace, parsed by the same `parse` as a compound's (one definition of a valid value).

DISTRICT_FILE = "district.json"
DISTRICT_SETTINGS = ("briefing_time", "briefing_webhook")
DISTRICT_MAX_BYTES = 8192     # two short values: anything larger is not ours


def district_path(store=None) -> Path:
    from sitrep.store import root

    return root(store) / DISTRICT_FILE


def district_settings(store=None) -> dict:
    """The district's settings (every DISTRICT_SETTINGS name, None when unset); ValueError when
    the file is not one we wrote (too large, not a JSON object, an unknown name, a bad value)."""
    path = district_path(store)
    try:
        with path.open("rb") as handle:
            raw = handle.read(DISTRICT_MAX_BYTES + 1)
    except FileNotFoundError:
        return dict.fromkeys(DISTRICT_SETTINGS)
    if len(raw) > DISTRICT_MAX_BYTES:
        raise ValueError(f"{path}: larger than {DISTRICT_MAX_BYTES} bytes")
    try:
        found = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise ValueError(f"{path}: not JSON") from None
    if not isinstance(found, dict):
        raise ValueError(f"{path}: not a JSON object")
    unknown = [n for n in found if n not in DISTRICT_SETTINGS]
    if unknown:
        raise ValueError(f"{path}: no district setting {', '.join(map(repr, unknown))} "
                         f"(settings: {', '.join(DISTRICT_SETTINGS)})")
    return {name: None if found.get(name) is None else parse(name, found[name])
            for name in DISTRICT_SETTINGS}


def change_district(store=None, clear: tuple[str, ...] = (), **changes) -> dict:
    """Change the district's settings (`clear`: back to empty); its settings after it."""
    unknown = [n for n in (*changes, *clear) if n not in DISTRICT_SETTINGS]
    if unknown:
        raise ValueError(f"no district setting {', '.join(map(repr, unknown))} (settings: {', '.join(DISTRICT_SETTINGS)})")
    if not changes and not clear:
        raise ValueError("nothing to change: give a setting (district set --help)")
    parsed = {name: parse(name, value) for name, value in changes.items()}
    values = {**district_settings(store), **parsed, **dict.fromkeys(clear)}
    path = district_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps({k: v for k, v in values.items() if v is not None},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, path)
    return values
