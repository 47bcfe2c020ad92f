"""志愿者工时 Volunteer hours: known answers for every volunteers_* query, worked out by hand
from tests/fixture/*.csv and tests/fixture_volunteers/*.csv, and the page through AppTest.

tests/fixture/shifts.csv (volunteers V01 张三 supply/Party member, V02 李四 supply/Lei Feng,
V03 王五 security/stationed cadre, V04 赵六 medical/doctor):
    02-06  V01 08:00-12:00 delivery B5 (4 h) · V02 08:00-10:30 delivery A1 (2.5 h)
           王五 (resolves to V03) 20:00-08:00 guard B5 (12 h, past midnight) · V04 8 h medical duty, no building
    02-07  V01 08:30-12:00 delivery B5 (3.5 h)
Seals: B5 whole 02-04 until 02-08 (open on 02-08); A1 floors 2-3 from 02-06 until 02-09.
The fixture's compound has no lockdown date, so every day of a range is a guard day.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from sitrep import config
from sitrep.store.queries import run

from .conftest import REPO, app, clean_import, metrics, readonly

C = "测试小区"
WINDOW = {"date_from": date(2020, 2, 5), "date_to": date(2020, 2, 8)}
LIMITS = dict(config.FATIGUE)   # day_hours 10, days_without_rest 7, week_hours 60
OWN = REPO / "tests" / "fixture_volunteers"


def chart_series(page, index: int) -> list[dict]:
    """The series of the page's `index`-th ECharts chart (its option as sent to the browser)."""
    return json.loads(page.get("echarts_chart")[index].proto.spec)["series"]


def rows(frame, *columns):
    out = []
    for record in frame[list(columns)].itertuples(index=False):
        out.append(tuple(v.date() if hasattr(v, "date") and callable(v.date) else v for v in record))
    return out


# -- a second small fixture for streaks, week totals, unresolved volunteers and a lockdown ---------
# tests/fixture_volunteers/shifts.csv:
#   V01 张三 (supply, Party member): 4 h delivery in B5 on 01-30, rests 01-31, then 4 h every day
#       02-01..02-08 (8 days in a row)
#   V02 李四 (security, Lei Feng): 10 h guard at A1 02-03..02-07, 12 h on 02-08 (62 h in 6 days)
#   V03 王五 (coordination, stationed cadre): 10 h data entry on 02-08, no building
#   路人甲 (not in the register): 10 h guard at B5 on 02-08, 20:00-06:00
# seals.csv: B5 floor 3 sealed 02-05 until 02-07 (02-05, 02-06); A1 whole and A1 floor 2 from 02-08.
# The compound's lockdown starts on 02-03 (no end).

@pytest.fixture(scope="module")
def own_con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_volunteers")
    yield from readonly(clean_import(folder, OWN, C, lockdown_from=date(2020, 2, 3)))


# ------------------------------------------------------------------------ volunteers_daily

def test_volunteers_daily_all_buildings(fixture_con):
    frame = run(fixture_con, "volunteers_daily", compound=C, buildings=[], **WINDOW)
    assert rows(frame, "day", "volunteers_on_duty", "hours", "guard_gaps") == [
        (date(2020, 2, 5), 0, 0.0, 2),      # nobody on duty; A1 and B5 unguarded
        (date(2020, 2, 6), 4, 26.5, 1),     # 4 + 2.5 + 12 + 8; B5 has 王五's guard shift, A1 none
        (date(2020, 2, 7), 1, 3.5, 2),
        (date(2020, 2, 8), 0, 0.0, 2),
    ]


def test_volunteers_daily_b5(fixture_con):
    frame = run(fixture_con, "volunteers_daily", compound=C, buildings=["B5"], **WINDOW)
    # only shifts naming B5: V01's deliveries and 王五's guard shift (V02 is in A1, V04 has no building)
    assert rows(frame, "day", "volunteers_on_duty", "hours", "guard_gaps") == [
        (date(2020, 2, 5), 0, 0.0, 1),
        (date(2020, 2, 6), 2, 16.0, 0),
        (date(2020, 2, 7), 1, 3.5, 1),
        (date(2020, 2, 8), 0, 0.0, 1),
    ]


def test_volunteers_daily_counts_guard_gaps_only_in_the_lockdown(own_con):
    frame = run(own_con, "volunteers_daily", compound=C, buildings=[],
                date_from=date(2020, 2, 2), date_to=date(2020, 2, 8))
    assert rows(frame, "day", "volunteers_on_duty", "hours", "guard_gaps") == [
        (date(2020, 2, 2), 1, 4.0, 0),      # before the lockdown (02-03): no guard day
        (date(2020, 2, 3), 2, 14.0, 1),     # V01 4 + V02 10; B5 unguarded
        (date(2020, 2, 4), 2, 14.0, 1),
        (date(2020, 2, 5), 2, 14.0, 1),
        (date(2020, 2, 6), 2, 14.0, 1),
        (date(2020, 2, 7), 2, 14.0, 1),
        (date(2020, 2, 8), 4, 36.0, 0),     # 4 + 12 + 10 + 10; 路人甲 guards B5
    ]


# ------------------------------------------------------------ volunteers_hours_by_day_group

def test_volunteers_hours_by_day_group(fixture_con):
    frame = run(fixture_con, "volunteers_hours_by_day_group", compound=C, buildings=[], **WINDOW)
    assert rows(frame, "day", "group", "hours", "volunteers") == [
        (date(2020, 2, 6), "medical", 8.0, 1),
        (date(2020, 2, 6), "security", 12.0, 1),    # the night guard counts on the day it started
        (date(2020, 2, 6), "supply", 6.5, 2),       # V01 4 + V02 2.5
        (date(2020, 2, 7), "supply", 3.5, 1),
    ]
    frame = run(fixture_con, "volunteers_hours_by_day_group", compound=C, buildings=["B5"], **WINDOW)
    assert rows(frame, "day", "group", "hours", "volunteers") == [
        (date(2020, 2, 6), "security", 12.0, 1),
        (date(2020, 2, 6), "supply", 4.0, 1),
        (date(2020, 2, 7), "supply", 3.5, 1),
    ]


def test_volunteers_hours_by_day_group_shows_unresolved(own_con):
    frame = run(own_con, "volunteers_hours_by_day_group", compound=C, buildings=[],
                date_from=date(2020, 2, 8), date_to=date(2020, 2, 8))
    assert rows(frame, "group", "hours", "volunteers") == [
        ("coordination", 10.0, 1), ("security", 12.0, 1), ("supply", 4.0, 1),
        ("unresolved", 10.0, 1),                    # 路人甲 is not in the register
    ]


# ------------------------------------------------------------ volunteers_hours_by_kind / _task

def test_volunteers_hours_by_kind(fixture_con):
    frame = run(fixture_con, "volunteers_hours_by_kind", compound=C, buildings=[], **WINDOW)
    assert rows(frame, "kind", "hours", "volunteers", "shifts") == [
        ("stationed_cadre", 12.0, 1, 1),    # 王五
        ("doctor", 8.0, 1, 1),              # 赵六
        ("party_member", 7.5, 1, 2),        # 张三 4 + 3.5
        ("lei_feng", 2.5, 1, 1),            # 李四
    ]
    frame = run(fixture_con, "volunteers_hours_by_kind", compound=C, buildings=["B5"], **WINDOW)
    assert rows(frame, "kind", "hours") == [("stationed_cadre", 12.0), ("party_member", 7.5)]


def test_volunteers_hours_by_kind_unresolved(own_con):
    frame = run(own_con, "volunteers_hours_by_kind", compound=C, buildings=[],
                date_from=date(2020, 2, 8), date_to=date(2020, 2, 8))
    # ties (10 h) in code order
    assert rows(frame, "kind", "hours") == [
        ("lei_feng", 12.0), ("stationed_cadre", 10.0), ("unresolved", 10.0), ("party_member", 4.0)]


def test_volunteers_hours_by_task(fixture_con):
    frame = run(fixture_con, "volunteers_hours_by_task", compound=C, buildings=[], **WINDOW)
    assert rows(frame, "task", "hours", "volunteers", "shifts") == [
        ("guard", 12.0, 1, 1),
        ("delivery", 10.0, 2, 3),           # 4 + 2.5 + 3.5 by V01 and V02
        ("medical_duty", 8.0, 1, 1),
    ]
    frame = run(fixture_con, "volunteers_hours_by_task", compound=C, buildings=["B5"], **WINDOW)
    assert rows(frame, "task", "hours", "volunteers", "shifts") == [
        ("guard", 12.0, 1, 1), ("delivery", 7.5, 1, 2)]


# ------------------------------------------------------------------ volunteers_top_by_hours

def test_volunteers_top_by_hours(fixture_con):
    frame = run(fixture_con, "volunteers_top_by_hours", compound=C, buildings=[], **WINDOW, top=10)
    assert rows(frame, "volunteer_id", "name", "group", "kind", "hours", "days_worked",
                "longest_day", "shifts") == [
        ("V03", "王五", "security", "stationed_cadre", 12.0, 1, 12.0, 1),
        ("V04", "赵六", "medical", "doctor", 8.0, 1, 8.0, 1),
        ("V01", "张三", "supply", "party_member", 7.5, 2, 4.0, 2),
        ("V02", "李四", "supply", "lei_feng", 2.5, 1, 2.5, 1),
    ]
    frame = run(fixture_con, "volunteers_top_by_hours", compound=C, buildings=[], **WINDOW, top=2)
    assert frame["volunteer_id"].tolist() == ["V03", "V04"]
    frame = run(fixture_con, "volunteers_top_by_hours", compound=C, buildings=["B5"], **WINDOW, top=10)
    assert rows(frame, "volunteer_id", "hours") == [("V03", 12.0), ("V01", 7.5)]


def test_volunteers_top_by_hours_unresolved(own_con):
    frame = run(own_con, "volunteers_top_by_hours", compound=C, buildings=[],
                date_from=date(2020, 2, 1), date_to=date(2020, 2, 8), top=10)
    got = [tuple(None if v != v else v for v in r) for r in rows(
        frame, "volunteer_id", "name", "group", "kind", "hours", "days_worked", "longest_day", "shifts")]
    assert got == [
        ("V02", "李四", "security", "lei_feng", 62.0, 6, 12.0, 6),           # 5 x 10 + 12
        ("V01", "张三", "supply", "party_member", 32.0, 8, 4.0, 8),          # 02-01..02-08, not 01-30
        ("V03", "王五", "coordination", "stationed_cadre", 10.0, 1, 10.0, 1),
        (None, "路人甲", "unresolved", "unresolved", 10.0, 1, 10.0, 1),      # the name as typed
    ]


# -------------------------------------------------------------------------- volunteers_fatigue

def fatigue(con, as_of, buildings=(), **limits):
    frame = run(con, "volunteers_fatigue", compound=C, buildings=list(buildings), as_of=as_of,
                **{**LIMITS, **limits})
    return [tuple(None if v != v else v for v in r) for r in rows(
        frame, "volunteer_id", "group", "day_hours", "days_in_a_row", "week_hours",
        "is_long_day", "is_without_rest", "is_long_week")]


def test_volunteers_fatigue_on_the_fixture(fixture_con):
    # 02-06: 王五's 12-hour night guard is a long day; nobody else reaches a limit
    assert fatigue(fixture_con, date(2020, 2, 6)) == [
        ("V03", "security", 12.0, 1, 12.0, True, False, False)]
    assert fatigue(fixture_con, date(2020, 2, 6), ["B5"]) == [
        ("V03", "security", 12.0, 1, 12.0, True, False, False)]
    assert fatigue(fixture_con, date(2020, 2, 6), ["A1"]) == []
    assert fatigue(fixture_con, date(2020, 2, 7)) == []      # V01's 3.5 h only


def test_volunteers_fatigue_streaks_and_weeks(own_con):
    # as of 02-08; week = 02-02..02-08. Two limits first, then the most hours in the week;
    # the rest day 01-31 ends V01's earlier run, so the streak is 02-01..02-08 = 8 days.
    assert fatigue(own_con, date(2020, 2, 8)) == [
        ("V02", "security", 12.0, 6, 62.0, True, False, True),
        ("V01", "supply", 4.0, 8, 28.0, False, True, False),
        ("V03", "coordination", 10.0, 1, 10.0, True, False, False),   # exactly 10 h counts
        (None, "unresolved", 10.0, 1, 10.0, True, False, False),      # 路人甲, past midnight
    ]
    # as of 02-07: V01 7 days in a row (exactly the limit); V02 exactly 10 h, 50 h in the week
    assert fatigue(own_con, date(2020, 2, 7)) == [
        ("V02", "security", 10.0, 5, 50.0, True, False, False),
        ("V01", "supply", 4.0, 7, 28.0, False, True, False),
    ]


def test_volunteers_fatigue_follows_the_limits_and_the_building_filter(own_con):
    # the limits are parameters: 9 days without rest and 63 h a week drop V01 and V02's week
    assert fatigue(own_con, date(2020, 2, 8), days_without_rest=9, week_hours=63) == [
        ("V02", "security", 12.0, 6, 62.0, True, False, False),
        ("V03", "coordination", 10.0, 1, 10.0, True, False, False),
        (None, "unresolved", 10.0, 1, 10.0, True, False, False),
    ]
    # B5 only: V01's deliveries and 路人甲's guard shift; V02 (A1) and V03 (no building) drop out
    assert fatigue(own_con, date(2020, 2, 8), ["B5"]) == [
        ("V01", "supply", 4.0, 8, 28.0, False, True, False),
        (None, "unresolved", 10.0, 1, 10.0, True, False, False),
    ]


# ------------------------------------------------------ volunteers_guard_coverage_by_building_day

def test_volunteers_guard_coverage_by_building_day(fixture_con):
    frame = run(fixture_con, "volunteers_guard_coverage_by_building_day", compound=C, buildings=[], **WINDOW)
    days = [date(2020, 2, d) for d in (5, 6, 7, 8)]
    assert rows(frame, "building", "day", "entrances", "guard_shifts", "guard_hours", "is_covered") == [
        *[("A1", d, 1, 0, 0.0, False) for d in days],                 # A1 never guarded
        ("B5", days[0], 2, 0, 0.0, False),
        ("B5", days[1], 2, 1, 12.0, True),                            # 王五's night guard
        ("B5", days[2], 2, 0, 0.0, False),
        ("B5", days[3], 2, 0, 0.0, False),
    ]
    frame = run(fixture_con, "volunteers_guard_coverage_by_building_day", compound=C, buildings=["B5"],
                **WINDOW)
    assert frame["building"].unique().tolist() == ["B5"] and int((~frame["is_covered"]).sum()) == 3


def test_volunteers_guard_coverage_only_in_the_lockdown(own_con):
    frame = run(own_con, "volunteers_guard_coverage_by_building_day", compound=C, buildings=[],
                date_from=date(2020, 2, 1), date_to=date(2020, 2, 8))
    # the lockdown starts 02-03: 6 days x 2 buildings; A1 guarded every day, B5 only on 02-08
    assert len(frame) == 12 and frame["day"].min().date() == date(2020, 2, 3)
    gaps = frame[~frame["is_covered"]]
    assert rows(gaps, "building", "day") == [("B5", date(2020, 2, d)) for d in (3, 4, 5, 6, 7)]


# ----------------------------------------------------------- volunteers_sealed_hours_by_group

def sealed(con, buildings=(), **span):
    frame = run(con, "volunteers_sealed_hours_by_group", compound=C, buildings=list(buildings),
                **(span or WINDOW))
    return rows(frame, "group", "sealed_hours", "whole_building_hours", "floor_seal_hours", "volunteers",
                "shifts")


def test_volunteers_sealed_hours_by_group(fixture_con):
    # 02-06: V01 4 h in B5 (sealed whole), V02 2.5 h in A1 (floors 2-3 sealed), 王五 12 h in B5;
    # 02-07: V01 3.5 h in B5. V04's medical duty names no building.
    assert sealed(fixture_con) == [
        ("security", 12.0, 12.0, 0.0, 1, 1),
        ("supply", 10.0, 7.5, 2.5, 2, 3),
    ]
    assert sealed(fixture_con, date_from=date(2020, 2, 6), date_to=date(2020, 2, 6)) == [
        ("security", 12.0, 12.0, 0.0, 1, 1),
        ("supply", 6.5, 4.0, 2.5, 2, 2),
    ]
    assert sealed(fixture_con, ["B5"]) == [
        ("security", 12.0, 12.0, 0.0, 1, 1),
        ("supply", 7.5, 7.5, 0.0, 1, 2),
    ]
    # 02-08: B5's seal is lifted that day, and nobody worked in A1
    assert sealed(fixture_con, date_from=date(2020, 2, 8), date_to=date(2020, 2, 8)) == []


def test_volunteers_sealed_hours_counts_a_shift_once(own_con):
    # A1 has a whole seal and a floor seal on 02-08: V02's 12 h count once, as whole-building;
    # V01 in B5 on 02-05 and 02-06 (floor 3 sealed; lifted 02-07); 路人甲 in B5 on 02-08: open
    assert sealed(own_con, date_from=date(2020, 2, 1), date_to=date(2020, 2, 8)) == [
        ("security", 12.0, 12.0, 0.0, 1, 1),
        ("supply", 8.0, 0.0, 8.0, 1, 2),
    ]


# ------------------------------------------------------------------- the page through AppTest

PAGE = "pages/volunteers.py"


def open_page(**query):
    at = app(**query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def test_page_on_the_fixture_answers_and_follows_the_date(fixture_env):
    at = open_page(as_of="2020-02-06")
    got = metrics(at)
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"], got["超疲劳阈值（人）"], got["无人值守楼栋"]) == \
        ("4", "26.5", "1", "1")                       # 王五's 12 h guard; A1 unguarded
    # the trend range is the data's span 02-03..02-07: 2 buildings x 5 days, B5 guarded on 02-06 only
    assert (got["缺口（楼栋·天）"], got["应值守（楼栋·天）"]) == ("9", "10")
    top = at.dataframe[0].value
    assert top["编号"].tolist() == ["V03", "V04", "V01", "V02"]
    assert top["姓名"].tolist() == ["王*", "赵*", "张*", "李*"]          # masked
    assert top["小组"].tolist()[0] == "安保维稳组" and top["时长（小时）"].tolist() == [12.0, 8.0, 7.5, 2.5]
    tired = at.dataframe[1].value
    assert tired["编号"].tolist() == ["V03"] and tired["超出的阈值"].tolist() == ["当日≥10小时"]

    at.date_input(key="as_of").set_value(date(2020, 2, 7)).run()
    got = metrics(at)
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"], got["超疲劳阈值（人）"], got["无人值守楼栋"]) == \
        ("1", "3.5", "0", "2")
    assert any("没有人超过疲劳阈值" in s.value for s in at.success)


def test_page_on_the_demo_b5_and_a_date_change(demo_env, demo_con):
    at = open_page(building="B5", as_of="2020-02-10")
    got = metrics(at)
    # B5 from 02-08: two 8-hour door shifts a day; nothing else names B5; nobody tired there
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"], got["超疲劳阈值（人）"], got["无人值守楼栋"]) == \
        ("2", "16.0", "0", "0")
    # the lockdown 02-04..03-13 (reopened 03-14): B5 guarded every one of its 39 days
    assert (got["缺口（楼栋·天）"], got["应值守（楼栋·天）"]) == ("0", "39")
    hours = {}
    for series in chart_series(at, 0):          # stacked per group: a point is [day, hours, volunteers]
        for day, h, _people in series["data"]:
            hours[day] = hours.get(day, 0) + h
    assert hours["2020-02-04"] == 12 and hours["2020-02-07"] == 12 and hours["2020-02-08"] == 16
    # by task: B5's door guards only, 02-04..02-07 one 12-h shift (4 x 12 = 48) and 02-08..03-13
    # two 8-h shifts (35 days x 16 = 560): 608 h by 23 volunteers, the bar labelled "608"
    (by_task,) = chart_series(at, 2)
    assert [p["value"] for p in by_task["data"]] == [[608.0, "值守", 23, "608"]]
    assert by_task["label"]["formatter"] == "{@[3]}"
    # the guard heatmap: 39 cells [month-day, building, covered, shifts, day], all covered; one
    # shift a day 02-04..02-07, two from 02-08 (the chart's tooltip plain text)
    (cells,) = chart_series(at, 3)
    assert len(cells["data"]) == 39 and {c[2] for c in cells["data"]} == {1}
    assert cells["data"][0] == ["02-04", "B5", 1, 1, "2020-02-04"]
    assert [c[3] for c in cells["data"]] == [1] * 4 + [2] * 35
    # B5 sealed whole 02-04 until 02-22: 4 days x 12 h + 14 days x 16 h inside a sealed building
    sealed_table = at.dataframe[-1].value
    assert sealed_table["封控楼内（小时）"].sum() == 272 and sealed_table["部分楼层封控（小时）"].sum() == 0

    at.date_input(key="as_of").set_value(date(2020, 2, 6)).run()
    got = metrics(at)
    # before 02-08 one 12-hour door shift a day: one volunteer, and 12 h is a long day
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"], got["超疲劳阈值（人）"]) == ("1", "12.0", "1")
    tired = at.dataframe[1].value
    assert tired["当日（小时）"].tolist() == [12.0] and tired["超出的阈值"].tolist() == ["当日≥10小时"]


def test_page_on_the_demo_flags_the_data_entry_volunteer(demo_env, demo_con):
    (clerk,) = demo_con.execute("""
        select volunteer_id from shifts where task = 'data_entry'
        group by volunteer_id order by sum(hours) desc limit 1
    """).fetchone()
    on_duty, hours, clerk_hours = demo_con.execute("""
        select count(distinct coalesce(volunteer_id, volunteer)), sum(hours),
            sum(hours) filter (where volunteer_id = $clerk)
        from shifts where date = '2020-02-10'
    """, {"clerk": clerk}).fetchone()
    at = open_page(as_of="2020-02-10")
    got = metrics(at)
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"]) == (f"{on_duty}", f"{hours:,.1f}")
    tired = at.dataframe[1].value.set_index("编号")
    assert clerk_hours >= 10 and tired.loc[clerk, "当日（小时）"] == clerk_hours
    assert "当日≥10小时" in tired.loc[clerk, "超出的阈值"]
    assert int(got["超疲劳阈值（人）"]) == len(tired)

    at.date_input(key="as_of").set_value(date(2020, 2, 9)).run()
    on_duty_9, hours_9 = demo_con.execute("""
        select count(distinct coalesce(volunteer_id, volunteer)), sum(hours)
        from shifts where date = '2020-02-09'
    """).fetchone()
    got = metrics(at)
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"]) == (f"{on_duty_9}", f"{hours_9:,.1f}")
    assert (on_duty_9, hours_9) != (on_duty, hours)


def test_page_in_english(demo_env):
    at = open_page(building="B5", as_of="2020-02-10", lang="English")
    got = metrics(at)
    assert (got["Volunteers on duty"], got["Hours worked"], got["Past a fatigue limit"],
            got["Unguarded"]) == ("2", "16.0", "0", "0")
    assert at.title[0].value == "Volunteer hours"
    titles = [c.value for c in at.caption]      # chart titles are captions above the charts
    assert "Hours per day, by group" in titles and any(t.startswith("Door guards") for t in titles)
    assert at.dataframe[0].value.columns[:3].tolist() == ["ID", "Name", "Hours"]


def test_page_with_nothing_to_show(fixture_env):
    # A1 on 02-03..02-04: no shifts at all, nothing sealed; two unguarded building-days
    at = open_page(building="A1", as_of="2020-02-04")
    at.date_input(key="range").set_value((date(2020, 2, 3), date(2020, 2, 4))).run()
    assert not at.exception and not at.error
    got = metrics(at)
    assert (got["在岗志愿者（人）"], got["当日时长（小时）"], got["超疲劳阈值（人）"]) == ("0", "0.0", "0")
    assert (got["缺口（楼栋·天）"], got["应值守（楼栋·天）"]) == ("2", "2")
    assert sum("所选楼栋和日期没有数据" in i.value for i in at.info) >= 2   # hours, sealed
    assert len(at.get("echarts_chart")) == 1 and not at.get("plotly_chart")   # the guard heatmap only
