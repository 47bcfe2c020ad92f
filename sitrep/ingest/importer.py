"""The importer: team spreadsheets -> validated rows -> a new snapshot, all or nothing.

Per file: read (read.py), find the header row and the kind (headers), parse and check every
row by its kind's rules (rules.py; big CSV logs column-at-a-time, fastparse.py), drop duplicates
by the hash of their parsed values, load the rest, fold the events of updatable kinds and look
volunteers up in the register; rejected rows are kept with their reason. All files of one
import go into one new snapshot (store.new_snapshot), switched in only when everything is written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from sitrep.config import local_now
from sitrep.i18n import t
from sitrep.ingest import fastparse
from sitrep.ingest import parse as P
from sitrep.ingest.contract import KINDS, LOAD_ORDER, Kind, window_params
from sitrep.ingest.read import Limits, RefusedFile, Sheet, read_file
from sitrep.ingest.rules import (
    IDENTITY_VERSION,
    RULES,
    Context,
    KindRules,
    RowError,
    Window,
    row_hash,
    volunteer_column,
)
from sitrep.store import new_snapshot, sql_columns, sql_table

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("sitrep")

HEADER_SCAN_ROWS = 15  # title and note rows above the header
FAST_PATH = True  # the column-at-a-time path for big log files (fastparse); tests turn it off
SHOWN_CHARS = 200  # a rejected cell is kept (value, raw) up to this many characters, then "…"
# Memory stays flat on big files: records and rejected rows are written in batches, and a
# result keeps only the first rejections for the preview and the report (all are in the table).
WRITE_BATCH = 5_000
KEPT_REJECTIONS = 10_000
# Rows of a sheet parsed, hashed and inserted at a time (column-at-a-time path): one DuckDB row
# group (122,880 rows), so each part commits whole row groups (BENCHMARKS.md: against 200,000 a
# lower peak, against 100,000 less CPU).
COLUMN_PART_ROWS = 122_880
REHASH_BATCH = 20_000  # rows re-hashed and committed at a time (upgrade_identity)
# Updatable kinds keep every row as an event; their table is the events folded per key.
EVENTS = {"medicine_requests": "medicine_request_events", "cases": "case_events", "seals": "seal_events"}
# The tables whose rows name a volunteer (column), resolved to the register's volunteer_id.
VOLUNTEER_REFS = {table: column for kind in KINDS if (column := volunteer_column(kind))
                  for table in (kind, EVENTS.get(kind, kind))}


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
    """One import: many files into one new snapshot. Loading, duplicates and events; what a row
    means and whether it is accepted is the kind's rules (rules.py)."""

    def __init__(self, con, compound: str, year: int | None, command: str):
        self.con, self.compound, self.command = con, compound, command
        self.year = year
        self.import_id = con.execute(
            "select coalesce(max(import_id), 0) + 1 from import_history").fetchall()[0][0]
        self.imported_at = local_now()
        self.window = compound_window(con, compound, self.imported_at.date())
        self._floors: dict | None = None
        self._pending: dict = {}  # requests and cases as updated so far in this import (state fields)
        self._rejected: list[dict] = []  # rejected rows not yet written
        self._unfolded = False           # events written but not yet folded
        self._types: dict[str, dict] = {}  # table -> its columns' Arrow types (fastparse)

    def context(self) -> Context:
        """What the rules read besides the row: the year, the window and the buildings register
        as it is now (read again after a register kind loads)."""
        if self._floors is None:
            self._floors = dict(self.con.execute(
                "select building, floors from buildings where compound = $compound",
                {"compound": self.compound}).fetchall())
        return Context(self.year, self.window, self._floors)

    # -- one sheet
    def load_sheet(self, path: Path, sheet: Sheet, kind_name: str, header_pos: int,
                   mapping: dict[int, str], result: SheetResult, seen_hashes: set[bytes]):
        rules = RULES[kind_name]
        result.kind = kind_name
        header_cells = sheet.row(header_pos)[1]
        headers = {name: P.normalise(header_cells[i]) for i, name in mapping.items()}
        where = (path, sheet, headers, mapping, result)
        if rules.columnwise and FAST_PATH:
            # A part of the rows at a time: what the column-at-a-time path holds besides the
            # sheet is one part's columns, values and hashes. A part with a cell that is not
            # text (an XLSX date or number cell) goes through the per-row rules instead.
            for start in range(header_pos + 1, len(sheet), COLUMN_PART_ROWS):
                raw_columns = fastparse.raw_columns(sheet, start, mapping, start + COLUMN_PART_ROWS)
                if raw_columns is not None:
                    self._load_columns(rules, where, raw_columns, seen_hashes)
                    self.commit_part()
                else:
                    self._load_rows(rules, where, start - 1, seen_hashes, start + COLUMN_PART_ROWS)
        else:
            self._load_rows(rules, where, header_pos, seen_hashes)
        self.flush_rejections()
        if rules.kind.register:
            self._floors = None
        self._resolve_volunteers(kind_name, every_row=kind_name == "volunteers" and result.accepted > 0)

    def _load_rows(self, rules: KindRules, where: tuple, header_pos: int, seen_hashes: set[bytes],
                   end: int | None = None):
        """The per-row path: every row (after the header, up to `end`) through the kind's
        rules, in order."""
        path, sheet, headers, mapping, result = where
        kind = rules.kind
        ctx = self.context()
        records: list[dict] = []
        existing = self._existing_hashes(kind)
        known_ids = self._known_ids(rules)
        by_key = self._register_hashes(kind) if kind.register else None
        sticky = self._sticky_rejections(rules, headers)
        for row_number, cells in islice(sheet.iter_rows(header_pos + 1), None if end is None else end - header_pos - 1):
            if all(P.is_blank(c) for c in cells):
                continue
            result.rows_read += 1
            raw = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
            try:
                if sticky and (again := sticky.get(self._raw_json(headers, raw))):
                    raise RowError(*again)
                rec, is_update = rules.parse_cells(raw, ctx, known_ids)
                rec["compound"] = self.compound
                if rules.record_id:
                    # A row already loaded is a duplicate whatever the record's state now: its
                    # identity is its parsed values, known before the checks that read that state.
                    digest = row_hash(kind.name, self.compound, rec)
                    if digest in existing or digest in seen_hashes:
                        result.duplicates += 1
                        continue
                parsed = rules.finish(rec, raw, ctx)
                if rules.state:
                    self._check_state(rules, rec, raw, is_update)
            except RowError as err:
                self.reject(result, self._rejection(path, sheet, row_number, kind.name, headers, raw, err))
                continue
            if rules.record_id:
                known_ids.add(rec[rules.record_id])
            fresh = []
            for rec in parsed:  # a seal row may expand to several floors
                digest = row_hash(kind.name, self.compound, rec)
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

    def _load_columns(self, rules: KindRules, where: tuple, raw_columns, seen_hashes: set[bytes]):
        """The column-at-a-time path (fastparse) for the big log kinds; the rows it does not pass
        go through the per-row rules one by one, in order, and give the rejections. Same rows,
        values, rejections, duplicates and table order as the per-row path."""
        path, sheet, headers, mapping, result = where
        kind = rules.kind
        ctx = self.context()
        if kind.name not in self._types:
            self._types[kind.name] = fastparse.table_types(self.con, kind.name)
        types = self._types[kind.name]
        staged = fastparse.parse(rules, ctx, self.compound, raw_columns, types)
        result.rows_read += raw_columns.n
        slow = []
        for pos in np.flatnonzero(~staged.ok).tolist():
            row_number, cells = sheet.row(int(raw_columns.index[pos]))
            raw = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
            try:
                rec, _ = rules.parse_cells(raw, ctx)
                (rec,) = rules.finish(rec, raw, ctx)  # these kinds make one record of a row
            except RowError as err:
                self.reject(result, self._rejection(path, sheet, row_number, kind.name, headers, raw, err))
                continue
            slow.append((pos, {**rec, "row_hash": row_hash(kind.name, self.compound, rec)}))
        # A duplicate: a hash already in the table (earlier imports, and this import's earlier
        # files: they are written already), in seen_hashes, or earlier in this file.
        # (seen_hashes needs no update: the next sheet reads this one's rows from the table.)
        parsed_rows = int(staged.ok.sum()) + len(slow)
        accepted = fastparse.insert(self.con, kind.name, types, staged, slow, seen_hashes,
                                    {"compound": self.compound, "import_id": self.import_id})
        result.accepted += accepted
        result.duplicates += parsed_rows - accepted

    def _check_state(self, rules: KindRules, rec: dict, raw: dict, is_update: bool) -> None:
        """The state checks on the record as this row leaves it; remembered for later rows."""
        record = (rules.kind.name, rec[rules.record_id])
        state = self._state(rules, rec[rules.record_id]) if is_update else {}
        self._pending[record] = rules.check_state(rec, raw, state)

    def _state(self, rules: KindRules, record_id) -> dict:
        """A known record's state fields: as updated earlier in this import, else as stored
        (Python's own types: a DATE is a date, as the parsers make them)."""
        pending = self._pending.get((rules.kind.name, record_id))
        if pending is not None:
            return pending
        fields = rules.state_fields
        table = rules.kind.name
        found = self.con.execute(
            f"select {sql_columns(table, fields)} from {sql_table(table)}"
            f" where compound = $compound and {sql_columns(table, [rules.record_id])} = $id",
            {"compound": self.compound, "id": record_id}).fetchall()  # (all: no result left open)
        return dict(zip(fields, found[0], strict=True)) if found else {}

    def _resolve_volunteers(self, kind_name: str, every_row: bool) -> None:
        """volunteer_id is the register's answer for what was typed (an ID, else a name only one
        volunteer has), looked up in SQL after loading: for this import's rows, and for every row
        when the volunteers register changed, so a volunteer added after yesterday's import
        resolves yesterday's rows too. Not part of a row's identity (rules.row_hash)."""
        tables = VOLUNTEER_REFS if every_row else {
            t: c for t, c in VOLUNTEER_REFS.items() if t in (kind_name, EVENTS.get(kind_name))}
        params = {"compound": self.compound} | ({} if every_row else {"import_id": self.import_id})
        only = "" if every_row else " and import_id = $import_id"
        answers = ("select volunteer_id as typed, volunteer_id from volunteers where compound = $compound"
                   " union all select name, min(volunteer_id) from volunteers where compound = $compound"
                   " and name not in (select volunteer_id from volunteers where compound = $compound)"
                   " group by name having count(*) = 1")
        for table, column in tables.items():
            column, table = sql_columns(table, [column]), sql_table(table)
            self.con.execute(
                f"update {table} set volunteer_id = found.volunteer_id from ({answers}) as found"
                f" where {table}.compound = $compound and {table}.{column} = found.typed"
                f" and {table}.volunteer_id is distinct from found.volunteer_id{only}", params)
            self.con.execute(
                f"update {table} set volunteer_id = null where compound = $compound and volunteer_id is not null"
                f" and {column} not in (select typed from ({answers})){only}", params)

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
        import pandas as pd  # (here: a clean file's import never needs pandas' 0.2 s and 36 MB)

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

    def _existing_hashes(self, kind: Kind) -> set[bytes]:
        table = EVENTS.get(kind.name, kind.name)
        rows = self.con.execute(
            f"select row_hash from {sql_table(table)} where compound = $compound",
            {"compound": self.compound}).fetchall()
        return {r[0] for r in rows}

    def _register_hashes(self, kind: Kind) -> dict[tuple, bytes]:
        """A register's current rows: key -> row_hash."""
        keys = sql_columns(kind.name, kind.update_key)
        rows = self.con.execute(f"select {keys}, row_hash from {sql_table(kind.name)} where compound = $compound",
                                {"compound": self.compound}).fetchall()
        return {tuple(row[:-1]): row[-1] for row in rows}

    def _sticky_rejections(self, rules: KindRules, headers: dict[str, str]) -> dict[str, tuple]:
        """Rows of an updatable kind rejected before for what they meant to the record's state
        then (rules.state_codes), by the row as typed: read again, such a row is rejected
        again, as it was where it stood in its file, not checked against a later state."""
        if not rules.state_codes:
            return {}
        names = {text: name for name, text in headers.items()}
        rows = self.con.execute(
            'select raw, reason_code, "column", value from rejected_rows'
            " where compound = $compound and kind = $kind and list_contains($codes, reason_code)",
            {"compound": self.compound, "kind": rules.kind.name, "codes": list(rules.state_codes)}).fetchall()
        return {raw: (code, names.get(column, column), value) for raw, code, column, value in rows}

    def _known_ids(self, rules: KindRules) -> set | None:
        col = rules.record_id
        if col is None:
            return None
        rows = self.con.execute(f"select {sql_columns(rules.kind.name, [col])} from {sql_table(rules.kind.name)}"
                                " where compound = $compound",
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

    # -- writing
    def _write(self, kind: Kind, records: list[dict], fold: bool = True):
        """Write records; an updatable kind's events are folded into its table when `fold`
        (after a sheet's last batch)."""
        table = kind.name
        events = EVENTS.get(kind.name)
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
            sql_columns(table, key)       # the key's names checked against the schema, then quoted
            cond = " and ".join(f't."{k}" is not distinct from i."{k}"' for k in key)
            self.con.execute(
                f"delete from {sql_table(table)} t using incoming i where t.compound = i.compound and {cond}")
            self.con.unregister("incoming")
        self._insert(table, frame, columns)

    def _insert(self, table: str, frame: pd.DataFrame, columns: list[str]):
        self.con.register("incoming", frame[columns])
        cols = sql_columns(table, columns)
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



def table_columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": table}).fetchall()]


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

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


def upgrade_identity(con, compound: str) -> None:
    """Re-hash, once, the rows of a compound hashed before this row identity (rules.IDENTITY_VERSION):
    each row's hash from its stored values, as the rules make it (a stored value is the parsed
    value; volunteer_id, which the register gave, is not part of it). Rows of a log kind that
    are now one row are kept once, the first loaded: they are the rows the old identity counted
    twice. An updatable kind's events keep their history; its table's hash is its last event's.
    A snapshot of version 2 (the same SHA-1 as 40 hex characters) only has its digests turned
    into their bytes (digests_as_bytes)."""
    params = {"compound": compound}
    version = con.execute("select identity_version from compounds where compound = $compound", params).fetchall()
    version = version[0][0] if version else None
    if version is not None and version >= IDENTITY_VERSION:
        return
    digests_as_bytes(con)
    for kind in () if version == 2 else KINDS.values():
        table = sql_table(EVENTS.get(kind.name, kind.name))
        fields = [c for c in table_columns(con, table) if c in RULES[kind.name].fields]
        quoted = ", ".join(f'"{c}"' for c in fields)  # the rules' fields among the table's columns
        last = con.execute(f"select max(rowid) from {table}").fetchall()[0][0]
        for start in range(0, -1 if last is None else last + 1, REHASH_BATCH):
            rows = con.execute(f"select rowid, {quoted} from {table} where compound = $compound and rowid >= $start"
                               " and rowid < $end", {**params, "start": start, "end": start + REHASH_BATCH}).fetchall()
            con.register("rehashed", pa.table({
                "row_id": pa.array([row[0] for row in rows], pa.int64()),
                "digest": pa.array([row_hash(kind.name, compound, dict(zip(fields, row[1:], strict=True)))
                                    for row in rows], pa.binary())}))
            con.execute(f"update {table} set row_hash = rehashed.digest from rehashed"
                        f" where {table}.rowid = rehashed.row_id")
            con.unregister("rehashed")
            con.execute("commit")
            con.execute("begin transaction")
        if kind.name in EVENTS:
            keys = " and ".join(f'x."{k}" is not distinct from e."{k}"' for k in kind.update_key)
            names = ", ".join(f'"{k}"' for k in kind.update_key)
            con.execute(f"update {sql_table(kind.name)} as x set row_hash = e.digest from (select {names},"
                        f" arg_max(row_hash, event_seq) as digest from {table} where compound = $compound"
                        f" group by all) as e where x.compound = $compound and {keys}", params)
        elif kind.update_key is None:
            con.execute(f"delete from {table} where rowid in (select rowid from (select rowid, row_number()"
                        " over (partition by row_hash order by import_id, rowid) as n"
                        f" from {table} where compound = $compound) where n > 1)", params)
        con.execute("commit")
        con.execute("begin transaction")
    con.execute("update compounds set identity_version = $version where compound = $compound",
                {**params, "version": IDENTITY_VERSION})


def digests_as_bytes(con) -> None:
    """Every table's row_hash as the digest's 20 bytes (BLOB, stored uncompressed), from a
    snapshot that keeps it as 40 hex characters (VARCHAR, identity version 2): the same SHA-1,
    so no row is hashed again. The column stays last, as the schema has it."""
    found = con.execute("select table_name from information_schema.columns where column_name = 'row_hash'"
                        " and data_type = 'VARCHAR' order by table_name").fetchall()
    for (name,) in found:
        table = sql_table(name)
        con.execute(f"alter table {table} rename column row_hash to row_hash_hex")
        con.execute(f"alter table {table} add column row_hash blob using compression uncompressed")
        con.execute(f"update {table} set row_hash = unhex(row_hash_hex)")
        con.execute(f"alter table {table} drop column row_hash_hex")
    if found:
        con.execute("commit")
        con.execute("begin transaction")


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
        upgrade_identity(con, compound)
        rows = con.execute("select year from compounds where compound = $c", {"c": compound}).fetchall()
        imp = Importer(con, compound, year or (rows[0][0] if rows else None), command)
        seen: dict[str, set[bytes]] = {}
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
