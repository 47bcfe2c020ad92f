"""Value parsers for cells as people type them (DATA_CONTRACT "Values as people type them").

Each parser takes a cell (str, number, date or datetime from a spreadsheet) and returns the
parsed value or raises ParseError with a reason code; the catalogs hold the reason texts.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from sitrep.ingest.contract import CODES, OPEN_DOMAINS

EXCEL_EPOCH = datetime(1899, 12, 30)
KG_PER_UNIT = {"斤": 0.5, "kg": 1.0, "公斤": 1.0, "千克": 1.0}


class ParseError(ValueError):
    """A cell that cannot be understood; `code` names the reason in the catalogs."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


# Never data: control and format characters (NUL, zero-width, bidi overrides, BOM). A line
# break or tab typed inside a cell becomes a space.
_SPACE_LIKE = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")
_NOT_DATA = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def normalise(value) -> str:
    """NFKC (full-width digits, letters, ：，), control characters out, trimmed; None and NaN
    become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    if not text.isprintable():  # rare: only then look at each character
        text = "".join(" " if ch in _SPACE_LIKE else ch for ch in text
                       if ch in _SPACE_LIKE or unicodedata.category(ch) not in _NOT_DATA)
    return text.strip()


def is_blank(value) -> bool:
    return normalise(value) == ""


_DATE_RES = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<m>\d{1,2})[/-](?P<d>\d{1,2})$"),
)


def parse_date(value, year: int | None = None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial date that lost its format
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise ParseError("bad_date")
    text = normalise(value)
    if not text:
        raise ParseError("missing")
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if m:
            parts = m.groupdict()
            y = int(parts["y"]) if parts.get("y") else year
            if y is None:
                raise ParseError("date_without_year")
            try:
                return date(y, int(parts["m"]), int(parts["d"]))
            except ValueError:
                raise ParseError("bad_date") from None
    raise ParseError("bad_date")


_TIME_RE = re.compile(
    r"^(?P<ampm>上午|早上|中午|下午|晚上)?\s*(?P<h>\d{1,2})"
    r"(?:(?::(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:\.\d+)?)?)"
    r"|(?:[点时](?:(?P<half>半)|(?P<m2>\d{1,2})分?)?))$"
)


def parse_time(value) -> time:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value < 1:  # an Excel time cell read as a fraction of a day
            seconds = round(value * 86400)
            return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
        raise ParseError("bad_time")
    text = normalise(value)
    if not text:
        raise ParseError("missing")
    m = _TIME_RE.match(text)
    if not m:
        raise ParseError("bad_time")
    hour = int(m["h"])
    minute = 30 if m["half"] else int(m["m"] or m["m2"] or 0)
    second = int(m["s"] or 0)
    if m["ampm"] in ("下午", "晚上") and hour < 12:
        hour += 12
    if m["ampm"] == "中午" and hour < 6:
        hour += 12
    if hour == 24 and minute == 0 and second == 0:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise ParseError("bad_time")
    return time(hour, minute, second)


def parse_datetime(value, year: int | None = None) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return (EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
        raise ParseError("bad_datetime")
    text = normalise(value)
    if not text:
        raise ParseError("missing")
    # date and time separated by a space or a T; `2月10日8点半` has neither, split after 日
    m = re.match(r"^(.+?(?:日|号))\s*(\S.*)$", text) or re.match(r"^(\S+?)(?:\s+|T)(.+)$", text)
    if not m:
        try:
            return datetime.combine(parse_date(text, year), time())
        except ParseError:
            raise ParseError("bad_datetime") from None
    try:
        return datetime.combine(parse_date(m[1], year), parse_time(m[2].strip()))
    except ParseError as err:
        if err.code == "date_without_year":
            raise
        raise ParseError("bad_datetime") from None


_ADDRESS_RE = re.compile(
    r"^(?P<b>[A-Z]{1,2}\d{1,2})\s*(?:栋|幢|号楼)?\s*[-—_\s]?\s*"
    r"(?:(?P<u>\d{1,2})\s*单元\s*[-—_\s]?\s*)?(?P<r>\d{3,4})\s*(?:室|号)?$"
)


def parse_address(value) -> tuple[str, str | None, int, str]:
    """`B5-1302` and its typed variants -> (building, unit, floor, room)."""
    text = normalise(value).upper()
    if not text:
        raise ParseError("missing")
    m = _ADDRESS_RE.match(text)
    if not m:
        raise ParseError("bad_address")
    room = m["r"]
    floor = int(room[:-2])
    if floor < 1:
        raise ParseError("bad_address")
    return m["b"], m["u"], floor, room


def parse_building(value) -> str:
    text = normalise(value).upper()
    text = re.sub(r"(栋|幢|号楼)$", "", text).strip()
    if not text:
        raise ParseError("missing")
    if not re.fullmatch(r"[A-Z]{1,2}\d{1,2}", text):
        raise ParseError("bad_building")
    return text


def parse_room(value) -> tuple[int, str]:
    text = re.sub(r"(室|号)$", "", normalise(value)).strip()
    if not re.fullmatch(r"\d{3,4}", text) or int(text[:-2]) < 1:
        raise ParseError("bad_room")
    return int(text[:-2]), text


def parse_number(value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            raise ParseError("missing")
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            raise ParseError("bad_number") from None
        if number in (float("inf"), float("-inf")):
            raise ParseError("bad_number")
        return number
    text = normalise(value).replace(",", "")
    if not text:
        raise ParseError("missing")
    try:
        number = float(text)
    except ValueError:
        raise ParseError("bad_number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParseError("bad_number")
    return number


def parse_int(value) -> int:
    number = parse_number(value)
    if not number.is_integer() or number < 0:
        raise ParseError("bad_number")
    return int(number)


_QTY_RE = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<u>[^\d\s.][^\d]*)?$")


def unit_kg(unit: str | None) -> float | None:
    if unit is None:
        return None
    return KG_PER_UNIT.get(unit.strip().lower())


def parse_quantity(value, unit_column: str | None = None) -> tuple[float, str | None, float | None]:
    """`20斤` -> (20, '斤', 10.0). A unit in the cell wins over the 单位 column."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number, unit = parse_number(value), None
    else:
        text = normalise(value)
        if not text:
            raise ParseError("missing")
        m = _QTY_RE.match(text)
        if not m:
            raise ParseError("bad_quantity")
        number, unit = float(m["n"]), (m["u"] or "").strip() or None
    # (its range is the contract's: Column.range, checked by the importer)
    unit = unit or (normalise(unit_column) or None)
    factor = unit_kg(unit)
    return number, unit, (number * factor if factor is not None else None)


def parse_temperature(value) -> float:
    text = normalise(value) if not isinstance(value, (int, float)) else value
    if isinstance(text, str):
        text = re.sub(r"\s*(℃|°C|°|度|C)$", "", text, flags=re.IGNORECASE)
    return round(parse_number(text), 1)  # (its range is the contract's: Column.range)


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", ""}


def parse_bool(value) -> bool:
    text = normalise(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError("bad_bool")


def _label_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for domain, codes in CODES.items():
        entries = index.setdefault(domain, {})
        for code, labels in codes.items():
            entries[code.lower()] = code
            for label in labels:
                entries[unicodedata.normalize("NFKC", label).lower()] = code
    return index


_LABELS = _label_index()


def parse_code(value, domain: str) -> str:
    text = normalise(value)
    if not text:
        raise ParseError("missing")
    code = _LABELS[domain].get(text.lower()) or _LABELS[domain].get(text.replace(" ", "").lower())
    if code:
        return code
    if domain in OPEN_DOMAINS:
        return text
    raise ParseError("unknown_" + domain if domain == "group" else "unknown_code")


def parse_list(value, domain: str) -> list[str]:
    text = normalise(value)
    if not text:
        return []
    parts = [p for p in re.split(r"[、,;；\s/]+", text) if p]
    out: list[str] = []
    for part in parts:
        code = _LABELS[domain].get(part.lower())
        if code is None:
            raise ParseError("unknown_code", part=part)
        if code not in out:
            out.append(code)
    return out


def parse_floors(value) -> list[int | None]:
    """Seal floors: blank = whole building ([None]); `13`, `12-14`, `12,13,15`."""
    text = normalise(value)
    if not text:
        return [None]
    text = re.sub(r"[层楼F]", "", text, flags=re.IGNORECASE)
    floors: list[int] = []
    for part in re.split(r"[、,;；\s]+", text):
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,2})(?:[-~—至到](\d{1,2}))?", part)
        if not m:
            raise ParseError("bad_floors")
        low, high = int(m[1]), int(m[2] or m[1])
        if low < 1 or high < low or high - low > 80:
            raise ParseError("bad_floors")
        floors.extend(range(low, high + 1))
    if not floors:
        raise ParseError("bad_floors")
    return sorted(set(floors))
