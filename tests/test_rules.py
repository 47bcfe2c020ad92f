"""The shared rules (queries/rules/*.sql): a known answer for every macro on a tiny store built
by the real importer from tests/fixture_rules/*.csv, worked out by hand from those rows.

The store (compound 规则小区, lockdown from 02-03, reopened 02-10):
- Buildings: R1 3 floors, 2 units; R2 2 floors, 1 unit; R3 2 floors, no unit count.
- Households: R1 1-101, 2-101 (the same room in two units), 1-201, 1-301; R2 101, 201; R3 101
  (no unit).
- Seals: R1 whole 02-04 until 02-06 (lifted that day); R1 floor 3 02-05 until 02-08 (under the
  whole-building seal on 02-05); R2 floor 2 from 02-05, never lifted.
- Cases: K1 R1-0101 suspected 02-04, confirmed 02-05; K2 R2-201 suspected 02-05, ruled out
  02-07 (an update without a report date); K3 R3-101 asymptomatic 02-06, then confirmed by an
  update without a report date (so from the first report, 02-06).
- Deliveries: 02-03 09:00 R1-0101 (no unit); 02-04 00:00 R2-0201; 02-05 10:00 R1 unit 2 0101;
  02-05 23:59 R1-0301.
- Screenings: 02-05 R1 unit 1 0101 37.3 (fever: at the threshold), R2-201 36.8; 02-06 R1-0101
  (no unit) 37.2.
- Medicine: Q1 urgent 02-05 22:30 open (due 02-06 00:30); Q2 normal 02-04 10:00 in progress,
  delivered 02-05 10:00 (24 h: at the target); Q3 normal 02-05 08:00 cancelled; Q4 urgent
  02-05 09:00 "in progress" with a delivery time 12:00 (3 h); Q5 normal 02-06 08:00 "cancelled"
  with a delivery time 09:00 (1 h).
- Shifts: V1 (张一) 4 h delivery in R1 every day 02-01..02-07 and on 02-09; V2 (李二) guard R1
  02-05 07-18 (11 h) and 02-06 07-08 (1 h), data entry 02-06 (2 h, no building); 路人甲 (not in
  the register) guard R2 02-06 20:00-06:00 (10 h, counted on 02-06).
- Trips: 02-05 08:00-09:30 R1-0101; 02-05 13:00 no address, not back; 02-06 23:30 R2-0201,
  back 02-07 00:20.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from sitrep import config
from sitrep.store.queries import create_rules, rules, rules_for

from .conftest import REPO, clean_import, readonly

C = "规则小区"
FEVER_C = config.FEVER_C                       # 37.3
TARGETS = (2, 24)                              # urgent, normal hours (config.MEDICINE_TARGET_HOURS)


def d(day: int) -> date:
    return date(2020, 2, day)


def at(day: int, clock: str) -> datetime:
    return datetime.fromisoformat(f"2020-02-{day:02d} {clock}")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_rules")
    yield from readonly(clean_import(folder, REPO / "tests" / "fixture_rules", C,
                                     lockdown_from=d(3), lockdown_until=d(10)))


def q(con, sql: str, **params) -> list[tuple]:
    """Rows of `sql` with $c the compound (DuckDB refuses a parameter the text does not use)."""
    create_rules(con)
    params = {k: v for k, v in {"c": C, **params}.items() if re.search(rf"\${k}\b", sql)}
    return con.execute(sql, params).fetchall()


# -- loading ----------------------------------------------------------------------------------

def test_a_query_creates_the_rules_it_calls_once_per_connection_and_writes_nothing(tmp_path):
    import duckdb

    from sitrep.store import queries

    # a snapshot with only the registers a query needs (buildings.sql: the building scope)
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).execute(
        "create table buildings (compound varchar, building varchar, floors integer, units integer);"
        "create table households (compound varchar, building varchar, unit varchar, floor integer,"
        " room varchar, residents integer, vulnerable varchar[]);"
        "insert into buildings values ('x', 'B1', 3, null);"
        "insert into households values ('x', 'B1', null, 1, '101', 2, [])").close()
    before = path.read_bytes()
    assert queries.rules_for(queries.sql("buildings")) == ["building_scope"]
    ro = duckdb.connect(str(path), read_only=True)
    assert queries.run(ro, "buildings", compound="x").values.tolist() == [["B1", 3, 1]]
    ro.execute("drop macro table scoped_buildings")
    queries.create_rules(ro, ["building_scope"])       # remembered: not created again
    with pytest.raises(duckdb.CatalogException):
        ro.execute("select * from scoped_buildings('x', [])")
    cursor = ro.cursor()                               # a cursor is a connection of its own
    assert queries.run(cursor, "buildings", compound="x")["households"].tolist() == [1]
    ro.close()
    assert path.read_bytes() == before


def test_every_rule_is_created_after_the_rules_it_calls(con):
    files = {p.stem: p.read_text(encoding="utf-8") for p in (REPO / "queries" / "rules").glob("*.sql")}
    order = list(rules())
    assert sorted(order) == sorted(files) and all("-- Rule: " in text for text in files.values())
    assert order.index("day_range") < order.index("lockdown_days") < order.index("guard_coverage")
    assert order.index("seals_in_force") < order.index("seal_floors") < order.index("sealed_floor_days") \
        < order.index("sealed_households") < order.index("delivery_gap")
    # a query gets the rules it calls and theirs
    assert set(rules_for("select * from seal_counts_daily($c, [], $f, $t)")) == {
        "building_scope", "day_range", "seals_in_force", "seal_floors", "sealed_floor_days",
        "sealed_households", "seal_counts_daily"}
    # on a snapshot with every table, every macro of every file exists
    defined = {m for text in files.values() for m in re.findall(r"create or replace temp macro (\w+)", text)}
    q(con, "select 1")
    created = {r[0] for r in con.execute(
        "select function_name from duckdb_functions() where database_name = 'temp'").fetchall()}
    assert defined <= created


# -- building scope, days ----------------------------------------------------------------------

def test_building_scope(con):
    assert q(con, "select building, floors from scoped_buildings($c, []) order by 1") == [
        ("R1", 3), ("R2", 2), ("R3", 2)]
    assert q(con, "select building from scoped_buildings($c, ['R2', 'X9'])") == [("R2",)]
    assert q(con, "select building from scoped_buildings('另一个小区', [])") == []
    # no filter: everything counts, also a record without a building; a filter: only its buildings
    assert q(con, "select is_in_scope([], null), is_in_scope(['R2'], 'R2'), "
                  "coalesce(is_in_scope(['R2'], 'R1'), false), coalesce(is_in_scope(['R2'], null), false)") == [
        (True, True, False, False)]
    # households of R1 and R3: 4 + 1; floors 1..floors of every building
    assert q(con, "select count(*) from scoped_households($c, ['R1', 'R3'])") == [(5,)]
    assert q(con, "select building, list(floor order by floor) from scoped_floors($c, ['R1', 'R2']) "
                  "group by building order by building") == [("R1", [1, 2, 3]), ("R2", [1, 2])]


def test_day_range_and_the_days_ending_on_a_day(con):
    assert q(con, "select day from day_range('2020-02-28', '2020-03-01')") == [
        (d(28),), (d(29),), (date(2020, 3, 1),)]             # 2020 is a leap year
    assert q(con, "select * from day_range('2020-02-05', '2020-02-04')") == []
    # 7 days ending on 02-07: 02-01..02-07
    assert q(con, "select days_ending_from(date '2020-02-07', 7)") == [(d(1),)]


def test_compound_window(con):
    # lockdown from 02-03, margin 30 days: 02-03 - 30 = 2020-01-04; to the day after "today"
    assert q(con, "select window_from, window_until from compound_window('2026-11-30', 30, 365)"
                  " where compound = $c") == [(date(2020, 1, 4), date(2026, 12, 1))]


def test_compound_window_without_a_lockdown_or_a_year():
    """The fallbacks, on compounds of a schema of their own: the year's 1 January, then a year
    before today; a compound's own margin wins over the default."""
    import duckdb

    from sitrep.store import SCHEMA

    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.execute("insert into compounds (compound, year, lockdown_from, window_margin_days) values"
                " ('lockdown', 2020, '2020-02-04', null), ('year', 2020, null, null),"
                " ('nothing', null, null, null), ('own margin', 2020, '2020-02-04', 0),"
                " ('odd year', 99999, null, null)")
    create_rules(con, ["compound_window"])
    rows = dict((c, (f, u)) for c, f, u in con.execute(
        "select * from compound_window(date '2026-11-30', 30, 365)").fetchall())
    until = date(2026, 12, 1)                                 # the day after today
    assert rows == {
        "lockdown": (date(2020, 1, 5), until),                # 02-04 - 30 days
        "year": (date(2019, 12, 2), until),                   # 2020-01-01 - 30 days
        "nothing": (date(2025, 10, 31), until),               # 2026-11-30 - 365 = 2025-11-30, - 30 days
        "own margin": (date(2020, 2, 4), until),              # its margin: 0 days
        "odd year": (date(2025, 10, 31), until),              # a year out of 1900-2100: as none
    }
    con.close()


def test_lockdown_days(con):
    # from 02-03 (closed) until the day before 02-10 (reopened)
    assert [r[0] for r in q(con, "select day from lockdown_days($c, '2020-02-01', '2020-02-12')")] == [
        d(n) for n in range(3, 10)]
    # a compound without lockdown dates: every day
    assert len(q(con, "select * from lockdown_days($c, '2020-02-01', '2020-02-02')")) == 0
    assert q(con, "select count(*) from lockdown_days('另一个小区', '2020-02-01', '2020-02-02')") == [(0,)]


# -- shifts, guards, fatigue --------------------------------------------------------------------

def test_shifts_in_scope(con):
    sql = ("select volunteer_key, volunteer_id, name, \"group\", kind, task, building, hours "
           "from shifts_in_scope($c, $b, $f, $t) order by volunteer_key, hours")
    assert q(con, sql, b=[], f=d(6), t=d(6)) == [
        ("V1", "V1", "张一", "supply", "party_member", "delivery", "R1", 4.0),
        ("V2", "V2", "李二", "security", "lei_feng", "guard", "R1", 1.0),
        ("V2", "V2", "李二", "security", "lei_feng", "data_entry", None, 2.0),
        # not in the register: the name as typed is the person, group and kind unresolved;
        # 20:00-06:00 counts on the day it started
        ("路人甲", None, "路人甲", "unresolved", "unresolved", "guard", "R2", 10.0),
    ]
    # a filter keeps only the shifts that name one of its buildings (not V2's data entry)
    assert [r[0] for r in q(con, sql, b=["R2"], f=d(6), t=d(6))] == ["路人甲"]
    # no start: from the first shift
    assert q(con, "select day from shifts_in_scope($c, [], null, '2020-02-02') order by 1") == [
        (d(1),), (d(2),)]


def test_guard_coverage(con):
    got = q(con, "select building, day, entrances, guard_shifts, guard_hours, is_covered "
                 "from guard_coverage($c, [], '2020-02-02', '2020-02-06') order by building, day")
    # lockdown days only (02-03..02-06): 3 buildings x 4 days
    assert len(got) == 12 and {r[1] for r in got} == {d(3), d(4), d(5), d(6)}
    covered = {(r[0], r[1]): (r[2], r[3], r[4]) for r in got if r[5]}
    assert covered == {
        ("R1", d(5)): (2, 1, 11.0),       # V2 07-18; R1 has 2 entrances (units)
        ("R1", d(6)): (2, 1, 1.0),        # V2 07-08 (the 2 h of data entry is no guard)
        ("R2", d(6)): (1, 1, 10.0),       # 路人甲, unresolved, still guards
    }
    assert {r[2] for r in got if r[0] == "R3"} == {1}     # no unit count: one entrance
    assert q(con, "select count(*) from guard_coverage($c, ['R3'], '2020-02-02', '2020-02-06') "
                  "where is_covered") == [(0,)]


def fatigue(con, as_of, buildings=(), limits=(10, 7, 60)):
    return {r[0]: r[1:] for r in q(
        con, "select volunteer_key, day_hours, days_in_a_row, week_hours, is_long_day, "
             "is_without_rest, is_long_week, is_fatigued "
             "from volunteer_fatigue($c, $b, $a, $day, $rest, $week)",
        b=list(buildings), a=as_of, day=limits[0], rest=limits[1], week=limits[2])}


def test_volunteer_fatigue(con):
    assert fatigue(con, d(7)) == {
        # 02-01..02-07: 7 days in a row (>= 7); 7 x 4 h = 28 h in the week
        "V1": (4.0, 7, 28.0, False, True, False, True),
        # 11 h + 1 h + 2 h in the week, nothing on 02-07
        "V2": (0.0, 0, 14.0, False, False, False, False),
        "路人甲": (0.0, 0, 10.0, False, False, False, False),
    }
    # 02-05: V2's 11 h day (>= 10); V1 5 days in a row, 20 h
    got = fatigue(con, d(5))
    assert got["V2"][:1] + got["V2"][3:] == (11.0, True, False, False, True)
    assert got["V1"] == (4.0, 5, 20.0, False, False, False, False)
    # 02-09 after the rest day 02-08: a run of 1; the week 02-03..02-09 is 5 x 4 + 4 = 24 h
    assert fatigue(con, d(9))["V1"] == (4.0, 1, 24.0, False, False, False, False)
    # the limits are parameters: 28 h is a long week at 28
    assert fatigue(con, d(7), limits=(10, 8, 28))["V1"][3:] == (False, False, True, True)
    # R2 only: 路人甲's 10 h night is a long day there; V1 and V2 worked elsewhere
    assert fatigue(con, d(6), ["R2"]) == {"路人甲": (10.0, 1, 10.0, True, False, False, True)}


# -- seals ------------------------------------------------------------------------------------

def test_seals_in_force(con):
    sql = ("select building, floor, is_whole_building, sealed_from, sealed_until "
           "from seals_in_force($c, $b, $f, $t) order by building, floor nulls first")
    assert q(con, sql, b=[], f=d(3), t=d(3)) == []                     # nothing before 02-04
    assert q(con, sql, b=[], f=d(5), t=d(5)) == [
        ("R1", None, True, d(4), d(6)), ("R1", 3, False, d(5), d(8)), ("R2", 2, False, d(5), None)]
    # lifted on 02-06: open that day
    assert [r[:2] for r in q(con, sql, b=[], f=d(6), t=d(6))] == [("R1", 3), ("R2", 2)]
    # a range: in force on at least one of its days (02-01..02-04 meets R1's whole seal)
    assert [r[:2] for r in q(con, sql, b=[], f=d(1), t=d(4))] == [("R1", None)]
    assert [r[:2] for r in q(con, sql, b=["R2"], f=d(1), t=d(29))] == [("R2", 2)]


def test_seal_floors_expand_a_whole_building_seal(con):
    assert q(con, "select building, floor, is_whole_building from seal_floors($c, [], '2020-02-05', "
                  "'2020-02-05') order by all") == [
        # R1's whole seal shuts its 3 floors; floor 3 also has its own seal
        ("R1", 1, True), ("R1", 2, True), ("R1", 3, False), ("R1", 3, True), ("R2", 2, False)]


def test_sealed_floor_days(con):
    got = q(con, "select day, building, floor, is_whole_building "
                 "from sealed_floor_days($c, [], '2020-02-03', '2020-02-08') order by all")
    by_day = {}
    for day, building, floor, whole in got:
        by_day.setdefault(day, []).append((building, floor, whole))
    assert by_day == {
        d(4): [("R1", 1, True), ("R1", 2, True), ("R1", 3, True)],
        d(5): [("R1", 1, True), ("R1", 2, True), ("R1", 3, False), ("R1", 3, True), ("R2", 2, False)],
        d(6): [("R1", 3, False), ("R2", 2, False)],      # the whole seal lifted on 02-06
        d(7): [("R1", 3, False), ("R2", 2, False)],
        d(8): [("R2", 2, False)],                        # R1 floor 3 lifted on 02-08
    }


def test_sealed_households(con):
    assert q(con, "select building, unit, room, is_whole_building "
                  "from sealed_households($c, [], '2020-02-05', '2020-02-05') order by all") == [
        # R1's whole seal: all 4 (301 also under its floor seal, still "whole"); R2 floor 2: 201
        ("R1", "1", "101", True), ("R1", "1", "201", True), ("R1", "1", "301", True),
        ("R1", "2", "101", True), ("R2", "1", "201", False)]
    assert q(con, "select count(*) from sealed_households($c, ['R2'], '2020-02-01', '2020-02-29')") == [
        (25,)]                                            # R2-201 from 02-05 to 02-29: 25 days


def test_seal_counts_daily(con):
    assert q(con, "select * from seal_counts_daily($c, [], '2020-02-03', '2020-02-08') order by day") == [
        # day, buildings sealed whole, floors, households
        (d(3), 0, 0, 0),
        (d(4), 1, 3, 4),        # R1 whole: 3 floors, its 4 households
        (d(5), 1, 4, 5),        # + R2 floor 2 (R1 floor 3 counted once): 4 floors; + R2-201
        (d(6), 0, 2, 2),        # R1 floor 3 (R1-301), R2 floor 2 (R2-201)
        (d(7), 0, 2, 2),
        (d(8), 0, 1, 1),        # R2-201 only
    ]


# -- households: matching, deliveries, screenings, the delivery gap ----------------------------

@pytest.mark.parametrize(("household", "record", "same"), [
    (("R1", "1", "101"), ("R1", None, "0101"), True),     # '0101' = 101; no unit on the record
    (("R1", "1", "101"), ("R1", "2", "101"), False),      # both give a unit: it must agree
    (("R3", None, "101"), ("R3", "2", "101"), True),      # no unit in the register
    (("R1", "1", "101"), ("R2", "1", "101"), False),      # another building
    (("R1", "1", "101"), ("R1", "1", "1101"), False),     # floor 11, not floor 1
])
def test_is_same_household(con, household, record, same):
    assert q(con, "select coalesce(is_same_household($b, $u, $r, $rb, $ru, $rr), false)",
             b=household[0], u=household[1], r=household[2],
             rb=record[0], ru=record[1], rr=record[2]) == [(same,)]


def test_records_in_scope_belong_to_their_day(con):
    # deliveries: by delivered_at, up to 24:00 (23:59 counts on 02-05)
    assert q(con, "select delivered_at from deliveries_in_scope($c, [], '2020-02-05', '2020-02-05') "
                  "order by 1") == [(at(5, "10:00"),), (at(5, "23:59"),)]
    assert q(con, "select day, building from deliveries_in_scope($c, ['R2'], null, '2020-02-04')") == [
        (d(4), "R2")]                                     # 02-04 00:00 is on 02-04
    assert q(con, "select day, room, max_temp_c from screenings_in_scope($c, [], '2020-02-06', "
                  "'2020-02-06')") == [(d(6), "0101", 37.2)]
    # trips: the day they departed (23:30 on 02-06, back 00:20 on 02-07); a filter drops a trip
    # without an address
    assert q(con, "select day, departed_at from trips_in_scope($c, [], '2020-02-06', '2020-02-07')") == [
        (d(6), at(6, "23:30"))]
    assert len(q(con, "select * from trips_in_scope($c, [], '2020-02-05', '2020-02-05')")) == 2
    assert q(con, "select building from trips_in_scope($c, ['R1'], '2020-02-05', '2020-02-05')") == [
        ("R1",)]


def test_household_records(con):
    assert q(con, "select building, unit, room, kind, delivered_at, screened_on, max_temp_c "
                  "from household_records($c, [], '2020-02-05', '2020-02-05') order by all") == [
        ("R1", "1", "101", "screening", None, d(5), 37.3),          # unit 1 typed on the screening
        ("R1", "1", "201", None, None, None, None),                  # nothing: one empty row
        ("R1", "1", "301", "delivery", at(5, "23:59"), None, None),
        ("R1", "2", "101", "delivery", at(5, "10:00"), None, None),  # unit 2 only
        ("R2", "1", "101", None, None, None, None),
        ("R2", "1", "201", "screening", None, d(5), 36.8),           # its delivery is 02-04
        ("R3", None, "101", None, None, None, None),
    ]
    # 02-03's delivery to R1-0101 gave no unit: it reaches 101 of both units
    assert q(con, "select unit from household_records($c, ['R1'], '2020-02-03', '2020-02-03') "
                  "where kind = 'delivery' order by 1") == [("1",), ("2",)]


def test_delivery_gap(con):
    # 48 h before 24:00 of 02-05 is 02-04 00:00
    assert q(con, "select delivery_gap_since(date '2020-02-05', 48)") == [(at(4, "00:00"),)]
    assert q(con, "select building, unit, room, last_delivered_at, is_reached "
                  "from delivery_gap($c, [], '2020-02-05', 48) order by all") == [
        ("R1", "1", "101", at(3, "09:00"), False),   # 02-03 09:00 is before 02-04 00:00
        ("R1", "1", "201", None, False),              # never reached
        ("R1", "1", "301", at(5, "23:59"), True),     # a minute before 24:00
        ("R1", "2", "101", at(5, "10:00"), True),
        ("R2", "1", "201", at(4, "00:00"), True),     # exactly 48 h before: counts
    ]
    # 02-06: the whole seal lifted; since 02-05 00:00 R2-201's delivery is too old
    assert q(con, "select building, room, is_reached from delivery_gap($c, [], '2020-02-06', 48) "
                  "order by all") == [("R1", "301", True), ("R2", "201", False)]
    # the gap is a parameter: within 72 h R2-201 is reached
    assert q(con, "select is_reached from delivery_gap($c, ['R2'], '2020-02-06', 72)") == [(True,)]


def test_has_fever(con):
    assert q(con, "select has_fever(37.3, $f), has_fever(37.2, $f), has_fever(null, $f)", f=FEVER_C) == [
        (True, False, None)]


def test_is_stale(con):
    # stale: never imported, or imported more than 24 h before now (config.STALE_HOURS)
    now = datetime(2020, 2, 10, 12, 0)
    assert q(con, "select is_stale(null, $now, 24),"                           # never: stale
                  " is_stale('2020-02-09 12:00'::timestamp, $now, 24),"        # 24 h ago: not yet
                  " is_stale('2020-02-09 11:59'::timestamp, $now, 24),"        # 24 h 1 min: stale
                  " is_stale('2020-02-10 11:00'::timestamp, $now, 0)", now=now) == [  # limit 0: 1 h
        (True, False, True, True)]


def test_is_fever_alert(con):
    # at least 2 fevers (min_count) and above 2 x the baseline mean (factor)
    assert q(con, "select is_fever_alert(2, 0.9, 2.0, 2),"   # 2 > 1.8: yes
                  " is_fever_alert(2, 1.0, 2.0, 2),"         # 2 > 2.0: no
                  " is_fever_alert(1, 0.0, 2.0, 2),"         # 1 < 2 fevers: no
                  " is_fever_alert(5, 2.4, 2.0, 2)") == [(True, False, False, True)]   # 5 > 4.8


# -- medicine requests --------------------------------------------------------------------------

def test_medicine_due(con):
    assert q(con, "select medicine_urgency('urgent'), medicine_urgency('normal'), "
                  "medicine_urgency(null), medicine_target_hours('urgent', 2, 24), "
                  "medicine_target_hours('normal', 2, 24)") == [("urgent", "normal", "normal", 2, 24)]
    # 22:30 + 2 h
    assert q(con, "select medicine_due_at(timestamp '2020-02-05 22:30', 'urgent', 2, 24)") == [
        (at(6, "00:30"),)]


def test_medicine_request_states(con):
    got = q(con, "select day, request_id, status_at_end, is_unfinished, is_overdue, hours_to_deliver, "
                 "is_met from medicine_request_states($c, [], '2020-02-04', '2020-02-06', $u, $n) "
                 "order by day, request_id", u=TARGETS[0], n=TARGETS[1])
    assert got == [
        # 24:00 of 02-04: only Q2, in progress (its last status short of delivered), due 02-05 10:00
        (d(4), "Q2", "in_progress", True, False, None, None),
        # 24:00 of 02-05: Q1 due 00:30 tomorrow, not yet overdue
        (d(5), "Q1", "open", True, False, None, None),
        (d(5), "Q2", "delivered", False, False, 24.0, True),    # 24 h: at the target is met
        (d(5), "Q3", "cancelled", False, False, None, None),
        (d(5), "Q4", "delivered", False, False, 3.0, False),    # a delivery time wins; 3 h > 2 h
        (d(6), "Q1", "open", True, True, None, None),           # 00:30 < 24:00 of 02-06
        (d(6), "Q2", "delivered", False, False, 24.0, True),
        (d(6), "Q3", "cancelled", False, False, None, None),
        (d(6), "Q4", "delivered", False, False, 3.0, False),
        (d(6), "Q5", "delivered", False, False, 1.0, True),     # "cancelled" but delivered 09:00
    ]
    assert q(con, "select request_id from medicine_request_states($c, ['R1'], '2020-02-06', "
                  "'2020-02-06', 2, 24) order by 1") == [("Q1",), ("Q4",)]


def test_medicine_deliveries(con):
    assert q(con, "select day, request_id, urgency, target_hours, hours_to_deliver, is_met "
                  "from medicine_deliveries($c, [], '2020-02-05', '2020-02-06', 2, 24) order by 2") == [
        (d(5), "Q2", "normal", 24, 24.0, True),
        (d(5), "Q4", "urgent", 2, 3.0, False),
        (d(6), "Q5", "normal", 24, 1.0, True),
    ]
    # by the day delivered: Q2, registered 02-04, is not a delivery of 02-04
    assert q(con, "select count(*) from medicine_deliveries($c, [], '2020-02-04', '2020-02-04', 2, 24)") == [
        (0,)]


def test_medicine_request_totals(con):
    got = {(r[0], r[1] or r[2]): r[3:] for r in q(
        con, "select * from medicine_request_totals($c, [], '2020-02-06', 2, 24)")}
    assert got == {
        # requests, unfinished, overdue, delivered, median hours to deliver
        ("building", "R1"): (2, 1, 1, 1, 3.0),            # Q1 overdue; Q4 3 h
        ("building", "R2"): (3, 0, 0, 2, 12.5),           # Q2 24 h, Q5 1 h: (24 + 1) / 2; Q3
        ("condition", "哮喘"): (1, 1, 1, 0, None),
        ("condition", "高血压"): (2, 0, 0, 1, 24.0),       # Q2, Q3
        ("condition", None): (2, 0, 0, 2, 2.0),           # blank: Q4 3 h, Q5 1 h
    }


# -- cases --------------------------------------------------------------------------------------

def test_case_states(con):
    got = q(con, "select day, case_id, building, floor, class, outcome, class_before, is_active, "
                 "is_suspected, is_new_suspected, is_newly_confirmed, is_newly_ruled_out "
                 "from case_states($c, [], '2020-02-04', '2020-02-07') order by day, case_id")
    assert got == [
        # K1 first reported 02-04 (not known the day before: new)
        (d(4), "K1", "R1", 1, "suspected", None, None, True, True, True, False, False),
        (d(5), "K1", "R1", 1, "confirmed", "hospitalised", "suspected", True, False, False, True, False),
        (d(5), "K2", "R2", 2, "suspected", None, None, True, True, True, False, False),
        (d(6), "K1", "R1", 1, "confirmed", "hospitalised", "confirmed", True, False, False, False, False),
        (d(6), "K2", "R2", 2, "suspected", None, "suspected", True, True, False, False, False),
        # K3's update without a report date counts from its first report: confirmed on 02-06
        (d(6), "K3", "R3", 1, "confirmed", None, None, True, False, False, True, False),
        (d(7), "K1", "R1", 1, "confirmed", "hospitalised", "confirmed", True, False, False, False, False),
        # K2 ruled out on its outcome date: no longer active nor suspected
        (d(7), "K2", "R2", 2, "suspected", "ruled_out", "suspected", False, False, False, False, True),
        (d(7), "K3", "R3", 1, "confirmed", None, "confirmed", True, False, False, False, False),
    ]
    # the day before the range is replayed too: K1 is not new on 02-05 when the range starts there
    assert q(con, "select case_id, is_new_suspected, is_newly_confirmed from case_states($c, ['R1'], "
                  "'2020-02-05', '2020-02-05')") == [("K1", False, True)]


def test_case_counts_daily(con):
    assert q(con, "select * from case_counts_daily($c, [], '2020-02-03', '2020-02-07') order by day") == [
        # day, confirmed_total, confirmed_new, suspected, suspected_new, ruled_out
        (d(3), 0, 0, 0, 0, 0),
        (d(4), 0, 0, 1, 1, 0),       # K1 suspected
        (d(5), 1, 1, 1, 1, 0),       # K1 confirmed; K2 suspected
        (d(6), 2, 1, 1, 0, 0),       # + K3 confirmed
        (d(7), 2, 0, 0, 0, 1),       # K2 ruled out
    ]
    assert q(con, "select sum(confirmed_new) from case_counts_daily($c, ['R3'], '2020-02-01', "
                  "'2020-02-29')") == [(1,)]


def test_every_rule_has_a_known_answer_test():
    source = Path(__file__).read_text(encoding="utf-8")
    defined = {m for p in (REPO / "queries" / "rules").glob("*.sql")
               for m in re.findall(r"create or replace temp macro (\w+)", p.read_text(encoding="utf-8"))}
    untested = sorted(m for m in defined if f"{m}(" not in source)
    assert not untested, f"rules without a known-answer test: {untested}"
