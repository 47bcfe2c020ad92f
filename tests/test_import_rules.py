"""Every row rule (sitrep/ingest/rules.py) has one definition, and both import paths run it.

For every kind, a row breaking each rule of the kind is rejected with that rule's reason, word
for word the same on the per-row path and (for the kinds it reads) the column-at-a-time path;
a rule that derives a column gives the same value on both. And a rule changed to reject
everything rejects the same rows on both paths: the fast path has no copy of a rule that a
change could miss (it used to skip the vehicle-trip check of the per-row path's finish)."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from functools import wraps

import numpy as np
import pytest

from sitrep import store
from sitrep.ingest import rules as R
from sitrep.ingest.contract import CODES, KINDS, LOAD_ORDER, OPEN_DOMAINS
from sitrep.ingest.importer import import_files
from sitrep.ingest.templates import EXAMPLES

from . import sheets
from .sheets import C, copy_store, dump

COLUMNWISE = [k for k in LOAD_ORDER if R.RULES[k].columnwise]
# A cell each type's parser refuses, and the reason (text and volref take any text; an open
# code domain keeps unknown text as typed).
BAD_CELL = {"building": ("?5", "bad_building"), "room": ("13", "bad_room"), "address": ("B5", "bad_address"),
            "int": ("x", "bad_number"), "float": ("x", "bad_number"), "temp": ("x", "bad_number"),
            "bool": ("也许", "bad_bool"), "date": ("2020-02-30", "bad_date"), "time": ("25:00", "bad_time"),
            "datetime": ("2020-02-10 25:00", "bad_datetime"), "floors": ("x", "bad_floors"),
            "code": ("乱码", "unknown_code"), "list": ("乱码", "unknown_code")}
# Rows breaking a step that checks the register from another column than the cell's.
REGISTER_STEP = {"households": {"room": "9901"},                                 # floor 99 of B5's 33
                 "deliveries": {"address": "", "building": "B5", "room": "9901"},
                 "seals": {"floors": "40"}}
# Rows a deriving step changes, and what it makes of them (a field of the kind's table).
DERIVED = {R.ShiftTimes: ("shifts", {"start": "20:00", "end": "08:00"}, "hours", 12.0),  # past midnight
           R.Default: ("buildings", {"building": "A2", "units": ""}, "units", 1),
           R.UnitNumber: ("households", {"unit": "2单元", "room": "0302"}, "unit", "2"),
           R.FloorList: ("seals", {"floors": "2-4"}, "floor", 4)}


def violations(kind: str) -> list[tuple[object, dict, str | None]]:
    """(rule, the cells changed from the kind's template row, the reason expected), for every
    rule of the kind; a deriving step's row is accepted (reason None)."""
    rules = R.RULES[kind]
    out = []
    for cell in rules.cells:
        if isinstance(cell, R.QuantityCell):
            out.append((cell, {cell.quantity.name: "x"}, "bad_quantity"))
            if cell.range:
                out.append((cell.range, {cell.quantity.name: f"{cell.range.high + 1:g}"}, "out_of_range"))
            continue
        out.append((cell, {cell.name: "x" * 1001}, "too_long"))
        base = cell.column.type.partition(":")[0]
        if base in BAD_CELL and cell.domain not in OPEN_DOMAINS:
            value, code = BAD_CELL[base]
            out.append((cell, {cell.name: value}, "unknown_group" if cell.domain == "group" else code))
        for check in cell.checks:
            if isinstance(check, R.InRange):
                out.append((check, {cell.name: f"{check.high + 1:g}"}, "out_of_range"))
            elif isinstance(check, R.InWindow):
                out.append((check, {cell.name: "1900-01-01" if base == "date" else "1900-01-01 08:00"},
                            "outside_window"))
            elif isinstance(check, R.InRegister):
                out.append((check, {cell.name: "Z9" if base == "building" else "Z9-0101"}, "unknown_building"))
                if base == "address":
                    out.append((check, {cell.name: "B5-9901"}, "floor_too_high"))
    for required in rules.required:
        out.append((required, dict.fromkeys(required.reads, ""), "missing"))
    for step in (*rules.steps, *rules.state):
        if isinstance(step, R.NotBefore):
            earlier = EXAMPLES[kind][step.earlier]
            later = "2020-02-09" if len(str(earlier)) == 10 else "2020-02-09 08:00"
            out.append((step, {step.later: later}, step.code))
        elif isinstance(step, R.Requires):
            assert EXAMPLES[kind][step.when], step  # the template row has it; take the needed cell away
            out.append((step, {step.needed: ""}, step.code))
        elif isinstance(step, R.InRegister):
            out.append((step, REGISTER_STEP[kind], "floor_too_high"))
        else:
            derived_kind, cells, _, _ = DERIVED[type(step)]
            assert derived_kind == kind
            out.append((step, cells, None))
    return out


def rows_of(kind: str) -> list[dict]:
    """The template row, then one row per violation; a row of an updatable kind gets its own ID
    (a new record, not an update of the template's), and then an update breaking each state
    check against the record as stored by an earlier row (not the row's own cells)."""
    rules = R.RULES[kind]
    rows = [dict(EXAMPLES[kind])]
    for i, (_, changes, _) in enumerate(violations(kind)):
        row = {**EXAMPLES[kind], **changes}
        if rules.record_id and rules.record_id not in changes:
            row[rules.record_id] = f"X{i}"
        rows.append(row)
    return rows


def write_csv(path, kind: str, rows: list[dict]):
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.zh for c in KINDS[kind].columns])
    for row in rows:
        writer.writerow(["" if row.get(c.name) is None else row[c.name] for c in KINDS[kind].columns])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    """The templates' little compound: building B5 (33 floors), its household 1302, volunteer V001."""
    folder = tmp_path_factory.mktemp("registers")
    paths = [write_csv(folder / f"{kind}.csv", kind, [EXAMPLES[kind]]) for kind in ("buildings", "households", "volunteers")]
    results = import_files(paths, store=folder / "store", compound=C, year=2020)
    assert [(r.accepted, r.rejected) for r in results] == [(1, 0)] * 3
    return folder / "store"


def both_paths(registers, folder, path, kind):
    """Import the file into a copy of the registers with the fast path on and off: the results
    and every table must be the same; returns the result and the store."""
    out = []
    for fast in (True, False):
        target = copy_store(registers, folder / f"store-{fast}")
        with sheets.fast_path(fast):
            (result,) = import_files([path], store=target, compound=C, year=2020, kind=kind)
        assert result.refused is None, result.refused
        out.append(((result.rows_read, result.accepted, result.rejected, result.duplicates,
                     [(r["row_number"], r["column"], r["value"], r["reason_code"], r["reason_en"])
                      for r in result.rejections]), dump(target), target))
    assert out[0][:2] == out[1][:2]
    return out[1][0], out[1][2]


@pytest.mark.parametrize("kind", LOAD_ORDER)
def test_a_row_breaking_each_rule_is_rejected_for_it_the_same_way_on_both_paths(registers, tmp_path, kind):
    cases = violations(kind)
    exercised = {id(rule) for rule, _, _ in cases}
    assert [r for r in R.RULES[kind].all_rules() if id(r) not in exercised] == []  # every rule of the kind
    path = write_csv(tmp_path / f"{kind}.csv", kind, rows_of(kind))
    (read, accepted, rejected, duplicates, rejections), store_path = both_paths(registers, tmp_path, path, kind)
    got = {row: code for row, _, _, code, _ in rejections}
    # row 2 is the template row (a register's is already in the store); row i + 3 breaks rule i
    assert got == {i + 3: code for i, (_, _, code) in enumerate(cases) if code is not None}
    assert read == len(cases) + 1 and rejected == len(got)
    for rule, _, code in cases:
        if code is None:  # a deriving step: its value, on both paths (both_paths compared the tables)
            _, _, field, value = DERIVED[type(rule)]
            con = store.connect_readonly(store.current_path(store_path))
            try:
                assert value in [r[0] for r in con.execute(f'select "{field}" from {kind}').fetchall()]
            finally:
                con.close()


@pytest.mark.parametrize("kind", [k for k in LOAD_ORDER if R.RULES[k].state])
def test_an_update_is_checked_against_the_record_it_leaves(registers, tmp_path, kind):
    """The state checks read the record as stored or updated earlier in the import, merged with
    the update's cells (a blank keeps the old value)."""
    rules = R.RULES[kind]
    base = {**EXAMPLES[kind], rules.record_id: "U1"}  # U1 without what the checks need, then updates
    needs = [step for step in rules.state if isinstance(step, R.Requires)]
    for step in needs:
        domain = KINDS[kind].column(step.when).type.partition(":")[2]
        base[step.needed] = ""
        base[step.when] = "" if step.equals is None else next(
            labels[0] for code, labels in CODES[domain].items() if code != step.equals)
    rows = [base]
    for step in rules.state:  # an update of U1 breaking the check only with U1's stored values
        if isinstance(step, R.Requires):
            rows.append({rules.record_id: "U1", step.when: EXAMPLES[kind][step.when]})
        else:
            rows.append({rules.record_id: "U1", step.later: "2020-02-09",
                         **{n.needed: EXAMPLES[kind][n.needed] for n in needs if n.when == step.later}})
    path = write_csv(tmp_path / f"{kind}.csv", kind, rows)
    (_, accepted, _, _, rejections), _ = both_paths(registers, tmp_path, path, kind)
    assert accepted == 1
    assert [(row, code) for row, _, _, code, _ in rejections] == [
        (i + 3, step.code) for i, step in enumerate(rules.state)]


# -- a rule changed is changed on both paths ---------------------------------------------------

def break_rule(monkeypatch, rule, step: bool) -> None:
    """Make this one rule refuse everything, through the method its class gives both paths: a
    check's `holds` and a step's `violated` where the fast path applies them to whole columns,
    else the method that applies it to a row."""
    def swap(name, make):
        original = getattr(type(rule), name)

        @wraps(original)
        def method(self, *args):
            return make(*args) if self is rule else original(self, *args)
        monkeypatch.setattr(type(rule), name, method)

    def refuse(*args):
        raise R.RowError("unknown_code", None, None)

    if step:  # (InRegister is a check of a cell and a step too)
        if rule.on_columns:
            swap("violated", lambda later, earlier: np.ones(np.shape(later), bool) if isinstance(later, np.ndarray) else True)
        else:
            swap("apply", refuse)
    elif isinstance(rule, R.Check) and rule.on_columns:
        swap("holds", lambda value, ctx: np.zeros(np.shape(value), bool) if isinstance(value, np.ndarray) else False)
    elif isinstance(rule, R.Check):
        swap("__call__", refuse)
    elif isinstance(rule, R.Required):
        swap("missing", lambda raw: True)
    else:
        swap("read", refuse)


ALTERNATIVE_CELLS = {"building": "B5", "room": "1302"}


def good_rows(kind: str) -> list[dict]:
    """The template row and variants of it (other days and times, canonical and typed; 楼栋 +
    房号 instead of 地址)."""
    rows = []
    for day in range(10, 14):
        row = {name: value.replace("2020-02-10", f"2020-02-{day}") if isinstance(value, str) else value
               for name, value in EXAMPLES[kind].items()}
        if day % 2:  # typed as people type: the date-times go through the parser, not the vectorised form
            for column in KINDS[kind].columns:
                if column.type == "datetime" and row.get(column.name):
                    stamp = datetime.strptime(row[column.name], "%Y-%m-%d %H:%M")
                    row[column.name] = f"2020年{stamp.month}月{stamp.day}日 {stamp.hour}:{stamp.minute:02d}"
        rows.append(row)
    for column, alternatives in KINDS[kind].alternatives.items():  # 楼栋 + 房号 for 地址, another day
        rows.append({**rows[0], column: "", **{a: ALTERNATIVE_CELLS[a] for a in alternatives},
                     "delivered_at": "2020-02-14 08:30"})
    return rows


@pytest.mark.parametrize("kind", COLUMNWISE)
def test_a_rule_changed_changes_both_paths(registers, tmp_path, monkeypatch, kind):
    """Each rule of a kind the fast path reads, made to refuse everything: the same rows are
    rejected on both paths, and some are (so the fast path did ask the rule). Not the parser and
    the required test of a date-time column: for a cell in the canonical form the fast path reads
    it vectorised instead, proved equal to parse_datetime (test_import_fast), and not blank."""
    rows = good_rows(kind)
    path = write_csv(tmp_path / f"{kind}.csv", kind, rows)
    (_, accepted, rejected, _, _), _ = both_paths(registers, tmp_path / "good", path, kind)
    assert (accepted, rejected) == (len(rows), 0)
    instants = [g.instants for g in R.RULES[kind].plan.groups if g.instants is not None]
    for i, rule in enumerate(R.RULES[kind].all_rules()):
        if rule in instants or isinstance(rule, R.Required) and rule.column in {c.name for c in instants}:
            continue
        with monkeypatch.context() as patch:
            break_rule(patch, rule, step=any(rule is s for s in R.RULES[kind].steps))
            (_, accepted, rejected, _, _), _ = both_paths(registers, tmp_path / f"rule{i}", path, kind)
        assert rejected > 0, rule


def test_the_fast_path_reads_the_log_kinds_and_its_groups_come_from_the_rules():
    """The kinds whose rows are events; every other kind is read row by row because its rows
    depend on earlier rows (updates fold in order, register keys replace in order)."""
    assert COLUMNWISE == ["shifts", "deliveries", "screenings", "vehicle_trips"]
    groups = {k: [g.names for g in R.RULES[k].plan.groups if len(g.names) > 1] for k in COLUMNWISE}
    assert groups == {"shifts": [("date", "start", "end")],                       # ShiftTimes
                      "deliveries": [("address", "building", "room"), ("quantity", "qty_unit")],
                      "screenings": [], "vehicle_trips": []}
    assert R.RULES["vehicle_trips"].plan.on_columns == (
        R.NotBefore("returned_at", "departed_at", "return_before_departure"),)


def test_every_contract_column_type_has_a_parser():
    for kind in KINDS.values():
        for column in kind.columns:
            kind_type, domain = R.column_type(column)
            assert kind_type in R.TYPES.values()
            assert (domain in CODES) == (":" in column.type), column
