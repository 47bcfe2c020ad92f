"""Fuxing City (福星城), Xianning, February 2020: the facts of the brief as one Scenario.

The first fully sealed compound in the city: closed on 2020-02-04 after four confirmed COVID-19
cases, reopened on 2020-03-14. What the news report of 11 Feb 2020 (BRIEF.md) tells holds on
the report day; tests/test_demo_facts.py checks it on the imported demo.
"""
from __future__ import annotations

from datetime import date

from sitrep.demo.story import Building, CaseEntry, CaseHome, Scenario


def _buildings() -> tuple[Building, ...]:
    # A row: eight 11-storey slabs of three units along the south side; B row: towers behind.
    a_row = [Building(f"A{i + 1}", 11, 3, 6, 25.0 + 40 * i, 25.0, 30.0, 12.0) for i in range(8)]
    b_floors = (18, 18, 18, 18, 33, 33, 26, 26)
    b_row = [Building(f"B{i + 1}", f, 2, 4, 25.0 + 40 * i, 80.0, 20.0, 16.0)
             for i, f in enumerate(b_floors)]
    return tuple(a_row + b_row)


def _on(month: int, day: int) -> date:
    return date(2020, month, day)


# C001-C004 were why the compound was sealed; C005 (B5, 13th floor) and C006 (B7) were confirmed
# after being suspected; the other suspected cases were ruled out 2-4 days later.
_CASE_HOMES = {
    "C001": CaseHome("B5", 9), "C002": CaseHome("B5", 21), "C003": CaseHome("B2", 7),
    "C004": CaseHome("A6", 4), "C005": CaseHome("B5", 13), "C006": CaseHome("B7", 17),
    "C007": CaseHome("B7", 17, "C006"), "C008": CaseHome("A3", 7), "C009": CaseHome("B3", 12),
    "C010": CaseHome("A8", 6), "C011": CaseHome("A8", 10), "C012": CaseHome("B6", 24),
    "C013": CaseHome("A1", 11), "C014": CaseHome("A1", 11, "C013"),
}
# The case log as the clerk typed it, in order: (case id, class, reported on, outcome, outcome on).
_CASE_ROWS = (
    ("C001", "确诊", (2, 1), "住院", (2, 1)),
    ("C002", "确诊", (2, 3), "住院", (2, 3)),
    ("C003", "确诊", (2, 4), "住院", (2, 4)),
    ("C004", "确诊", (2, 4), "住院", (2, 4)),
    ("C005", "疑似", (2, 7), "隔离", (2, 7)),
    ("C005", "确诊", (2, 8), "住院", (2, 8)),
    ("C006", "疑似", (2, 11), "隔离", (2, 11)),
    ("C006", "确诊", (2, 12), "住院", (2, 12)),
    ("C007", "密接", (2, 12), "隔离", (2, 12)),
    ("C008", "疑似", (2, 13), "隔离", (2, 13)),
    ("C008", "疑似", (2, 13), "排除", (2, 16)),
    ("C009", "疑似", (2, 17), "隔离", (2, 17)),
    ("C009", "疑似", (2, 17), "排除", (2, 20)),
    ("C010", "疑似", (2, 21), "隔离", (2, 21)),
    ("C011", "密接", (2, 21), "隔离", (2, 21)),
    ("C010", "疑似", (2, 21), "排除", (2, 24)),
    ("C012", "疑似", (2, 27), "隔离", (2, 27)),
    ("C012", "疑似", (2, 27), "排除", (3, 1)),
    ("C001", "确诊", (2, 1), "治愈", (3, 3)),
    ("C013", "疑似", (3, 4), "隔离", (3, 4)),
    ("C014", "密接", (3, 4), "隔离", (3, 4)),
    ("C003", "确诊", (2, 4), "治愈", (3, 5)),
    ("C013", "疑似", (3, 4), "排除", (3, 7)),
    ("C004", "确诊", (2, 4), "治愈", (3, 10)),
)
_CASE_LOG = tuple(CaseEntry(cid, cls, _on(*reported), outcome, _on(*outcome_on))
                  for cid, cls, reported, outcome, outcome_on in _CASE_ROWS)

FUXING_CITY = Scenario(
    compound="福星城",
    seed=20200204,
    buildings=_buildings(),
    lockdown_from=_on(2, 4),             # the compound gate closed
    lockdown_until=_on(3, 14),           # reopened that day; the logs end the day before
    report_day=_on(2, 10),               # the day the reporter visited
    task_force_on=_on(2, 5),             # the task force (工作专班) was formed
    call_on=_on(2, 6),                   # the call for volunteers; deliveries, screenings, trips start
    counsellors_from=_on(2, 7),          # three counsellors of the vocational college
    two_guard_shifts_from=_on(2, 8),     # before: one 12-hour door shift per building, after: two
    late_guards_from=_on(2, 15),         # six more Party members joined the door guards, one a day
    daily_screening_until=_on(3, 1),     # every household every day in February, every other day after
    case_homes=_CASE_HOMES,
    case_log=_CASE_LOG,
    # 58 Party-member and 15 Lei Feng volunteers answered the call by the report day.
    call_slots={"security": 34, "supply": 16, "liaison": 10, "cleaning": 5, "coordination": 4, "medical": 4},
    lei_feng=15,
    medicine_patients=70,
    suspect_disposition={"C005": "送医", "C006": "送医"},
    fever_day_before=("C008", "C012"),
    lifted_by_update=("A6", "B3", "B5", "B6", "B7"),
    # On the report day the car ran from 08:30 to after 15:00 with one 20-minute lunch break.
    report_day_trips=(("08:30", "10:10", "产检", "咸安区妇幼保健院"),
                      ("10:10", "11:55", "透析", "咸宁市中心医院"),
                      ("12:15", "13:40", "急诊", "咸宁市中心医院"),
                      ("13:40", "15:20", "手术", "咸宁市中心医院")),
    # The data-entry volunteer used her lunch hour to carry vegetables into B5.
    lunch_carry_building="B5",
    # The elderly woman with tibia necrosis whose medicine came within 100 minutes.
    tibia_from=_on(2, 9),
)
