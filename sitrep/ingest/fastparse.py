"""The importer's column-at-a-time path for the big log files (deliveries, screenings,
shifts, vehicle trips: the kinds whose rows are events, rules.KindRules.columnwise): the same
rows, values, rejections and duplicates as the per-row path, at a fraction of the cost.

It has no rule of its own; it runs the kind's rules (rules.py) another way:
- Cells are parsed by the rules' own cells, required columns and steps (KindRules.parse_part),
  once per distinct value, or combination of values for the columns a rule reads together
  (KindRules.plan), instead of once per row.
- Date-times, the one kind of column whose values are nearly all distinct, are parsed
  vectorised (numpy) only in the canonical form `2020-02-10 08:30[:00]` (or with a `T`,
  years 1900-2099), which is what parse_datetime makes of them (a property test), then checked
  on the whole column by the same `holds` as one cell (the window); every other cell of such a
  column goes through parse_part. A check between two such columns (returned not before
  departed) is applied to the whole columns by the step's own `violated`.
- A row with any cell the rules reject, a missing required cell, or a failed check is not
  handled here at all: the importer reads it through the per-row rules, so its rejection
  (reason, column, value, row number) is exactly the per-row path's.
- A row's identity is the same text hashed the same way (rules.row_hash): the parts
  `key=value` of its parsed values in key order, built per distinct value with
  hash_part, and its SHA-1 digest by DuckDB (`unhex(sha1(...))`: the same 20 bytes). Duplicates (in the table, in this import, earlier in the
  file) are dropped as the per-row loop drops them, and the new rows are inserted in file order.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sitrep.ingest import parse as P
from sitrep.ingest.contract import Kind
from sitrep.ingest.read import Sheet, split_line
from sitrep.ingest.rules import Context, Group, KindRules, hash_part
from sitrep.store import sql_columns, sql_table

# A letter or digit (ASCII, or a CJK ideograph) makes a row non-blank whatever NFKC does;
# a row without one is checked cell by cell as the per-row path does.
_NONBLANK_RE2 = r"[0-9A-Za-z\x{4E00}-\x{9FFF}]"
_NONBLANK = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")

_ARROW_TYPES = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32(),
                "INTEGER": pa.int64(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
                "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string())}


# ---------------------------------------------------------------- the raw cells, by column

@dataclass
class RawColumns:
    index: np.ndarray              # each non-blank data row's 0-based index in the sheet's rows
    cells: dict[str, pa.Array]     # column name -> the cells as typed (null: the row has no such cell)

    @property
    def n(self) -> int:
        return len(self.index)


def raw_columns(sheet: Sheet, start: int, mapping: dict[int, str], end: int | None = None) -> RawColumns | None:
    """The mapped columns of the rows from `start` up to `end` (None: the last), blank rows
    left out; None when a cell is not text (an XLSX date or number cell): the per-row path
    reads those."""
    end = len(sheet) if end is None else min(end, len(sheet))
    if sheet.lines is not None:
        return _from_lines(sheet.lines, start, mapping, sheet.delimiter, end)
    return _from_rows(sheet.rows, start, mapping, end)


def _from_lines(lines: pa.Array, start: int, mapping: dict[int, str], delimiter: str = ",",
                end: int | None = None) -> RawColumns:
    data = lines.slice(start, None if end is None else max(end - start, 0))
    keep = pc.fill_null(pc.match_substring_regex(data, _NONBLANK_RE2), False).to_numpy(
        zero_copy_only=False).copy()
    for i in np.flatnonzero(~keep):  # no letter or digit: the per-row path's test
        keep[i] = not all(P.is_blank(c) for c in split_line(data[int(i)].as_py(), delimiter))
    index = np.flatnonzero(keep)
    if len(index) == 0:
        return RawColumns(index + start, {name: pa.array([], pa.string()) for name in mapping.values()})
    kept = data if len(index) == len(data) else data.take(pa.array(index))
    parts = pc.split_pattern(kept, delimiter)
    offsets = parts.offsets.to_numpy()
    values = parts.values
    starts, lengths = offsets[:-1], np.diff(offsets)
    cells = {}
    for j, name in mapping.items():
        has = lengths > j
        if has.all():
            cells[name] = values.take(pa.array(starts + j))
        else:
            col = values.take(pa.array(np.where(has, starts + j, 0)))
            cells[name] = pc.if_else(pa.array(has), col, pa.scalar(None, pa.string()))
    return RawColumns(index + start, cells)


def _from_rows(rows: list, start: int, mapping: dict[int, str], end: int | None = None) -> RawColumns | None:
    """Rows of cells (a quoted CSV, an XLSX sheet) as columns. A column of XLSX cells of one
    Python type (date-times, numbers) becomes an Arrow column of that type, which gives the
    same values back; None when a column mixes types (say a number cell among text cells):
    the per-row path reads the part."""
    kept: list[int] = []
    for i in range(start, len(rows) if end is None else min(end, len(rows))):
        cells = rows[i][1]
        try:
            text = _NONBLANK.search("".join(cells))
        except TypeError:  # a cell that is not text
            text = None
        if text or not all(P.is_blank(c) for c in cells):
            kept.append(i)
    columns = {}
    for j, name in mapping.items():
        column = []
        for i in kept:
            cells = rows[i][1]
            column.append(cells[j] if j < len(cells) else None)
        kinds = {type(v) for v in column if v is not None}
        if kinds <= {str}:
            columns[name] = pa.array(column, pa.string())
        elif len(kinds) == 1 and (kind := _TYPED.get(kinds.pop())) is not None:
            if kind == pa.timestamp("us") and any(v is not None and v.tzinfo is not None for v in column):
                return None  # (Arrow would move an aware time to UTC; the reader makes none)
            try:
                columns[name] = pa.array(column, kind)
            except (pa.ArrowInvalid, OverflowError):  # (an int beyond 64 bits)
                return None
        else:
            return None
    return RawColumns(np.array(kept, dtype=np.int64), columns)


# Python types of XLSX cells (read.py) kept as Arrow columns that give the same values back.
_TYPED = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), datetime: pa.timestamp("us"),
          date: pa.date32(), time: pa.time64("us"), timedelta: pa.duration("us")}


# ---------------------------------------------------------------- parsing

@dataclass
class _Memo:
    """A column's parsed values per row as codes into per-distinct-value results."""
    codes: np.ndarray              # per row (-1: not from here)
    values: list                   # per code: the parsed value (None when absent)
    parts: list[str]               # per code: "\x1f" + hash_part, or "" when absent
    has: np.ndarray                # per code: the key is in the record


@dataclass
class _DateTimes:
    """A date-time column: canonical cells parsed vectorised, the rest as a _Memo."""
    stamps: np.ndarray             # datetime64[us] per row (NaT: absent or not parsed)
    present: np.ndarray            # per row: the key is in the record
    memo: _Memo | None             # the cells parsed by parse_part (codes -1 elsewhere)


@dataclass
class Staged:
    ok: np.ndarray                 # the rows parsed here; the others go through the per-row rules
    table: pa.Table                # ok rows: pos, "v:<column>" values, "p:<key>" hash parts
    columns: list[str]             # the table columns among the "v:" ones
    hash_sql: str                  # SQL over `table`: the rows' row_hash (a 20-byte SHA-1 digest)
    params: dict


def table_types(con, table: str) -> dict[str, pa.DataType | None]:
    rows = con.execute("select column_name, data_type from information_schema.columns"
                       " where table_name = $t order by ordinal_position", {"t": table}).fetchall()
    return {name: _ARROW_TYPES.get(kind) for name, kind in rows}


def parse(rules: KindRules, ctx: Context, compound: str, raw: RawColumns, types: dict) -> Staged:
    """Parse the rows column by column with the kind's rules; `ok` marks the rows done here."""
    n = raw.n
    ok = np.ones(n, dtype=bool)
    keys: dict[str, _Memo | _DateTimes] = {}
    for group in rules.plan.groups:
        cells = [raw.cells.get(name) for name in group.names]
        if group.instants is not None and cells[0] is not None:
            column, column_ok = _instants(rules, ctx, group, cells[0])
            found = {group.instants.name: column}
        else:
            codes, combos = _factorize(cells, n)
            found, column_ok = _memo(codes, [rules.parse_part(group, combo, ctx) for combo in combos])
        ok &= column_ok
        assert not set(found) & set(keys), f"{rules.kind.name}: a field parsed in two groups"
        keys.update(found)
    for step in rules.plan.on_columns:  # checks between date-time columns, on the whole columns
        columns = [keys.get(name) for name in step.reads]
        if all(isinstance(c, _DateTimes) for c in columns):  # (else a column the sheet lacks)
            present = np.logical_and.reduce([c.present for c in columns])
            ok &= ~(present & step.violated(*(c.stamps for c in columns)))
    return _stage(rules.kind, compound, ok, keys, types)


def _factorize(cells: list[pa.Array | None], n: int) -> tuple[np.ndarray, list[tuple]]:
    """Codes per row and the distinct combinations of the cells (None: no such column)."""
    codes = np.zeros(n, dtype=np.int64)
    combos: list[tuple] = [()]
    for column in cells:
        if column is None:
            combos = [combo + (None,) for combo in combos]
            continue
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        distinct = encoded.dictionary.to_pylist()
        if len(combos) == 1:
            codes, combos = index, [combos[0] + (v,) for v in distinct]
            continue
        size = len(distinct)
        encoded = pc.dictionary_encode(pa.array(codes * size + index))  # (in order of appearance)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
        combos = [combos[u // size] + (distinct[u % size],) for u in uniques.tolist()]
    return codes, combos


def _memo(codes: np.ndarray, results: list[dict | None]) -> tuple[dict[str, _Memo], np.ndarray]:
    """Per-distinct results -> a _Memo per key, and the rows whose cells parsed."""
    ok_u = np.array([r is not None for r in results], dtype=bool)
    keys: list[str] = []
    for r in results:
        for key in r or ():
            if key not in keys:
                keys.append(key)
    found = {}
    for key in keys:
        has = [r is not None and r.get(key) is not None for r in results]  # (None: no value, no part)
        values = [r[key] if h else None for r, h in zip(results, has, strict=True)]
        parts = ["\x1f" + hash_part(key, v) if h else "" for v, h in zip(values, has, strict=True)]
        found[key] = _Memo(codes, values, parts, np.array(has, dtype=bool))
    return found, (ok_u[codes] if len(codes) else np.zeros(0, dtype=bool))


def _instants(rules: KindRules, ctx: Context, group: Group, cells: pa.Array) -> tuple[_DateTimes, np.ndarray]:
    """A date-time column: canonical cells vectorised and checked on the whole column (the
    cell's own checks, by `holds`); every other cell by parse_part, once per value."""
    stamps, fast = canonical_datetimes(cells)
    ok = fast.copy()
    for check in group.instants.checks:
        ok &= check.holds(stamps, ctx)
    present = fast.copy()
    memo = None
    rest = np.flatnonzero(~fast)
    if len(rest):
        codes, combos = _factorize([cells.take(pa.array(rest))], len(rest))
        found, rest_ok = _memo(codes, [rules.parse_part(group, combo, ctx) for combo in combos])
        ok[rest] = rest_ok
        sub = found.get(group.instants.name)
        if sub is not None:
            present[rest] = sub.has[codes]
            stamps[rest] = np.array(sub.values, dtype="datetime64[us]")[codes]
            full = np.full(len(cells), -1, dtype=np.int64)
            full[rest] = codes
            memo = _Memo(full, sub.values, sub.parts, sub.has)
    return _DateTimes(stamps, present, memo), ok


def canonical_datetimes(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """`YYYY-MM-DD HH:MM[:SS]` (or a T; years 1900-2099) parsed with numpy: datetime64[us]
    per cell, and which cells were in that form and a real date and time (the others: NaT)."""
    n = len(cells)
    stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    fast = np.zeros(n, dtype=bool)
    if n == 0 or cells.null_count == n:
        return stamps, fast
    if pa.types.is_timestamp(cells.type):  # XLSX date-time cells: parse_datetime drops the microseconds
        stamps = cells.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False).astype("datetime64[s]")
        years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
        fast = ~np.isnat(stamps) & (years >= 1900) & (years <= 2099)
        return np.where(fast, stamps, np.datetime64("NaT")).astype("datetime64[us]"), fast
    if not pa.types.is_string(cells.type):
        return stamps, fast
    lengths = pc.fill_null(pc.binary_length(cells), 0).to_numpy(zero_copy_only=False)
    for width in (19, 16):
        rows = np.flatnonzero(lengths == width)
        if len(rows) == 0:
            continue
        chosen = cells if len(rows) == n else cells.take(pa.array(rows))
        chosen = pa.concat_arrays([chosen.cast(pa.string())])  # packed: width bytes per cell
        data = chosen.buffers()[2]
        start = np.frombuffer(chosen.buffers()[1], dtype=np.int32)[chosen.offset]
        grid = np.frombuffer(data, dtype=np.uint8)[start:start + len(rows) * width].reshape(len(rows), width)
        stamp, good = _fixed_datetimes(grid)
        stamps[rows[good]] = stamp[good]
        fast[rows[good]] = True
    return stamps, fast


def _fixed_datetimes(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of 16 or 19 ASCII bytes: `YYYY-MM-DD HH:MM[:SS]` -> datetime64[us], well-formed."""
    long = grid.shape[1] == 19
    digit = grid - np.uint8(48)  # wraps below '0': a digit is <= 9
    places = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15] + ([17, 18] if long else [])
    good = (digit[:, places] <= 9).all(axis=1)
    good &= (grid[:, 4] == 45) & (grid[:, 7] == 45) & (grid[:, 13] == 58)
    good &= (grid[:, 10] == 32) | (grid[:, 10] == 84)
    if long:
        good &= grid[:, 16] == 58

    def number(*columns):
        value = np.zeros(len(grid), dtype=np.int32)
        for c in columns:
            value = value * 10 + digit[:, c]
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute = number(11, 12), number(14, 15)
    second = number(17, 18) if long else np.zeros(len(grid), dtype=np.int32)
    good &= (year >= 1900) & (year <= 2099) & (month >= 1) & (month <= 12) & (day >= 1)
    good &= (hour <= 23) & (minute <= 59) & (second <= 59)
    first = np.where(good, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first_day = first.astype("datetime64[D]")
    good &= day <= ((first + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    seconds = (((day.astype(np.int64) - 1) * 24 + hour) * 60 + minute) * 60 + second
    return first_day.astype("datetime64[us]") + seconds.astype("timedelta64[s]"), good


def _stage(kind: Kind, compound: str, ok: np.ndarray, keys: dict, types: dict) -> Staged:
    rows = np.flatnonzero(ok)
    every = len(rows) == len(ok)
    arrays = {"pos": pa.array(rows)}
    columns = []
    parts, params = [], {"prefix": f"{kind.name}\x1f{compound}",
                         "compound_part": "\x1f" + hash_part("compound", compound)}
    indices: dict[int, pa.Array] = {}  # one index array per group (its keys share the codes)

    def index(codes: np.ndarray) -> pa.Array:
        if id(codes) not in indices:
            chosen = (codes if every else codes[rows]).astype(np.int32)
            missing = chosen < 0
            indices[id(codes)] = pa.array(chosen, mask=missing if missing.any() else None)
        return indices[id(codes)]

    for key in sorted({*keys, "compound"}):
        if key == "compound":
            parts.append("$compound_part")
            continue
        column = keys[key]
        if isinstance(column, _DateTimes):
            if key in types:
                stamps = column.stamps if every else column.stamps[rows]
                missing = np.isnat(stamps)
                arrays[f"v:{key}"] = pa.array(stamps, pa.timestamp("us"), mask=missing if missing.any() else None)
                columns.append(key)
            # hash_part's text around a date-time's isoformat, e.g. `delivered_at='` and `'`
            sample = datetime(2000, 1, 2, 3, 4, 5)
            before, after = hash_part(key, sample).split(sample.isoformat())
            label = f"label{len(params)}"
            params[label], params[label + "_end"] = "\x1f" + before, after
            fast_part = f"""${label} || strftime("v:{key}", '%Y-%m-%dT%H:%M:%S') || ${label}_end"""
            if column.memo is None:
                parts.append(fast_part)
            else:
                arrays[f"p:{key}"] = _dictionary(index(column.memo.codes), column.memo.parts, pa.string())
                parts.append(f'coalesce("p:{key}", {fast_part})')
            continue
        if key in types:
            arrays[f"v:{key}"] = _dictionary(index(column.codes), column.values, types[key])
            columns.append(key)
        arrays[f"p:{key}"] = _dictionary(index(column.codes), column.parts, pa.string())
        parts.append(f'"p:{key}"')
    return Staged(ok, pa.table(arrays), columns, f"unhex(sha1(concat($prefix, {', '.join(parts)})))", params)


def _dictionary(index: pa.Array, values: list, kind: pa.DataType | None) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(index, pa.array(values, kind))


# ---------------------------------------------------------------- writing

def insert(con, table: str, types: dict, staged: Staged, slow: list[tuple[int, dict]],
           seen: set[bytes], params: dict) -> int:
    """Insert the new rows in file order: not already in the table, not in `seen`, and the
    first of their hash in this file. slow: (position, record with row_hash) of the rows
    parse_row parsed. Returns the number of rows inserted."""
    names = [c for c in types if c not in ("compound", "import_id", "row_hash")]
    fast = staged.table
    registered = []

    def register(name, data):
        con.register(name, data)
        registered.append(name)

    try:
        hashes = pa.array([], pa.binary())
        if fast.num_rows:
            register("_fast", fast)
            hashes = _arrow(con.sql(f"select {staged.hash_sql} as h from _fast", params=staged.params)
                            ).column("h").combine_chunks()
        positions = fast.column("pos").to_numpy()
        if slow:  # all rows' hashes in file order
            positions = np.concatenate([positions, np.array([pos for pos, _ in slow], dtype=np.int64)])
            hashes = pa.concat_arrays([hashes, pa.array([rec["row_hash"] for _, rec in slow], pa.binary())])
        order = np.argsort(positions, kind="stable")
        in_order = hashes.take(pa.array(order)) if slow else hashes
        keep = np.empty(len(order), dtype=bool)
        keep[order] = _new_rows(con, table, in_order, seen, params["compound"])
        quoted = sql_columns(table, names)
        sources = []
        if keep[:fast.num_rows].any():
            rows = fast.append_column("row_hash", hashes.slice(0, fast.num_rows))
            if not keep[:fast.num_rows].all():
                rows = rows.filter(pa.array(keep[:fast.num_rows]))
            register("_fast_rows", rows)
            sources.append(f"""select pos, {', '.join(f'"v:{c}"' if c in staged.columns else 'null'
                                                      for c in names)}, row_hash from _fast_rows""")
        kept = [(pos, rec) for (pos, rec), new in zip(slow, keep[fast.num_rows:], strict=True) if new]
        if kept:
            schema = pa.schema([("pos", pa.int64()), *((c, types[c]) for c in names), ("row_hash", pa.binary())])
            register("_slow_rows", pa.Table.from_pylist(
                [{"pos": pos, **{c: rec.get(c) for c in (*names, "row_hash")}} for pos, rec in kept],
                schema=schema))
            sources.append(f"select pos, {quoted}, row_hash from _slow_rows")
        if not sources:
            return 0
        order_by = " order by 1" if len(sources) > 1 else ""  # the fast rows are in file order
        rows_sql = " union all ".join(sources) + order_by
        return con.execute(
            f"insert into {sql_table(table)} ({quoted}, row_hash, compound, import_id) "
            f"select * exclude (pos), $compound, $import_id from ({rows_sql})", params).fetchall()[0][0]
    finally:
        for name in registered:
            with contextlib.suppress(duckdb.Error):  # an aborted transaction: the snapshot is dropped
                con.unregister(name)


def _new_rows(con, table: str, hashes: pa.Array, seen: set[bytes], compound: str) -> np.ndarray:
    """Per hash (in file order): not in the table, not in `seen`, first of its value here."""
    new = first_of_each(hashes)
    # The table's rows probe this file's part (DuckDB builds its hash table from the part, not
    # from every row the table holds: memory that does not grow with the table).
    con.register("_hashes", pa.table({"h": hashes}))
    try:
        known = _arrow(con.sql(f"select distinct row_hash as h from {sql_table(table)} where compound = $compound"
                               " and row_hash in (select h from _hashes)", params={"compound": compound}))
    finally:
        con.unregister("_hashes")
    if known.num_rows:
        new &= ~pc.is_in(hashes, value_set=known.column("h").combine_chunks()).to_numpy(zero_copy_only=False)
    if seen:
        new &= ~pc.is_in(hashes, value_set=pa.array(list(seen), pa.binary())).to_numpy(zero_copy_only=False)
    return new


def first_of_each(hashes: pa.Array) -> np.ndarray:
    """True for the first occurrence of each value among digests (of equal length)."""
    n = len(hashes)
    first = np.ones(n, dtype=bool)
    if n < 2:
        return first
    hashes = hashes.cast(pa.binary())
    lengths = pc.binary_length(hashes).to_numpy(zero_copy_only=False)
    width = int(lengths[0])
    if hashes.null_count or (lengths != width).any() or width < 8:
        return _first_occurrences(hashes)
    start = np.frombuffer(hashes.buffers()[1], dtype=np.int32)[hashes.offset]
    grid = np.frombuffer(hashes.buffers()[2], dtype=np.uint8)[start:start + n * width].reshape(n, width)
    key = np.ascontiguousarray(grid[:, :8]).view(np.uint64).ravel()  # the first 64 bits, as a number
    codes = _codes(pa.array(key))
    maybe = np.flatnonzero(np.bincount(codes)[codes] > 1)  # a 64-bit prefix seen more than once
    if len(maybe):  # (in order) the full digests decide
        first[maybe[~_first_occurrences(hashes.take(pa.array(maybe)))]] = False
    return first


def _codes(values: pa.Array) -> np.ndarray:
    """Each value's code (equal values, nulls among them, share one), in order of appearance."""
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    return encoded.indices.to_numpy(zero_copy_only=False)


def _first_occurrences(values: pa.Array) -> np.ndarray:
    """True where a value (nulls one value) appears for the first time."""
    codes = _codes(values)
    first = np.zeros(len(codes), dtype=bool)
    first[np.unique(codes, return_index=True)[1]] = True
    return first


def _arrow(relation) -> pa.Table:
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()
