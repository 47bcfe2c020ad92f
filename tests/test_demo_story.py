"""The demo's story is drawn from a Scenario, not from Fuxing City's constants.

Another compound, smaller and sealed at other dates, keeps its own register, dates and seals,
and its files import with no row rejected. This is the call a synthetic compound of the demo
district makes: `generate(out, Scenario(...))`. Fuxing City's own facts are tests/test_demo_facts.py.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from sitrep.demo import Scenario, Story, generate
from sitrep.demo.story import Building, CaseEntry, CaseHome
from sitrep.ingest.importer import import_files

SMALL = Scenario(
    compound="演示小区",
    seed=7,
    buildings=tuple(Building(f"C{i + 1}", 11, 2, 4, 20.0 + 30 * i, 20.0, 20.0, 12.0) for i in range(6)),
    lockdown_from=date(2020, 2, 14),
    lockdown_until=date(2020, 3, 10),
    report_day=date(2020, 2, 20),
    case_homes={"X1": CaseHome("C2", 5)},
    case_log=(CaseEntry("X1", "确诊", date(2020, 2, 16), "住院", date(2020, 2, 16)),),
    call_slots={"security": 14, "supply": 6, "liaison": 4, "cleaning": 2, "coordination": 2, "medical": 2},
    lei_feng=5,
    medicine_patients=20,
)


def test_another_compound_has_its_own_register_seals_and_days():
    story = Story(SMALL)
    assert len(story.households) == 264, "6 buildings x 11 floors x 4 households a floor = 264"
    # The confirmed case seals its building whole until 14 days after it: 16 Feb + 14 days = 1 Mar.
    assert [(s.building, s.floors, s.start, s.until) for s in story.seals] == [
        ("C2", None, date(2020, 2, 16), date(2020, 3, 1))]
    guards = Counter(s.day for s in story.shifts if s.task == "值守")
    # One door shift per building until the two-shift day (closure + 4 days = 18 Feb), two after;
    # from the closure (14 Feb) to the day before reopening (9 Mar).
    assert (min(guards), max(guards)) == (date(2020, 2, 14), date(2020, 3, 9))
    assert (guards[date(2020, 2, 17)], guards[date(2020, 2, 18)]) == (6 * 1, 6 * 2)
    # Deliveries start with the call for volunteers: closure + 2 days = 16 Feb.
    delivered = {d.at.date() for d in story.deliveries(story.rng("deliveries"))}
    assert (min(delivered), max(delivered)) == (date(2020, 2, 16), date(2020, 3, 9))


def test_a_quiet_compound_with_stale_data():
    story = Story(replace(SMALL, case_homes={}, case_log=(), last_day=date(2020, 3, 2)))
    assert story.seals == [], "no case, no seal"
    screened = {s.day for s in story.screenings(story.rng("screenings"))}
    assert max(screened) == date(2020, 3, 2), "the logs stop on the scenario's last day"


def test_another_compound_imports_with_no_row_rejected(tmp_path):
    files = generate(tmp_path / "files", SMALL)
    results = import_files(files, store=tmp_path / "store", compound=SMALL.compound, year=SMALL.year,
                           dry_run=True, settings={"lockdown_from": SMALL.lockdown_from,
                                                   "lockdown_until": SMALL.lockdown_until})
    assert [(r.kind, r.refused, r.rejected) for r in results if r.refused or r.rejected] == []
    read = {r.kind: r.rows_read for r in results}
    assert (read["buildings"], read["households"], read["cases"], read["seals"]) == (6, 264, 1, 1)
    # 16 task force + 4 doctors + 30 answering the call (14+6+4+2+2+2) + 3 counsellors + 6 late guards
    assert read["volunteers"] == 16 + 4 + 30 + 3 + 6
