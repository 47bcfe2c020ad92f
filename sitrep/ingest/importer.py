"""The importer: team spreadsheets -> validated rows -> a new snapshot, all or nothing.

Per file: read (read.py), find the header row and the kind (headers), parse and check
every row (parse.py, the register), drop duplicates by the hash of their parsed values,
load the rest; rejected rows are kept with their reason. All files of one import go into
one new snapshot (store.new_snapshot), switched in only when everything is written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sitrep.config import local_now
from sitrep.i18n import t
from sitrep.ingest import fastparse
from sitrep.ingest import parse as P
from sitrep.ingest.contract import KINDS, LOAD_ORDER, TEXT_MAX_CHARS, Kind, window_params
from sitrep.ingest.read import Limits, RefusedFile, Sheet, read_file
from sitrep.store import new_snapshot, sql_table

log = logging.getLogger("sitrep")

HEADER_SCAN_ROWS = 15  # title and note rows above the header
FAST_PATH = True  # the column-at-a-time path for big log files (fastparse); tests turn it off
SHOWN_CHARS = 200  # a rejected cell is kept (value, raw) up to this many characters, then "…"
# Memory stays flat on big files: records and rejected rows are written in batches, and a
# result keeps only the first rejections for the preview and the report (all are in the table).
WRITE_BATCH = 5_000
KEPT_REJECTIONS = 10_000
# Kinds whose later rows update a record by its ID, checked against the record's current state
# (the fields of that state the checks read).
UPDATE_ID = {"medicine_requests": "request_id", "cases": "case_id"}
CHECKED = {"medicine_requests": ("status", "requested_at", "fulfilled_at"),
           "cases": ("outcome", "reported_on", "outcome_on")}
# Their rejections that depend on that state (or on which IDs were known): kept for good.
STATE_REJECTIONS = ("missing", "delivered_without_time", "delivered_before_request",
                    "outcome_date_without_outcome", "outcome_before_report")


@dataclass(frozen=True)
class Window:
    """The compound's plausible dates, first and last day included (compound_window in
    queries/rules/compound_window.sql says how they are chosen). Both import paths check dates with it."""
    first: date
    last: date

    def contains(self, value: date | datetime) -> bool:
        day = value.date() if isinstance(value, datetime) else value
        return self.first <= day <= self.last

    def contains_stamps(self, stamps: np.ndarray) -> np.ndarray:
        """contains() for datetime64[us] values (NaT: False)."""
        low = np.datetime64(self.first, "us")
        high = np.datetime64(self.last + timedelta(days=1), "us")
        return (stamps >= low) & (stamps < high)

    def check(self, column: str, value, raw) -> None:
        if not self.contains(value):
            raise RowError("outside_window", column, raw, first=self.first.isoformat(),
                           last=self.last.isoformat())


def compound_window(con, compound: str, today: date) -> Window:
    """The compound's window for an import on `today` (one definition: queries/rules/compound_window.sql)."""
    from sitrep.store.queries import create_rules

    create_rules(con, ["compound_window"])
    first, last = con.execute(
        "select window_from, window_until from compound_window($today, $margin_days, $fallback_days)"
        " where compound = $compound", {**window_params(today), "compound": compound}).fetchall()[0]
    return Window(first, last)


@dataclass
class SheetResult:
    path: str
    sheet: str | None
    kind: str | None = None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    refused: str | None = None       # reason (English) the whole file/sheet was refused
    refused_zh: str | None = None
    refused_code: str | None = None  # the reason's key in the catalogs (refused.<code>)
    rejections: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"path": self.path, "sheet": self.sheet, "kind": self.kind, "rows_read": self.rows_read,
                "accepted": self.accepted, "rejected": self.rejected,
                "duplicates": self.duplicates, "refused": self.refused, "refused_code": self.refused_code}


class RowError(Exception):
    def __init__(self, code: str, column: str | None, value, **details):
        super().__init__(code)
        self.code, self.column, self.value, self.details = code, column, value, details


# ---------------------------------------------------------------- headers and kinds

HEADER_MAX_CHARS = 64  # no header is longer; a longer cell is not looked at as one


def header_key(text) -> str:
    """Header matching ignores case, spaces, width and a trailing unit in brackets."""
    if isinstance(text, str) and len(text) > HEADER_MAX_CHARS:
        return ""
    key = P.normalise(text).lower()
    key = re.sub(r"[\(\[（【][^\)\]）】]*[\)\]）】]\s*$", "", key.strip())
    return re.sub(r"[\s_\-*]+", "", key)


def _header_index() -> dict[str, dict[str, str]]:
    index = {}
    for kind in KINDS.values():
        names = {}
        for col in kind.columns:
            for alias in (col.zh, col.name, *col.aliases):
                names.setdefault(header_key(alias), col.name)
        index[kind.name] = names
    return index


HEADERS = _header_index()


@dataclass
class Header:
    """The header row of a sheet: its kind, its index among the sheet's rows, column index ->
    column name, and the columns more than one header cell names (the sheet is refused)."""
    kind: str
    pos: int
    mapping: dict[int, str]
    repeated: dict[str, list[int]]


def match_headers(kind: Kind, cells: list, keys: list[str] | None = None
                  ) -> tuple[dict[int, str], dict[str, list[int]]] | None:
    """(column index -> column name, column name -> indexes of the cells naming it when more
    than one does), or None when the kind's required columns are missing."""
    names = HEADERS[kind.name]
    keys = keys if keys is not None else [header_key(c) for c in cells]
    mapping: dict[int, str] = {}
    found: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        name = names.get(key)
        if name:
            found.setdefault(name, []).append(i)
            if len(found[name]) == 1:
                mapping[i] = name
    present = set(found)
    for col in kind.columns:
        if col.required and col.name not in present:
            alt = kind.alternatives.get(col.name)
            if not alt or not set(alt) <= present:
                return None
    return mapping, {name: where for name, where in found.items() if len(where) > 1}


def detect(sheet: Sheet, forced: str | None = None) -> Header | None:
    """Find the header row and the kind."""
    kinds = [KINDS[forced]] if forced else list(KINDS.values())
    scanned = 0
    for pos, (_, cells) in enumerate(sheet.iter_rows()):
        if all(P.is_blank(c) for c in cells):
            continue
        keys = [header_key(c) for c in cells]
        best = None
        for kind in kinds:
            matched = match_headers(kind, cells, keys)
            if matched is not None:
                score = (len(matched[0]), -len(kind.columns))
                if best is None or score > best[0]:
                    best = (score, Header(kind.name, pos, *matched))
        if best:
            return best[1]
        scanned += 1
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None


# ---------------------------------------------------------------- the import

class Importer:
    """One import: many files into one new snapshot."""

    def __init__(self, con, compound: str, year: int | None, command: str):
        self.con, self.compound, self.command = con, compound, command
        self.year = year
        self.import_id = con.execute(
            "select coalesce(max(import_id), 0) + 1 from import_history").fetchall()[0][0]
        self.imported_at = local_now()
        self.window = compound_window(con, compound, self.imported_at.date())
        self._register_cache: dict | None = None
        self._pending: dict = {}  # requests and cases as updated so far in this import (checked fields)
        self._rejected: list[dict] = []  # rejected rows not yet written
        self._unfolded = False           # events written but not yet folded

    # -- register lookups (refreshed after a register kind loads)
    def register(self):
        if self._register_cache is None:
            params = {"compound": self.compound}
            floors = dict(self.con.execute(
                "select building, floors from buildings where compound = $compound", params).fetchall())
            vols = self.con.execute(
                "select volunteer_id, name from volunteers where compound = $compound", params).fetchall()
            ids = {v for v, _ in vols}
            by_name: dict[str, list[str]] = {}
            for vid, name in vols:
                by_name.setdefault(name, []).append(vid)
            self._register_cache = {"floors": floors, "ids": ids, "names": by_name}
        return self._register_cache

    def resolve_volunteer(self, text: str) -> str | None:
        reg = self.register()
        if text in reg["ids"]:
            return text
        found = reg["names"].get(text, [])
        return found[0] if len(found) == 1 else None

    def check_building(self, building: str, floor: int | None, column: str, value):
        floors = self.register()["floors"].get(building)
        if floors is None:
            raise RowError("unknown_building", column, value, building=building)
        if floor is not None and floor > floors:
            raise RowError("floor_too_high", column, value, floor=floor, floors=floors)

    # -- one sheet
    def load_sheet(self, path: Path, sheet: Sheet, kind_name: str, header_pos: int,
                   mapping: dict[int, str], result: SheetResult, seen_hashes: set[str]):
        kind = KINDS[kind_name]
        result.kind = kind_name
        header_cells = sheet.row(header_pos)[1]
        headers = {name: P.normalise(header_cells[i]) for i, name in mapping.items()}
        if kind_name in fastparse.SPECS and FAST_PATH:
            raw_columns = fastparse.raw_columns(sheet, header_pos + 1, mapping)
            if raw_columns is not None:
                self._load_sheet_fast(path, sheet, kind, headers, mapping, result, raw_columns, seen_hashes)
                return None
        records: list[dict] = []
        existing = self._existing_hashes(kind)
        known_ids = self._known_ids(kind)
        by_key = self._register_hashes(kind) if kind.register else None
        sticky = self._sticky_rejections(kind, headers) if kind_name in UPDATE_ID else {}
        for row_number, cells in sheet.iter_rows(header_pos + 1):
            if all(P.is_blank(c) for c in cells):
                continue
            result.rows_read += 1
            raw = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
            try:
                if sticky:
                    again = sticky.get(self._raw_json(headers, raw))
                    if again:
                        raise RowError(*again)
                rec, is_update = self.parse_cells(kind, raw, known_ids)
                if kind_name in UPDATE_ID:
                    # A row already loaded is a duplicate whatever the record's state now: its
                    # identity is its parsed values, known before the checks that read that state.
                    digest = row_hash(kind_name, self.compound, rec)
                    if digest in existing or digest in seen_hashes:
                        result.duplicates += 1
                        continue
                parsed = self.finish(kind, rec, raw, is_update, known_ids)
            except RowError as err:
                self.reject(result, self._rejection(path, sheet, row_number, kind_name, headers, raw, err))
                continue
            fresh = []
            for rec in parsed:  # a seal row may expand to several floors
                digest = row_hash(kind_name, self.compound, rec)
                if by_key is not None:
                    # A register row is new when it changes its key's current row (an earlier
                    # row of this sheet may have changed it: a file read again replays in order).
                    key = tuple(rec.get(k) for k in kind.update_key)
                    if by_key.get(key) != digest:
                        by_key[key] = digest
                        fresh.append({**rec, "row_hash": digest})
                elif digest not in existing and digest not in seen_hashes:
                    seen_hashes.add(digest)
                    fresh.append({**rec, "row_hash": digest})
            if fresh:
                result.accepted += 1
                records.extend(fresh)
            else:
                result.duplicates += 1
            if len(records) >= WRITE_BATCH:
                self._write(kind, records, fold=False)
                records = []
                self.commit_part()
        self._write(kind, records)
        self.flush_rejections()
        if kind.register:
            self._register_cache = None

    def _load_sheet_fast(self, path: Path, sheet: Sheet, kind: Kind, headers: dict, mapping: dict[int, str],
                         result: SheetResult, raw_columns, seen_hashes: set[str]):
        """load_sheet for the big log kinds, column by column (fastparse); the rows it does
        not handle (rejections, unusual values) go through parse_row one by one, in order.
        Same rows, values, rejections, duplicates and table order as the per-row loop."""
        types = fastparse.table_types(self.con, kind.name)
        staged = fastparse.parse(self, kind, raw_columns, types)
        result.rows_read = raw_columns.n
        slow = []
        for pos in np.flatnonzero(~staged.ok).tolist():
            row_number, cells = sheet.row(int(raw_columns.index[pos]))
            raw = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
            try:
                parsed = self.parse_row(kind, raw, None)
            except RowError as err:
                self.reject(result, self._rejection(path, sheet, row_number, kind.name, headers, raw, err))
                continue
            (rec,) = parsed  # these kinds make one record of a row
            slow.append((pos, {**rec, "row_hash": row_hash(kind.name, self.compound, rec)}))
        # A duplicate: a hash already in the table (earlier imports, and this import's earlier
        # files: they are written already), in seen_hashes, or earlier in this file.
        # (seen_hashes needs no update: the next sheet reads this one's rows from the table.)
        parsed_rows = int(staged.ok.sum()) + len(slow)
        result.accepted = fastparse.insert(self.con, kind.name, types, staged, slow, seen_hashes,
                                           {"compound": self.compound, "import_id": self.import_id})
        result.duplicates = parsed_rows - result.accepted
        self.flush_rejections()

    def reject(self, result: SheetResult, rejection: dict) -> None:
        result.rejected += 1
        if len(result.rejections) < KEPT_REJECTIONS:
            result.rejections.append(rejection)
        self._rejected.append(rejection)
        if len(self._rejected) >= WRITE_BATCH:
            self.flush_rejections()

    def flush_rejections(self) -> None:
        """Write the rejected rows: each distinct rejection (kind, row as typed, reason) once,
        however often it is imported."""
        if not self._rejected:
            return
        frame = pd.DataFrame(self._rejected)
        frame["seq"] = range(len(frame))
        self.con.register("incoming", frame)
        self.con.execute(
            "insert into rejected_rows by name select * exclude (seq, n) from ("
            " select *, row_number() over (partition by kind, raw, reason_code order by seq) as n"
            " from incoming i where not exists ("
            "  select 1 from rejected_rows r where r.compound = i.compound and r.kind = i.kind"
            "  and r.raw = i.raw and r.reason_code = i.reason_code)) where n = 1 order by seq")
        self.con.unregister("incoming")
        self._rejected = []
        self.commit_part()

    def commit_part(self) -> None:
        """Commit what is written so far into the new snapshot, so DuckDB can move it to disk
        and free its memory. The import stays all or nothing: the snapshot is a copy that only
        becomes current when the pointer switches (store.new_snapshot); a failure deletes it."""
        self.con.execute("commit")
        self.con.execute("begin transaction")

    def _existing_hashes(self, kind: Kind) -> set[str]:
        table = kind.name if not _events_table(kind) else _events_table(kind)
        rows = self.con.execute(
            f"select row_hash from {sql_table(table)} where compound = $compound",
            {"compound": self.compound}).fetchall()
        return {r[0] for r in rows}

    def _register_hashes(self, kind: Kind) -> dict[tuple, str]:
        """A register's current rows: key -> row_hash."""
        keys = ", ".join(f'"{k}"' for k in kind.update_key)  # names from the contract
        rows = self.con.execute(f"select {keys}, row_hash from {sql_table(kind.name)} where compound = $compound",
                                {"compound": self.compound}).fetchall()
        return {tuple(row[:-1]): row[-1] for row in rows}

    def _sticky_rejections(self, kind: Kind, headers: dict[str, str]) -> dict[str, tuple]:
        """Rows of an updatable kind rejected before for what they meant to the record's state
        then (STATE_REJECTIONS), by the row as typed: read again, such a row is rejected
        again, as it was where it stood in its file, not checked against a later state."""
        names = {text: name for name, text in headers.items()}
        rows = self.con.execute(
            'select raw, reason_code, "column", value from rejected_rows'
            " where compound = $compound and kind = $kind and list_contains($codes, reason_code)",
            {"compound": self.compound, "kind": kind.name, "codes": list(STATE_REJECTIONS)}).fetchall()
        return {raw: (code, names.get(column, column), value) for raw, code, column, value in rows}

    def _known_ids(self, kind: Kind) -> set | None:
        col = UPDATE_ID.get(kind.name)
        if col is None:
            return None
        rows = self.con.execute(f'select "{col}" from {sql_table(kind.name)} where compound = $compound',
                                {"compound": self.compound}).fetchall()
        return {r[0] for r in rows}

    def _rejection(self, path, sheet, row_number, kind_name, headers, raw, err: RowError) -> dict:
        column = headers.get(err.column, err.column or "")
        value = _shown("" if err.value is None else P.normalise(_shown(err.value)))
        where = {"file": path.name, "sheet": f" · {sheet.name}" if sheet.name else "", "row": row_number,
                 "column": column, "value": value}
        reasons = {}
        for lang in ("zh", "en"):
            detail = t(f"reason.{err.code}", lang, **{**err.details, **where})
            reasons[lang] = t("reason.where", lang, **where, reason=detail)
        return {"compound": self.compound, "import_id": self.import_id, "file": path.name,
                "sheet": sheet.name, "row_number": row_number, "kind": kind_name,
                "column": column, "value": value, "reason_code": err.code,
                "reason_zh": reasons["zh"], "reason_en": reasons["en"],
                "raw": self._raw_json(headers, raw)}

    @staticmethod
    def _raw_json(headers: dict, raw: dict) -> str:
        """A row as typed (its known columns, long cells cut), as kept with its rejection."""
        return json.dumps({headers.get(k, k): _jsonable(_shown(v)) for k, v in raw.items()}, ensure_ascii=False)

    # -- parsing one row into one or more records (seals expand floor ranges)
    def parse_row(self, kind: Kind, raw: dict, known_ids: set | None) -> list[dict]:
        rec, is_update = self.parse_cells(kind, raw, known_ids)
        return self.finish(kind, rec, raw, is_update, known_ids)

    def parse_cells(self, kind: Kind, raw: dict, known_ids: set | None) -> tuple[dict, bool]:
        """The row's cells parsed (the record as typed, without defaults), and whether it
        updates a known record. Depends on the row and the registers only, not on the state
        of the records it updates: that is what makes it the row's identity (row_hash)."""
        rec: dict = {}
        missing = []
        for col in kind.columns:
            if self._parse_column(kind, col, raw, rec):
                missing.append(col.name)
        self._parse_quantity(kind, raw, rec)
        id_col = UPDATE_ID.get(kind.name)
        is_update = id_col is not None and rec.get(id_col) in known_ids
        if missing and not (is_update and id_col not in missing):
            name = missing[0]
            raise RowError("missing", name, None)
        rec["compound"] = self.compound
        return rec, is_update

    def finish(self, kind: Kind, rec: dict, raw: dict, is_update: bool, known_ids: set | None) -> list[dict]:
        """The per-kind checks and derived columns: the row's records."""
        finish = getattr(self, f"_finish_{kind.name}", None)
        records = finish(rec, raw, is_update) if finish else [rec]
        for r in records:
            r["compound"] = self.compound
        id_col = UPDATE_ID.get(kind.name)
        if id_col is not None:
            known_ids.add(rec[id_col])
        return records

    def _parse_column(self, kind: Kind, col, raw: dict, rec: dict) -> bool:
        """Parse one column of a row into rec; True when it is required and blank."""
        value = raw.get(col.name)
        if isinstance(value, str) and len(value) > TEXT_MAX_CHARS:
            raise RowError("too_long", col.name, value, limit=f"{TEXT_MAX_CHARS:,}")
        if col.name in kind.alternatives and P.is_blank(value) and all(
                not P.is_blank(raw.get(a)) for a in kind.alternatives[col.name]):
            return False
        if col.type in ("quantity", "unit"):
            return False  # quantity is parsed with its unit (_parse_quantity)
        if value is None or value == "" or P.is_blank(value):
            return col.required
        try:
            self._parse_cell(col, value, rec, raw, kind.name)
        except P.ParseError as err:
            raise RowError(err.code, col.name, value, **err.details) from None
        return False

    def _parse_quantity(self, kind: Kind, raw: dict, rec: dict) -> None:
        if not P.is_blank(raw.get("quantity")):
            try:
                rec["quantity"], rec["qty_unit"], rec["kg"] = P.parse_quantity(
                    raw["quantity"], raw.get("qty_unit"))
            except P.ParseError as err:
                raise RowError(err.code, "quantity", raw["quantity"]) from None
            in_range(kind.column("quantity"), rec["quantity"], raw["quantity"])
        elif "qty_unit" in HEADERS_BY_KIND[kind.name] and not P.is_blank(raw.get("qty_unit")):
            rec["qty_unit"] = P.normalise(raw["qty_unit"])

    def _parse_group(self, kind: Kind, names: tuple[str, ...], values: tuple, finish: str | None) -> dict | None:
        """Some columns of a row parsed as parse_row parses them (in the contract's order,
        then the quantity, then the finish that needs them): their part of the record, or
        None when parse_row would reject the row for them (fastparse's per-value step).
        None too on anything unexpected: such rows go through parse_row, which decides."""
        raw = dict(zip(names, values, strict=True))
        rec: dict = {}
        try:
            for col in kind.columns:
                if col.name in raw and self._parse_column(kind, col, raw, rec):
                    return None  # a required cell is blank
            if "quantity" in raw:
                self._parse_quantity(kind, raw, rec)
            if finish:
                (rec,) = getattr(self, finish)(rec, raw, False)
        except Exception:  # noqa: BLE001 - RowError, or a surprise: the per-row path decides
            return None
        return rec

    def _parse_cell(self, col, value, rec: dict, raw: dict, kind_name: str):
        self._parse_value(col, value, rec, raw, kind_name)
        if col.range is not None:
            in_range(col, rec[col.name], value)
        elif col.type in ("date", "datetime"):
            self.window.check(col.name, rec[col.name], value)

    def _parse_value(self, col, value, rec: dict, raw: dict, kind_name: str):
        kind = col.type
        if kind == "text":
            text = P.normalise(value)
            if col.name == "building":
                text = P.parse_building(value)
                if kind_name != "buildings":
                    self.check_building(text, None, col.name, value)
            if col.name == "room":
                floor, text = P.parse_room(value)
                rec["floor"] = floor
            rec[col.name] = text
        elif kind == "int":
            rec[col.name] = P.parse_int(value)
        elif kind == "float":
            rec[col.name] = P.parse_number(value)
        elif kind == "date":
            rec[col.name] = P.parse_date(value, self.year)
        elif kind == "time":
            rec[col.name] = P.parse_time(value)
        elif kind == "datetime":
            rec[col.name] = P.parse_datetime(value, self.year)
        elif kind == "temp":
            rec[col.name] = P.parse_temperature(value)
        elif kind == "bool":
            rec[col.name] = P.parse_bool(value)
        elif kind == "floors":
            rec["floor_list"] = P.parse_floors(value)
        elif kind == "volref":
            text = P.normalise(value)
            rec[col.name] = text
            rec["volunteer_id"] = self.resolve_volunteer(text)
        elif kind == "address":
            building, unit, floor, room = P.parse_address(value)
            self.check_building(building, floor, col.name, value)
            rec.update(building=building, unit=unit, floor=floor, room=room)
        elif kind.startswith("code:"):
            rec[col.name] = P.parse_code(value, kind[5:])
        elif kind.startswith("list:"):
            rec[col.name] = P.parse_list(value, kind[5:])
        else:  # pragma: no cover - a contract typo
            raise AssertionError(kind)

    # -- per-kind checks and derived columns
    def _finish_buildings(self, rec, raw, is_update):
        rec.setdefault("units", 1)
        return [rec]

    def _finish_households(self, rec, raw, is_update):
        self.check_building(rec["building"], rec["floor"], "room", raw.get("room"))
        if rec.get("unit") is not None:
            rec["unit"] = P.normalise(rec["unit"]).removesuffix("单元")
        return [rec]

    def _finish_shifts(self, rec, raw, is_update):
        start = datetime.combine(rec["date"], rec["start"])
        end = datetime.combine(rec["date"], rec["end"])
        if end <= start:  # an end before the start means the shift ran past midnight
            end += timedelta(days=1)
        rec["start"], rec["end"] = start, end
        rec["hours"] = round((end - start).total_seconds() / 3600, 2)
        return [rec]

    def _finish_deliveries(self, rec, raw, is_update):
        if "address" not in rec and "building" in rec:
            self.check_building(rec["building"], rec["floor"], "room", raw.get("room"))
        return [rec]

    def _finish_medicine_requests(self, rec, raw, is_update):
        # (a blank urgency stays blank in the event: the fold gives a new request its default)
        merged = self._merged("medicine_requests", "request_id", rec) if is_update else {f: rec.get(f) for f in CHECKED["medicine_requests"]}
        if merged.get("status") == "delivered" and not merged.get("fulfilled_at"):
            raise RowError("delivered_without_time", "fulfilled_at", raw.get("fulfilled_at"))
        if merged.get("fulfilled_at") and merged.get("requested_at") and \
                merged["fulfilled_at"] < merged["requested_at"]:
            raise RowError("delivered_before_request", "fulfilled_at", raw.get("fulfilled_at"))
        self._keep("medicine_requests", "request_id", rec, merged)
        return [rec]

    def _finish_cases(self, rec, raw, is_update):
        merged = self._merged("cases", "case_id", rec) if is_update else {f: rec.get(f) for f in CHECKED["cases"]}
        if merged.get("outcome_on") and not merged.get("outcome"):
            raise RowError("outcome_date_without_outcome", "outcome_on", raw.get("outcome_on"))
        if merged.get("outcome_on") and merged.get("reported_on") and \
                merged["outcome_on"] < merged["reported_on"]:
            raise RowError("outcome_before_report", "outcome_on", raw.get("outcome_on"))
        self._keep("cases", "case_id", rec, merged)
        return [rec]

    def _finish_seals(self, rec, raw, is_update):
        floors = self.register()["floors"][rec["building"]]
        out = []
        for floor in rec.pop("floor_list", [None]):
            if floor is not None and floor > floors:
                raise RowError("floor_too_high", "floors", raw.get("floors"), floor=floor, floors=floors)
            out.append({**rec, "floor": floor})
        if rec.get("sealed_until") and rec["sealed_until"] < rec["sealed_from"]:
            raise RowError("end_before_start", "sealed_until", raw.get("sealed_until"))
        return out

    def _finish_vehicle_trips(self, rec, raw, is_update):
        if rec.get("returned_at") and rec["returned_at"] < rec["departed_at"]:
            raise RowError("return_before_departure", "returned_at", raw.get("returned_at"))
        return [rec]

    def _merged(self, table: str, id_col: str, rec: dict) -> dict:
        """The fields the checks read (CHECKED) of the request or case as this update would
        leave it (blank cells keep old values)."""
        fields = CHECKED[table]
        pending = self._pending.get((table, rec[id_col]))
        if pending is None:  # Python's own types (a DATE is a date), as the parsers make them
            names = ", ".join(f'"{f}"' for f in fields)  # from CHECKED
            found = self.con.execute(
                f'select {names} from {sql_table(table)} where compound = $compound and "{id_col}" = $id',
                {"compound": self.compound, "id": rec[id_col]}).fetchall()  # (all: no result left open)
            pending = dict(zip(fields, found[0] if found else (None,) * len(fields), strict=True))
        return {f: rec[f] if rec.get(f) is not None else pending.get(f) for f in fields}

    def _keep(self, table: str, id_col: str, rec: dict, merged: dict) -> None:
        """Remember an accepted update so later rows in this import see it."""
        self._pending[(table, rec[id_col])] = merged

    # -- writing
    def _write(self, kind: Kind, records: list[dict], fold: bool = True):
        """Write records; an updatable kind's events are folded into its table when `fold`
        (after a sheet's last batch)."""
        table = kind.name
        events = _events_table(kind)
        if not records:
            if fold and events and self._unfolded:
                self._fold_events(table, events, list(kind.update_key), table_columns(self.con, table))
                self._unfolded = False
            return
        columns = table_columns(self.con, table)
        if events:
            ev_cols = table_columns(self.con, events)
            start = self.con.execute(
                f"select coalesce(max(event_seq), 0) from {sql_table(events)}").fetchall()[0][0]
            frame = _frame(records, [c for c in ev_cols if c not in ("event_seq", "import_id")])
            frame["event_seq"] = range(start + 1, start + 1 + len(frame))
            frame["import_id"] = self.import_id
            self._insert(events, frame, ev_cols)
            # Current state: the latest event per key, blank cells keeping earlier values.
            self._unfolded = True
            if fold:
                self._fold_events(table, events, list(kind.update_key), columns)
                self._unfolded = False
            return
        frame = _frame(records, [c for c in columns if c != "import_id"])
        frame["import_id"] = self.import_id
        if kind.update_key:  # a register: a later row with the same key replaces it
            key = list(kind.update_key)
            frame = frame.drop_duplicates(subset=key, keep="last")
            self.con.register("incoming", frame)
            cond = " and ".join(f't."{k}" is not distinct from i."{k}"' for k in key)
            self.con.execute(
                f"delete from {sql_table(table)} t using incoming i where t.compound = i.compound and {cond}")
            self.con.unregister("incoming")
        self._insert(table, frame, columns)

    def _insert(self, table: str, frame: pd.DataFrame, columns: list[str]):
        self.con.register("incoming", frame[columns])
        cols = ", ".join(f'"{c}"' for c in columns)
        self.con.execute(f"insert into {sql_table(table)} ({cols}) select {cols} from incoming")
        self.con.unregister("incoming")

    def _fold_events(self, table: str, events: str, key: list[str], columns: list[str]):
        """The latest non-blank value of every column per key; where no event has one, the
        contract's default for a new record (urgency: normal). Only the keys this import
        touched are folded again (the rest are as they were), so the work and DuckDB's memory
        follow the import, not the whole history."""
        keys = ", ".join(f'"{k}"' for k in key)
        values = [c for c in columns if c not in key and c != "compound"]
        params = {"compound": self.compound, "import_id": self.import_id}
        defaults = {c.name: c.default for c in KINDS[table].columns if c.default is not None}
        parts = []
        for i, c in enumerate(values):
            last = f'arg_max("{c}", event_seq) filter (where "{c}" is not null)'
            if c in defaults:
                params[f"default{i}"] = defaults[c]
                last = f"coalesce({last}, $default{i})"
            parts.append(f'{last} as "{c}"')
        # a key with an event of this import (a floor may be null: not distinct)
        touched = (f"exists (select 1 from {sql_table(events)} as n where n.compound = $compound"
                   f" and n.import_id = $import_id and "
                   + " and ".join(f'n."{k}" is not distinct from x."{k}"' for k in key) + ")")
        self.con.execute(f"delete from {sql_table(table)} as x where compound = $compound and {touched}",
                         {"compound": self.compound, "import_id": self.import_id})
        self.con.execute(
            f"insert into {sql_table(table)} (compound, {keys}, {', '.join(chr(34) + c + chr(34) for c in values)}) "
            f"select compound, {keys}, {', '.join(parts)} from {sql_table(events)} as x"
            f" where compound = $compound and {touched} group by compound, {keys}", params)


HEADERS_BY_KIND = {name: {c.name for c in kind.columns} for name, kind in KINDS.items()}


def _events_table(kind: Kind) -> str | None:
    return {"medicine_requests": "medicine_request_events", "cases": "case_events",
            "seals": "seal_events"}.get(kind.name)


def table_columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": table}).fetchall()]


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    for col in columns:
        if col not in frame:
            frame[col] = None
    return frame[columns].astype(object).where(frame[columns].notna(), None)


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _shown(value):
    """A cell as kept with a rejected row: long text cut at SHOWN_CHARS."""
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


def in_range(col, value, raw) -> None:
    """The contract's range of a number column (Column.range), bounds included."""
    low, high = col.range
    if not low <= value <= high:
        raise RowError("out_of_range", col.name, raw, low=f"{low:,g}", high=f"{high:,g}")


def row_hash(kind: str, compound: str, rec: dict) -> str:
    """Identity of a row's parsed values (not its file or row number): equal values, equal hash.
    (fastparse builds the same text column-wise from the same hash_part.)"""
    parts = [kind, compound]
    for key in sorted(rec):
        if key != "row_hash":
            parts.append(fastparse.hash_part(key, rec[key]))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def import_files(paths: list[Path], *, store=None, compound: str, year: int | None = None,
                 kind: str | None = None, command: str = "cli", dry_run: bool = False,
                 settings: dict | None = None, limits: Limits | None = None) -> list[SheetResult]:
    """Import files into one new snapshot; returns a result per file (per sheet for XLSX).
    Whatever a file holds, it ends as rows accepted or rejected with reasons, or as a file
    refused with a reason; an unexpected failure refuses the whole import (nothing written)."""
    results: list[SheetResult] = []
    work: list[tuple[Path, Sheet, Header, SheetResult]] = []
    for path in paths:
        path = Path(path)
        try:
            found = _recognise(path, kind, limits or Limits(), work)
        except FileNotFoundError:
            found = [refusal(path, None, "missing_file")]
        except RefusedFile as err:
            found = [refusal(path, None, err.code, **err.details)]
        except Exception:  # noqa: BLE001 - a reader's surprise refuses this file alone, never a trace
            log.exception("reading %s failed", path.name)
            work[:] = [w for w in work if w[0] != path]
            found = [refusal(path, None, "unreadable")]
        results.extend(found)
    if not work:
        return results
    work.sort(key=lambda w: LOAD_ORDER.index(w[2].kind))  # registers before logs; stable
    try:
        _load(work, store=store, compound=compound, year=year, command=command, dry_run=dry_run,
              settings=settings or {})
    except Exception:  # noqa: BLE001 - all or nothing: the snapshot was not switched
        log.exception("import failed")
        for _, _, _, res in work:
            failed = refusal(Path(res.path), res.sheet, "import_failed")
            res.refused, res.refused_zh, res.refused_code = failed.refused, failed.refused_zh, failed.refused_code
            res.accepted = res.rejected = res.duplicates = 0
            res.rejections = []
    return results


def _recognise(path: Path, kind: str | None, limits: Limits, work: list) -> list[SheetResult]:
    """Read a file and find each sheet's kind and header row; the sheets to load go to `work`."""
    sheets = read_file(path, limits)
    found = []
    for sheet in sheets:
        if all(all(P.is_blank(c) for c in cells) for _, cells in sheet.iter_rows()):
            continue
        header = detect(sheet, kind)
        if header is None:
            found.append(refusal(path, sheet.name, "unknown_kind"))
        elif header.repeated:
            found.append(refusal(path, sheet.name, "repeated_headers", columns="; ".join(
                f"{KINDS[header.kind].column(name).zh} ({', '.join(_column_letter(i) for i in where)})"
                for name, where in header.repeated.items())))
        else:
            res = SheetResult(str(path), sheet.name, kind=header.kind)
            found.append(res)
            work.append((path, sheet, header, res))
    if not found:
        found.append(refusal(path, None, "unknown_kind"))
    return found


def _load(work: list, *, store, compound: str, year: int | None, command: str, dry_run: bool,
          settings: dict) -> None:
    with new_snapshot(store, compound, commit=not dry_run) as con:
        _ensure_compound(con, compound, year, settings)
        rows = con.execute("select year from compounds where compound = $c", {"c": compound}).fetchall()
        imp = Importer(con, compound, year or (rows[0][0] if rows else None), command)
        seen: dict[str, set[str]] = {}
        for path, sheet, header, res in work:
            imp.load_sheet(path, sheet, header.kind, header.pos, header.mapping, res,
                           seen.setdefault(header.kind, set()))
            con.execute(
                "insert into import_history values ($id, $compound, $at, $command, $file, $hash,"
                " $sheet, $kind, $read, $acc, $rej, $dup, null)",
                {"id": imp.import_id, "compound": compound, "at": imp.imported_at,
                 "command": command, "file": path.name, "hash": sheet.digest or file_hash(path),
                 "sheet": sheet.name, "kind": header.kind, "read": res.rows_read,
                 "acc": res.accepted, "rej": res.rejected, "dup": res.duplicates})


def _column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


COMPOUND_SETTINGS = ("year", "lockdown_from", "lockdown_until", "default_as_of", "window_margin_days")


def _ensure_compound(con, compound: str, year: int | None, settings: dict):
    """Create the compound's row; --year and the given settings overwrite its fields."""
    con.execute("insert into compounds (compound, year) values ($c, $y) on conflict do nothing",
                {"c": compound, "y": year})
    fields = {"year": year, **settings}
    for name in COMPOUND_SETTINGS:
        if fields.get(name) is not None:
            con.execute(f"update compounds set {name} = $v where compound = $c",  # name: fixed list
                        {"c": compound, "v": fields[name]})
    # Only the demo command marks a compound as demo; any other import makes it real data,
    # which is never served without users (sitrep/access/mode.py).
    con.execute("update compounds set is_demo = $v where compound = $c",
                {"c": compound, "v": settings.get("is_demo") is True})


def refusal(path: Path, sheet: str | None, code: str, **details) -> SheetResult:
    res = SheetResult(str(path), sheet, refused_code=code)
    res.refused = t(f"refused.{code}", "en", file=path.name, sheet=sheet or "", **details)
    res.refused_zh = t(f"refused.{code}", "zh", file=path.name, sheet=sheet or "", **details)
    return res


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
