"""The row rules of every kind, once, for both import paths.

Per kind: how each column's cell parses (a parser per contract column type, chosen from the
contract), which cells must be there, and the steps after the cells: the checks across columns
and the derived columns (a shift's end past midnight, a seal's floors, a building's floor count),
then for updatable kinds the checks of the record as an update would leave it. Pure: the
registers, the year and the date window come in a Context; nothing here reads the store.

The per-row path (Importer) reads a row with `parse_cells` and `finish`. The column-at-a-time
path (fastparse) reads the same cells and steps through `parse_part`, once per distinct value
of a group of columns (`plan` groups the columns a rule reads together), and applies the few
steps it runs on whole columns (a date-time not before another) through the same `violated`.
A row it cannot pass goes to the per-row path, which gives the rejection. So a rule has one
definition and both paths run it.

A row's identity (`row_hash`) is its parsed values: what was typed, not what a register said.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import ClassVar

import numpy as np

from sitrep.ingest import parse as P
from sitrep.ingest.contract import KINDS, TEXT_MAX_CHARS, Column, Kind


class RowError(Exception):
    """A rejected row: the reason's code (catalog key reason.<code>), the column and the value."""

    def __init__(self, code: str, column: str | None, value, **details):
        super().__init__(code)
        self.code, self.column, self.value, self.details = code, column, value, details


@dataclass(frozen=True)
class Window:
    """The compound's plausible dates, first and last day included (queries/rules/compound_window.sql
    says how they are chosen)."""
    first: date
    last: date

    @cached_property
    def _bounds(self) -> tuple[datetime, datetime]:
        return datetime.combine(self.first, time()), datetime.combine(self.last + timedelta(days=1), time())

    def contains(self, value):
        """For a date, a date-time, or a datetime64[us] array (NaT: False)."""
        start, end = self._bounds
        if isinstance(value, np.ndarray):
            start, end = np.datetime64(start, "us"), np.datetime64(end, "us")
        elif not isinstance(value, datetime):
            value = datetime.combine(value, time())
        return (value >= start) & (value < end)


@dataclass(frozen=True)
class Context:
    """What a row's rules read besides the row: the compound's year (dates typed without one),
    its date window, and the buildings register (building -> floors)."""
    year: int | None
    window: Window
    floors: Mapping[str, int]


# ---------------------------------------------------------------- identity

# 1: hashed the volunteer_id the register gave, and blank fields as None; 2: the same SHA-1 as now,
# stored as 40 hex characters (VARCHAR), which DuckDB spent 0.7 s per million rows compressing
# on insert (BENCHMARKS.md, issue 13 third round); 3: its 20 bytes (BLOB, stored uncompressed).
IDENTITY_VERSION = 3


def hash_part(key: str, value) -> str:
    """One `key=value` part of a row's identity."""
    return f"{key}={value.isoformat() if isinstance(value, (date, datetime)) else value!r}"


def row_hash(kind: str, compound: str, rec: dict) -> bytes:
    """Identity of a row's parsed values (not its file or row number): equal values, equal hash,
    the SHA-1 digest (20 bytes) of their text. A field without a value (None) is left out, as a
    blank cell is. (fastparse builds the same text column-wise from hash_part, and DuckDB's
    `unhex(sha1(text))` gives the same bytes.)"""
    parts = [kind, compound]
    for key, value in sorted({**rec, "compound": compound}.items()):
        if value is not None and key != "row_hash":
            parts.append(hash_part(key, value))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()


# ---------------------------------------------------------------- cells

@dataclass(frozen=True)
class Type:
    """How a cell of a contract column type reads: its parser (cell, value, context) -> fields,
    or None when another rule reads it (a quantity with its unit)."""
    parse: Callable[[Cell, object, Context], dict] | None
    fields: tuple[str, ...] | None = None  # the fields it writes (None: the column's own)
    in_register: bool = False   # the building it names must be in the buildings register
    dated: bool = False         # its value lies in the compound's window
    instants: bool = False      # date-times: the column-at-a-time path reads canonical ones vectorised
    names_volunteer: bool = False  # resolved to the register's volunteer_id in SQL at load


def _room(cell, value, ctx):
    floor, room = P.parse_room(value)
    return {"floor": floor, "room": room}


def _address(cell, value, ctx):
    building, unit, floor, room = P.parse_address(value)
    return {"building": building, "unit": unit, "floor": floor, "room": room}


QUANTITY, UNIT = Type(None, fields=()), Type(None, fields=())  # read together (QuantityCell)
TYPES: dict[str, Type] = {
    "text": Type(lambda cell, value, ctx: {cell.name: P.normalise(value)}),
    "building": Type(lambda cell, value, ctx: {cell.name: P.parse_building(value)}, in_register=True),
    "room": Type(_room, fields=("floor", "room")),
    "address": Type(_address, fields=("building", "unit", "floor", "room"), in_register=True),
    "int": Type(lambda cell, value, ctx: {cell.name: P.parse_int(value)}),
    "float": Type(lambda cell, value, ctx: {cell.name: P.parse_number(value)}),
    "temp": Type(lambda cell, value, ctx: {cell.name: P.parse_temperature(value)}),
    "bool": Type(lambda cell, value, ctx: {cell.name: P.parse_bool(value)}),
    "date": Type(lambda cell, value, ctx: {cell.name: P.parse_date(value, ctx.year)}, dated=True),
    "time": Type(lambda cell, value, ctx: {cell.name: P.parse_time(value)}),
    "datetime": Type(lambda cell, value, ctx: {cell.name: P.parse_datetime(value, ctx.year)},
                     dated=True, instants=True),
    "floors": Type(lambda cell, value, ctx: {"floor_list": P.parse_floors(value)}, fields=("floor_list",)),
    "volref": Type(lambda cell, value, ctx: {cell.name: P.normalise(value)}, names_volunteer=True),
    "code": Type(lambda cell, value, ctx: {cell.name: P.parse_code(value, cell.domain)}),
    "list": Type(lambda cell, value, ctx: {cell.name: P.parse_list(value, cell.domain)}),
    "quantity": QUANTITY,
    "unit": UNIT,
}


class Check:
    """A check of a cell's parsed fields, right after the cell is read (column: the cell's).
    One `on_columns` has `holds`, which decides on one value and on a whole column alike."""
    on_columns = False

    def __call__(self, column: str, fields: dict, value, ctx: Context) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class InRange(Check):
    """The contract's range of a number column (Column.range), bounds included."""
    low: float
    high: float
    on_columns = True

    def holds(self, value, ctx: Context):
        return (self.low <= value) & (value <= self.high)

    def __call__(self, column, fields, value, ctx):
        if not self.holds(fields[column], ctx):
            raise RowError("out_of_range", column, value, low=f"{self.low:,g}", high=f"{self.high:,g}")


@dataclass(frozen=True)
class InWindow(Check):
    """Every date and date-time lies in the compound's window."""
    on_columns = True

    def holds(self, value, ctx: Context):
        return ctx.window.contains(value)

    def __call__(self, column, fields, value, ctx):
        if not self.holds(fields[column], ctx):
            raise RowError("outside_window", column, value, first=ctx.window.first.isoformat(),
                           last=ctx.window.last.isoformat())


class Step:
    """A rule after the cells, on the row's record: a check across columns or a derived column.
    `reads` and `writes` name the fields it uses (the column-at-a-time path parses the columns
    behind them together); apply returns the record's records (a seal row may make several)."""
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()
    codes: ClassVar[tuple[str, ...]] = ()   # the rejections it gives
    on_columns = False            # the column-at-a-time path may apply it to whole columns (violated)

    def apply(self, rec: dict, raw: dict, ctx: Context) -> list[dict]:
        raise NotImplementedError


@dataclass(frozen=True)
class InRegister(Check, Step):
    """The building named is in the buildings register, and the floor (if any) is one it has.
    A check of an address or building cell, or a step reported on another column (`reported`)."""
    reported: str | None = None
    reads: ClassVar[tuple[str, ...]] = ("building", "floor")
    codes: ClassVar[tuple[str, ...]] = ("unknown_building", "floor_too_high")

    def __call__(self, column, fields, value, ctx):
        self._check(fields, column, value, ctx)

    def apply(self, rec, raw, ctx):
        self._check(rec, self.reported, raw.get(self.reported), ctx)
        return [rec]

    @staticmethod
    def _check(fields: dict, column: str | None, value, ctx: Context) -> None:
        building, floor = fields.get("building"), fields.get("floor")
        if building is None:
            return
        floors = ctx.floors.get(building)
        if floors is None:
            raise RowError("unknown_building", column, value, building=building)
        if floor is not None and floor > floors:
            raise RowError("floor_too_high", column, value, floor=floor, floors=floors)


@dataclass(frozen=True)
class Cell:
    """One column's cell: at most TEXT_MAX_CHARS characters; blank, or parsed by its type and checked."""
    column: Column
    type: Type
    domain: str           # of a code: or list: column
    checks: tuple[Check, ...]

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column.name,)

    @property
    def writes(self) -> tuple[str, ...]:
        return self.type.fields if self.type.fields is not None else (self.column.name,)

    def read(self, raw: dict, rec: dict, ctx: Context) -> None:
        value = raw.get(self.name)
        if isinstance(value, str) and len(value) > TEXT_MAX_CHARS:
            raise RowError("too_long", self.name, value, limit=f"{TEXT_MAX_CHARS:,}")
        if self.type.parse is None or P.is_blank(value):
            return
        try:
            fields = self.type.parse(self, value, ctx)
        except P.ParseError as err:
            raise RowError(err.code, self.name, value, **err.details) from None
        for check in self.checks:
            check(self.name, fields, value, ctx)
        rec.update(fields)


@dataclass(frozen=True)
class QuantityCell:
    """A quantity with its unit (`20斤`, or 20 and 斤 in the unit column): quantity, unit and kg
    (kg when the unit is known); read after the other cells. A unit alone is kept as typed."""
    quantity: Column
    unit: Column
    range: InRange | None

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.quantity.name, self.unit.name)

    @property
    def writes(self) -> tuple[str, ...]:
        return (self.quantity.name, self.unit.name, "kg")

    def read(self, raw: dict, rec: dict, ctx: Context) -> None:
        value, unit = raw.get(self.quantity.name), raw.get(self.unit.name)
        if not P.is_blank(value):
            try:
                number, typed_unit, kg = P.parse_quantity(value, unit)
            except P.ParseError as err:
                raise RowError(err.code, self.quantity.name, value, **err.details) from None
            fields = {self.quantity.name: number, self.unit.name: typed_unit, "kg": kg}
            if self.range is not None:
                self.range(self.quantity.name, fields, value, ctx)
            rec.update(fields)
        elif not P.is_blank(unit):
            rec[self.unit.name] = P.normalise(unit)


@dataclass(frozen=True)
class Required:
    """A required column: blank is missing, unless every alternative is filled (地址 or 楼栋 + 房号)."""
    column: str
    alternatives: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column, *self.alternatives)

    def missing(self, raw: dict) -> bool:
        if not P.is_blank(raw.get(self.column)):
            return False
        return not (self.alternatives and all(not P.is_blank(raw.get(a)) for a in self.alternatives))


# ---------------------------------------------------------------- steps

@dataclass(frozen=True)
class Default(Step):
    """A field's value when its cell is blank (a register row replaces the whole record)."""
    name: str
    value: object

    @property
    def writes(self):
        return (self.name,)

    def apply(self, rec, raw, ctx):
        rec.setdefault(self.name, self.value)
        return [rec]


@dataclass(frozen=True)
class UnitNumber(Step):
    """A household's unit without 单元 (`1单元` is unit 1)."""
    reads: ClassVar[tuple[str, ...]] = ("unit",)
    writes: ClassVar[tuple[str, ...]] = ("unit",)

    def apply(self, rec, raw, ctx):
        if rec.get("unit") is not None:
            rec["unit"] = P.normalise(rec["unit"]).removesuffix("单元")
        return [rec]


@dataclass(frozen=True)
class ShiftTimes(Step):
    """A shift's start and end as date-times on its date, and its hours; an end before the start
    means the shift ran past midnight."""
    reads: ClassVar[tuple[str, ...]] = ("date", "start", "end")
    writes: ClassVar[tuple[str, ...]] = ("start", "end", "hours")

    def apply(self, rec, raw, ctx):
        start = datetime.combine(rec["date"], rec["start"])
        end = datetime.combine(rec["date"], rec["end"])
        if end <= start:
            end += timedelta(days=1)
        rec["start"], rec["end"] = start, end
        rec["hours"] = round((end - start).total_seconds() / 3600, 2)
        return [rec]


@dataclass(frozen=True)
class FloorList(Step):
    """A seal row makes one record per floor it names (blank: the whole building, floor None)."""
    reads: ClassVar[tuple[str, ...]] = ("floor_list",)
    writes: ClassVar[tuple[str, ...]] = ("floor",)

    def apply(self, rec, raw, ctx):
        floors = rec.pop("floor_list", [None])
        return [{**rec, "floor": floor} for floor in floors]


@dataclass(frozen=True)
class NotBefore(Step):
    """`later`, when given, is not before `earlier` (returned after departing, an end after its
    start). The same `violated` decides on one row and on whole columns."""
    later: str
    earlier: str
    code: str
    on_columns = True

    @property
    def reads(self):
        return (self.later, self.earlier)

    @property
    def codes(self):
        return (self.code,)

    def violated(self, later, earlier):
        """For values or arrays of them (NaT compares False)."""
        return later < earlier

    def apply(self, rec, raw, ctx):
        later, earlier = rec.get(self.later), rec.get(self.earlier)
        if later is not None and earlier is not None and self.violated(later, earlier):
            raise RowError(self.code, self.later, raw.get(self.later))
        return [rec]


@dataclass(frozen=True)
class Requires(Step):
    """`needed` has a value when `when` has one (or, with `equals`, that value)."""
    needed: str
    when: str
    code: str
    reported: str
    equals: str | None = None

    @property
    def reads(self):
        return (self.needed, self.when)

    @property
    def codes(self):
        return (self.code,)

    def apply(self, rec, raw, ctx):
        when = rec.get(self.when)
        if (when is not None if self.equals is None else when == self.equals) and rec.get(self.needed) is None:
            raise RowError(self.code, self.reported, raw.get(self.reported))
        return [rec]


# ---------------------------------------------------------------- per kind

@dataclass(frozen=True)
class Group:
    """Columns the column-at-a-time path parses together, with the rules that read only them."""
    names: tuple[str, ...]
    cells: tuple
    required: tuple[Required, ...]
    steps: tuple[Step, ...]
    instants: Cell | None = None   # one column of date-times: canonical cells read vectorised, then
                                   # its checks' `holds` on the whole column


@dataclass(frozen=True)
class Plan:
    groups: tuple[Group, ...]
    on_columns: tuple[Step, ...]   # steps applied to whole columns of date-times (`violated`)


@dataclass(frozen=True)
class KindRules:
    kind: Kind
    cells: tuple               # Cell per column in the contract's order, then the QuantityCell
    required: tuple[Required, ...]
    steps: tuple[Step, ...]    # after the cells, in order
    state: tuple[Step, ...] = ()   # on the record as an update would leave it (updatable kinds)
    record_id: str | None = None   # an update names its record by this column; its other cells may be blank

    @property
    def state_fields(self) -> tuple[str, ...]:
        """The fields of a record's current state the state checks read."""
        return tuple(dict.fromkeys(f for step in self.state for f in step.reads))

    @property
    def state_codes(self) -> tuple[str, ...]:
        """Rejections that depend on the state of the record (or on which records were known)."""
        return ("missing", *(code for step in self.state for code in step.codes)) if self.record_id else ()

    @cached_property
    def fields(self) -> frozenset[str]:
        """Every field a record of this kind may have (its identity is made of them)."""
        written = [f for rule in (*self.cells, *self.steps) for f in rule.writes]
        return frozenset(written) - {"floor_list"}

    @property
    def columnwise(self) -> bool:
        """Whether the column-at-a-time path may read this kind: its rows are events (no update,
        no register), each one record, nothing depending on an earlier row."""
        return not self.kind.register and self.kind.update_key is None

    # -- the per-row path
    def parse_cells(self, raw: dict, ctx: Context, known_ids: Container | None = None) -> tuple[dict, bool]:
        """The row's cells parsed (the record as typed, without defaults), and whether it updates
        a known record (then only its ID is required). Depends on the row and the registers only,
        not on the state of the record it updates: that is what makes it the row's identity."""
        rec, missing = _read(self.cells, self.required, raw, ctx)
        is_update = self.record_id is not None and known_ids is not None and rec.get(self.record_id) in known_ids
        if missing and not (is_update and self.record_id not in missing):
            raise RowError("missing", missing[0], None)
        return rec, is_update

    def finish(self, rec: dict, raw: dict, ctx: Context) -> list[dict]:
        """The steps: checks across columns and derived columns; the row's records."""
        return _finish(self.steps, rec, raw, ctx)

    def merge(self, state: dict, rec: dict) -> dict:
        """The state fields as this row leaves the record (a blank cell keeps the old value)."""
        return {f: rec[f] if rec.get(f) is not None else state.get(f) for f in self.state_fields}

    def check_state(self, rec: dict, raw: dict, state: dict) -> dict:
        """Check the record as this row leaves it (state: its current fields, {} for a new one)."""
        merged = self.merge(state, rec)
        _finish(self.state, merged, raw, None)
        return merged

    # -- the column-at-a-time path
    @cached_property
    def plan(self) -> Plan:
        """Which columns a rule reads together: a cell and the columns it reads, a required column
        and its alternatives, the cells writing one field, a step and the cells behind its fields.
        A check between date-time columns (NotBefore) is applied to whole columns instead."""
        names = [c.name for c in self.kind.columns]
        parent = {n: n for n in names}

        def root(n):
            while parent[n] != n:
                n = parent[n]
            return n

        def join(columns):
            columns = list(columns)
            for other in columns[1:]:
                parent[root(other)] = root(columns[0])

        behind: dict[str, list[str]] = {}   # field -> the columns whose cells write it
        for cell in self.cells:
            join(cell.reads)
            for f in cell.writes:
                behind.setdefault(f, []).extend(cell.reads)
        for req in self.required:
            join(req.reads)
        for columns in behind.values():
            join(columns)
        # A canonical date-time read vectorised stands in for its cell's parser (a property test
        # proves them equal) and its required test (it is not blank): so only a column whose
        # required test is "not blank" (no alternatives) and whose checks all have `holds`.
        instants = {c.name: c for c in self.cells if isinstance(c, Cell) and c.type.instants
                    and behind[c.name] == [c.name] and all(ch.on_columns for ch in c.checks)
                    and not any(r.alternatives for r in self.required if r.column == c.name)}
        on_columns = tuple(s for s in self.steps if s.on_columns and set(s.reads) <= set(instants))

        def columns_of(step):
            return [c for f in (*step.reads, *step.writes) for c in behind.get(f, ())]

        steps = [s for s in self.steps if s not in on_columns]
        for step in steps:
            join(columns_of(step))
        groups = []
        for name in names:
            if root(name) != name:
                continue
            members = tuple(n for n in names if root(n) == name)
            solo = instants.get(name) if members == (name,) else None
            groups.append(Group(
                members, tuple(c for c in self.cells if set(c.reads) <= set(members)),
                tuple(r for r in self.required if r.column in members),
                tuple(s for s in steps if set(columns_of(s)) & set(members)), solo))
        # every rule in exactly one group, or applied to whole columns of date-times: none is left out
        solo = {g.instants.name for g in groups if g.instants is not None}
        assert all(set(s.reads) <= solo for s in on_columns), on_columns
        for rule in (*self.cells, *self.required, *steps):
            assert sum(rule in g.cells or rule in g.required or rule in g.steps for g in groups) == 1, rule
        return Plan(tuple(groups), on_columns)

    def parse_part(self, group: Group, values: tuple, ctx: Context) -> dict | None:
        """Some columns of a row parsed as the per-row path parses them (the same cells, required
        columns and steps): their part of the record, or None when the row would be rejected for
        them. None too on anything unexpected: such rows go through the per-row path, which decides."""
        raw = dict(zip(group.names, values, strict=True))
        try:
            rec, missing = _read(group.cells, group.required, raw, ctx)
            if missing:
                return None
            (rec,) = _finish(group.steps, rec, raw, ctx)
        except Exception:  # noqa: BLE001 - RowError, or a surprise: the per-row path decides
            return None
        return rec

    def all_rules(self) -> list:
        """Every rule of the kind, each check once per cell it checks (for the tests that
        exercise each one on both paths)."""
        checks = [ch for c in self.cells for ch in (c.checks if isinstance(c, Cell) else (c.range,)) if ch]
        return [*self.cells, *checks, *self.required, *self.steps, *self.state]


def _read(cells, required, raw: dict, ctx: Context) -> tuple[dict, list[str]]:
    rec: dict = {}
    for cell in cells:
        cell.read(raw, rec, ctx)
    return rec, [r.column for r in required if r.missing(raw)]


def _finish(steps, rec: dict, raw: dict, ctx) -> list[dict]:
    records = [rec]
    for step in steps:
        records = [out for r in records for out in step.apply(r, raw, ctx)]
    return records


# What each kind adds to the cells its contract gives.
@dataclass(frozen=True)
class _Extra:
    steps: tuple[Step, ...] = ()
    state: tuple[Step, ...] = ()
    record_id: str | None = None
    own_register: bool = False   # the buildings register itself: its buildings are not looked up


EXTRA: dict[str, _Extra] = {
    "buildings": _Extra(steps=(Default("units", 1),), own_register=True),
    "households": _Extra(steps=(InRegister(reported="room"), UnitNumber())),
    "volunteers": _Extra(),
    "shifts": _Extra(steps=(ShiftTimes(),)),
    # 楼栋 + 房号 instead of 地址: the room's floor is one the building has
    "deliveries": _Extra(steps=(InRegister(reported="room"),)),
    "medicine_requests": _Extra(record_id="request_id", state=(
        Requires("fulfilled_at", when="status", equals="delivered", code="delivered_without_time",
                 reported="fulfilled_at"),
        NotBefore("fulfilled_at", "requested_at", "delivered_before_request"))),
    "screenings": _Extra(),
    "cases": _Extra(record_id="case_id", state=(
        Requires("outcome", when="outcome_on", code="outcome_date_without_outcome", reported="outcome_on"),
        NotBefore("outcome_on", "reported_on", "outcome_before_report"))),
    "seals": _Extra(steps=(FloorList(), InRegister(reported="floors"),
                           NotBefore("sealed_until", "sealed_from", "end_before_start"))),
    "vehicle_trips": _Extra(steps=(NotBefore("returned_at", "departed_at", "return_before_departure"),)),
}


def column_type(column: Column) -> tuple[Type, str]:
    """The column's Type and its code domain (`code:group` -> TYPES['code'], 'group')."""
    base, _, domain = column.type.partition(":")
    return TYPES[base], domain


def _kind_rules(kind: Kind, extra: _Extra) -> KindRules:
    cells: list = []
    quantity = unit = None
    for column in kind.columns:
        kind_type, domain = column_type(column)
        checks: list[Check] = []
        if column.range is not None and kind_type.parse is not None:
            checks.append(InRange(*column.range))
        if kind_type.dated:
            checks.append(InWindow())
        if kind_type.in_register and not extra.own_register:
            checks.append(InRegister())
        cells.append(Cell(column, kind_type, domain, tuple(checks)))
        if kind_type is QUANTITY:
            quantity = column
        elif kind_type is UNIT:
            unit = column
    if quantity is not None:
        cells.append(QuantityCell(quantity, unit, InRange(*quantity.range) if quantity.range else None))
    required = tuple(Required(c.name, kind.alternatives.get(c.name, ())) for c in kind.columns if c.required)
    return KindRules(kind, tuple(cells), required, extra.steps, extra.state, extra.record_id)


RULES: dict[str, KindRules] = {name: _kind_rules(kind, EXTRA[name]) for name, kind in KINDS.items()}


def volunteer_column(kind: str) -> str | None:
    """The column naming a volunteer (resolved to the register's volunteer_id at load), if any."""
    return next((c.name for c in RULES[kind].cells if isinstance(c, Cell) and c.type.names_volunteer), None)
