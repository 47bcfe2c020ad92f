"""The medicine page (药品需求): known answers for its queries on the hand-built fixtures, and
the page itself through dashboard.py on the fixture and the demo.

Fixtures. tests/fixture/medicine_requests.csv: M1 urgent B5-0501 02-06 09:00, delivered 10:30
(1.5 h, met); M2 normal A1-0101 02-06 10:00, open for ever (due 02-07 10:00); M3 urgent B5-0502
02-07 20:00, in progress (due 22:00); M4 normal A1-0201 02-05 09:00, cancelled.
tests/fixture_medicine/ (one building X1) adds what that lacks: deliveries on a later day,
missed targets, a delivery exactly at its target, a request due just after 24:00 and a
cancellation after "in progress":
    R1 normal 02-10 10:00 open → in progress → delivered 02-11 12:00 (26 h, missed)  高血压
    R2 normal 02-10 08:00 open → delivered 02-10 20:00 (12 h, met)                   高血压
    R3 normal 02-10 09:00 open → delivered 02-11 09:00 (24 h, met: at the target)    糖尿病
    R4 urgent 02-11 08:00 open → delivered 02-11 11:30 (3.5 h, missed)               (blank)
    R5 urgent 02-11 22:30 open, never delivered (due 02-12 00:30)                    糖尿病
    R6 normal 02-11 10:00 open → in progress → cancelled                             高血压
    R7 urgent 02-10 23:00 open → delivered 02-11 00:30 (1.5 h, met)                  (blank)
"""
from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest

from sitrep import config
from sitrep.i18n import t
from sitrep.store.queries import run

from .conftest import app, clean_import, metrics, readonly

C = "测试小区"
TARGETS = config.medicine_params()       # urgent 2 h, normal 24 h
HERE = Path(__file__).resolve().parent


def rows(frame) -> list[dict]:
    """Records with dates as dates and NaN as None, for exact comparison."""
    out = []
    for record in frame.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                        v.date() if hasattr(v, "date") and k == "day" else v)
                    for k, v in record.items()})
    return out


@pytest.fixture(scope="module")
def medicine_con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_medicine_store")
    yield from readonly(clean_import(folder, HERE / "fixture_medicine", C))


def test_targets_are_the_configured_ones():
    assert TARGETS == {"urgent_hours": 2, "normal_hours": 24}


# -- "medicine_status_daily" -----------------------------------------------------------------

STATUS_COLUMNS = ["requested", "delivered", "open", "in_progress", "unfinished", "overdue",
                  "delivered_total", "cancelled_total"]


def status_daily(con, buildings, first, last):
    frame = run(con, "medicine_status_daily", compound=C, buildings=buildings,
                date_from=first, date_to=last, **TARGETS)
    return {r["day"]: [r[c] for c in STATUS_COLUMNS] for r in rows(frame)}


def test_status_daily_on_the_fixture_all_buildings(fixture_con):
    got = status_daily(fixture_con, [], date(2020, 2, 4), date(2020, 2, 8))
    assert got == {
        #                  new deliv open prog unfin overdue deliv_total cancelled_total
        date(2020, 2, 4): [0, 0, 0, 0, 0, 0, 0, 0],
        date(2020, 2, 5): [1, 0, 0, 0, 0, 0, 0, 1],   # M4, cancelled (from its registration)
        date(2020, 2, 6): [2, 1, 1, 0, 1, 0, 1, 1],   # M1 in and delivered 10:30; M2 open, due 02-07 10:00
        date(2020, 2, 7): [1, 0, 1, 1, 2, 2, 1, 1],   # M3 in progress; M2 and M3 (due 22:00) overdue
        date(2020, 2, 8): [0, 0, 1, 1, 2, 2, 1, 1],   # nothing changes
    }


def test_status_daily_on_the_fixture_b5(fixture_con):
    got = status_daily(fixture_con, ["B5"], date(2020, 2, 4), date(2020, 2, 8))
    assert got == {
        date(2020, 2, 4): [0, 0, 0, 0, 0, 0, 0, 0],
        date(2020, 2, 5): [0, 0, 0, 0, 0, 0, 0, 0],   # M4 is in A1
        date(2020, 2, 6): [1, 1, 0, 0, 0, 0, 1, 0],   # M1
        date(2020, 2, 7): [1, 0, 0, 1, 1, 1, 1, 0],   # M3
        date(2020, 2, 8): [0, 0, 0, 1, 1, 1, 1, 0],
    }


def test_status_daily_replays_history(medicine_con):
    got = status_daily(medicine_con, [], date(2020, 2, 10), date(2020, 2, 12))
    assert got == {
        # 02-10 24:00: R1, R2, R3, R7 registered. R2 delivered 20:00. R1 delivered only the next
        # day: its last status before delivery was "in progress". R3 and R7 (delivered the next
        # day, never marked in progress) open. None overdue: R1 due 02-11 10:00, R3 02-11 09:00,
        # R7 02-11 01:00.
        date(2020, 2, 10): [4, 1, 2, 1, 3, 0, 1, 0],
        # 02-11: R4, R5, R6 registered; R1, R3, R7, R4 delivered; R6 cancelled; R5 open but due
        # 02-12 00:30, after 24:00: not yet overdue.
        date(2020, 2, 11): [3, 4, 1, 0, 1, 0, 5, 1],
        # 02-12: R5 is now overdue
        date(2020, 2, 12): [0, 0, 1, 0, 1, 1, 5, 1],
    }


# -- "medicine_overdue_as_of" ----------------------------------------------------------------

def overdue(con, buildings, as_of):
    frame = run(con, "medicine_overdue_as_of", compound=C, buildings=buildings, as_of=as_of, **TARGETS)
    assert "patient" not in frame.columns       # no patients leave the query layer
    return rows(frame)


def test_overdue_on_the_fixture(fixture_con):
    assert overdue(fixture_con, [], date(2020, 2, 6)) == []   # M2 is due only 02-07 10:00
    got = overdue(fixture_con, [], date(2020, 2, 7))
    assert [(r["request_id"], r["building"], r["floor"], r["urgency"], r["status"], r["condition"],
             r["target_hours"], r["age_hours"], r["over_hours"]) for r in got] == [
        # oldest first: M2 02-06 10:00 → 24:00 on 02-07 is 38 h, 14 h past its 24 h
        ("M2", "A1", 1, "normal", "open", "糖尿病", 24, 38.0, 14.0),
        # M3 02-07 20:00 → 4 h, 2 h past its 2 h
        ("M3", "B5", 5, "urgent", "in_progress", None, 2, 4.0, 2.0),
    ]
    assert [r["request_id"] for r in overdue(fixture_con, ["B5"], date(2020, 2, 7))] == ["M3"]
    assert [r["request_id"] for r in overdue(fixture_con, ["A1"], date(2020, 2, 7))] == ["M2"]


def test_overdue_boundaries(medicine_con):
    # R5 (urgent, 02-11 22:30) is due 02-12 00:30: not overdue at 24:00 on 02-11
    assert overdue(medicine_con, [], date(2020, 2, 11)) == []
    got = overdue(medicine_con, [], date(2020, 2, 12))
    # 02-11 22:30 to 02-13 00:00 = 25.5 h, 23.5 h past the 2 h target; R6 (cancelled) never
    assert [(r["request_id"], r["room"], r["status"], r["age_hours"], r["over_hours"]) for r in got] == [
        ("R5", "0501", "open", 25.5, 23.5)]


# -- "medicine_delivery_time_by_urgency" -----------------------------------------------------

def by_urgency(con, buildings, first, last):
    frame = run(con, "medicine_delivery_time_by_urgency", compound=C, buildings=buildings,
                date_from=first, date_to=last, **TARGETS)
    return rows(frame)


def test_delivery_time_by_urgency_on_the_fixture(fixture_con):
    assert by_urgency(fixture_con, [], date(2020, 2, 5), date(2020, 2, 8)) == [
        # M1: 09:00 → 10:30 = 1.5 h, within 2 h
        {"urgency": "urgent", "target_hours": 2, "delivered": 1, "median_hours": 1.5,
         "p90_hours": 1.5, "met": 1, "met_pct": 100.0},
        # no normal request delivered: the row stays, with its target
        {"urgency": "normal", "target_hours": 24, "delivered": 0, "median_hours": None,
         "p90_hours": None, "met": 0, "met_pct": None},
    ]
    # by the day delivered: nothing delivered on 02-07
    assert [r["delivered"] for r in by_urgency(fixture_con, [], date(2020, 2, 7), date(2020, 2, 7))] == [0, 0]


def test_delivery_time_by_urgency_quantiles(medicine_con):
    assert by_urgency(medicine_con, [], date(2020, 2, 10), date(2020, 2, 12)) == [
        # urgent R7 1.5 h (met), R4 3.5 h (missed): median 2.5; p90 interpolated 1.5 + 0.9 × 2 = 3.3
        {"urgency": "urgent", "target_hours": 2, "delivered": 2, "median_hours": 2.5,
         "p90_hours": 3.3, "met": 1, "met_pct": 50.0},
        # normal R2 12 h, R3 24 h (at the target: met), R1 26 h: median 24; p90 24 + 0.8 × 2 = 25.6
        {"urgency": "normal", "target_hours": 24, "delivered": 3, "median_hours": 24.0,
         "p90_hours": 25.6, "met": 2, "met_pct": 66.7},
    ]


# -- "medicine_delivery_time_by_day_urgency" -------------------------------------------------

def test_delivery_time_by_day_urgency(fixture_con, medicine_con):
    got = run(fixture_con, "medicine_delivery_time_by_day_urgency", compound=C, buildings=[],
              date_from=date(2020, 2, 5), date_to=date(2020, 2, 8), **TARGETS)
    assert rows(got) == [{"day": date(2020, 2, 6), "urgency": "urgent", "target_hours": 2, "delivered": 1,
                          "median_hours": 1.5, "p90_hours": 1.5, "met": 1, "met_pct": 100.0}]
    got = run(medicine_con, "medicine_delivery_time_by_day_urgency", compound=C, buildings=[],
              date_from=date(2020, 2, 10), date_to=date(2020, 2, 12), **TARGETS)
    assert [(r["day"], r["urgency"], r["delivered"], r["median_hours"], r["p90_hours"], r["met"],
             r["met_pct"]) for r in rows(got)] == [
        (date(2020, 2, 10), "normal", 1, 12.0, 12.0, 1, 100.0),    # R2
        (date(2020, 2, 11), "urgent", 2, 2.5, 3.3, 1, 50.0),       # R7 1.5 h, R4 3.5 h
        (date(2020, 2, 11), "normal", 2, 25.0, 25.8, 1, 50.0),     # R3 24 h, R1 26 h
    ]


# -- "medicine_requests_by_building" and "medicine_requests_by_condition" --------------------

def by(con, name, buildings, as_of):
    return rows(run(con, name, compound=C, buildings=buildings, as_of=as_of, **TARGETS))


def test_requests_by_building_on_the_fixture(fixture_con):
    assert by(fixture_con, "medicine_requests_by_building", [], date(2020, 2, 6)) == [
        # A1: M2 open (not yet overdue), M4 cancelled; B5: M1 delivered in 1.5 h
        {"building": "A1", "requests": 2, "unfinished": 1, "overdue": 0, "delivered": 0, "median_hours": None},
        {"building": "B5", "requests": 1, "unfinished": 0, "overdue": 0, "delivered": 1, "median_hours": 1.5},
    ]
    assert by(fixture_con, "medicine_requests_by_building", [], date(2020, 2, 7)) == [
        {"building": "A1", "requests": 2, "unfinished": 1, "overdue": 1, "delivered": 0, "median_hours": None},
        {"building": "B5", "requests": 2, "unfinished": 1, "overdue": 1, "delivered": 1, "median_hours": 1.5},
    ]
    assert by(fixture_con, "medicine_requests_by_building", ["B5"], date(2020, 2, 5)) == []


def test_requests_by_building_replays_history(medicine_con):
    # 02-10: R1, R2, R3, R7; only R2 (12 h) delivered. 02-11: + R4, R5, R6; delivered R1 26, R2 12,
    # R3 24, R4 3.5, R7 1.5 → median 12
    assert by(medicine_con, "medicine_requests_by_building", [], date(2020, 2, 10)) == [
        {"building": "X1", "requests": 4, "unfinished": 3, "overdue": 0, "delivered": 1, "median_hours": 12.0}]
    assert by(medicine_con, "medicine_requests_by_building", [], date(2020, 2, 11)) == [
        {"building": "X1", "requests": 7, "unfinished": 1, "overdue": 0, "delivered": 5, "median_hours": 12.0}]


def test_requests_by_condition(fixture_con, medicine_con):
    assert by(fixture_con, "medicine_requests_by_condition", [], date(2020, 2, 7)) == [
        # blank: M3 (overdue) and M4 (cancelled); 糖尿病 M2 overdue; 高血压 M1 delivered
        {"condition": None, "requests": 2, "unfinished": 1, "overdue": 1, "delivered": 0, "median_hours": None},
        {"condition": "糖尿病", "requests": 1, "unfinished": 1, "overdue": 1, "delivered": 0, "median_hours": None},
        {"condition": "高血压", "requests": 1, "unfinished": 0, "overdue": 0, "delivered": 1, "median_hours": 1.5},
    ]
    assert by(medicine_con, "medicine_requests_by_condition", [], date(2020, 2, 12)) == [
        # 糖尿病: R3 24 h, R5 overdue; 高血压: R1 26 h, R2 12 h, R6 cancelled; blank: R4 3.5, R7 1.5
        {"condition": "糖尿病", "requests": 2, "unfinished": 1, "overdue": 1, "delivered": 1, "median_hours": 24.0},
        {"condition": "高血压", "requests": 3, "unfinished": 0, "overdue": 0, "delivered": 2, "median_hours": 19.0},
        {"condition": None, "requests": 2, "unfinished": 0, "overdue": 0, "delivered": 2, "median_hours": 2.5},
    ]


# -- invariants on the demo ------------------------------------------------------------------

@pytest.mark.parametrize("buildings", [[], ["B6"], ["B5", "A4"]])
def test_every_demo_request_is_in_one_status_at_24h(demo_con, buildings):
    window = {"date_from": date(2020, 2, 1), "date_to": date(2020, 3, 14)}
    page = run(demo_con, "medicine_status_daily", compound="福星城", buildings=buildings, **window, **TARGETS)
    assert page["overdue"].sum() > 0
    # every request ends up in exactly one status at 24:00, and was registered on one day
    total = demo_con.execute("""
        select count(*) from medicine_requests
        where compound = '福星城' and requested_at < date '2020-03-15'
            and (len($b::varchar[]) = 0 or list_contains($b::varchar[], building))""",
                             {"b": buildings}).fetchone()[0]
    last = page.iloc[-1]
    assert last["unfinished"] + last["delivered_total"] + last["cancelled_total"] == total
    assert page["requested"].sum() == total


# -- the page through dashboard.py -----------------------------------------------------------

def open_page(**query):
    at = app(**query)
    at.run()
    at.switch_page("pages/medicine.py").run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def table(at, first_label):
    """The shown dataframe whose first column has this label."""
    for frame in at.dataframe:
        if frame.value.columns[0] == first_label:
            return frame.value
    raise AssertionError(f"no table starting with {first_label!r}")


def demo_count(con, sql, **params) -> int:
    return con.execute(sql, params).fetchone()[0]


def test_page_on_the_demo_b5_then_another_day(demo_env, demo_con):
    at = open_page(building="B5", as_of="2020-02-10")
    assert "B5" in at.caption[0].value and "2020-02-10" in at.caption[0].value
    # B5's first medicine request is on 02-14: nothing at 24:00 on 02-10
    assert demo_count(demo_con, "select count(*) from medicine_requests "
                                "where building = 'B5' and requested_at < date '2020-02-11'") == 0
    got = metrics(at)
    assert [got[t(f"medicine.kpi.{k}")] for k in ("open", "in_progress", "overdue", "requested",
                                                   "delivered", "delivered_total")] == ["0"] * 6
    assert any(t("medicine.no_overdue", as_of="2020-02-10") == s.value for s in at.success)
    # the delivery times cover the trend range (the whole data by default): B5's urgent and
    # normal deliveries, counted straight from the table
    urgent, normal = (demo_count(demo_con, "select count(*) from medicine_requests where building = 'B5' "
                                           "and fulfilled_at is not null and urgency = $u", u=u)
                      for u in ("urgent", "normal"))
    times = table(at, t("medicine.col.urgency"))
    assert times[t("medicine.col.delivered")].tolist() == [urgent, normal] and urgent > 0
    assert times[t("medicine.col.urgency")].tolist() == ["紧急（目标 2 小时）", "一般（目标 24 小时）"]

    at.date_input(key="as_of").set_value(date(2020, 2, 20)).run()
    assert not at.exception
    got = metrics(at)
    end = "timestamp '2020-02-21 00:00'"
    delivered_total = demo_count(demo_con, f"select count(*) from medicine_requests where building = 'B5' "
                                           f"and fulfilled_at < {end}")
    delivered_today = demo_count(demo_con, f"select count(*) from medicine_requests where building = 'B5' "
                                           f"and fulfilled_at >= date '2020-02-20' and fulfilled_at < {end}")
    assert (delivered_total, delivered_today) == (3, 1)      # 02-14, 02-19 and 02-20
    assert got[t("medicine.kpi.delivered_total")] == str(delivered_total)
    assert got[t("medicine.kpi.delivered")] == str(delivered_today)
    buildings = table(at, t("medicine.col.building"))
    assert buildings[t("medicine.col.building")].tolist() == ["B5"]
    assert buildings[t("medicine.short.requests")].tolist() == [3]


def test_page_shows_the_tibial_necrosis_request(demo_env, demo_con):
    building = demo_count(demo_con, "select any_value(building) from medicine_requests "
                                    "where condition = '胫骨坏死' and requested_at::date = date '2020-02-09'")
    at = open_page(building=building, as_of="2020-02-09")
    at.date_input(key="range").set_value((date(2020, 2, 9), date(2020, 2, 9))).run()
    assert not at.exception
    got = metrics(at)
    # the 65-year-old's urgent request, 09:10, delivered 1 h 40 min later (the only one there that day)
    assert (got["今日新增"], got["今日送达"], got["已超时"]) == ("1", "1", "0")
    times = table(at, "紧急程度").set_index("紧急程度")
    urgent = times.loc["紧急（目标 2 小时）"]
    assert (urgent["已送达"], urgent["中位用时(h)"], urgent["按时"], urgent["按时率%"]) == (1, 1.7, 1, 100.0)
    assert times.loc["一般（目标 24 小时）", "已送达"] == 0
    conditions = table(at, "病种")
    assert conditions["病种"].tolist() == ["胫骨坏死"]
    met, flow = (json.loads(chart.proto.spec)["series"] for chart in at.get("echarts_chart"))
    # [day, share %, delivered, met]: the urgent request met its 2 hours, 1 of 1
    assert [(s["name"], s["data"]) for s in met] == [("紧急（目标 2 小时）", [["2020-02-09", 100.0, 1, 1]])]
    assert [(s["name"], s["type"], s["data"]) for s in flow] == [
        ("新增", "bar", [["2020-02-09", 1]]), ("送达", "bar", [["2020-02-09", 1]]),
        ("日终未完成", "line", [["2020-02-09", 0]]), ("日终超时", "line", [["2020-02-09", 0]])]
    # the day before: nothing there yet, so no table by condition
    at.date_input(key="as_of").set_value(date(2020, 2, 8)).run()
    got = metrics(at)
    assert (got["今日新增"], got["今日送达"], got["累计送达"]) == ("0", "0", "0")
    assert all(frame.value.columns[0] != "病种" for frame in at.dataframe)


def test_page_lists_overdue_requests_masked(demo_env, demo_con):
    at = open_page(as_of="2020-02-09")
    expected = run(demo_con, "overview_daily", compound="福星城", buildings=[], date_from=date(2020, 2, 9),
                   date_to=date(2020, 2, 9), fever_c=config.FEVER_C, **TARGETS)["medicine_overdue"].iloc[0]
    assert metrics(at)["已超时"] == str(expected)
    listed = table(at, "编号")
    assert len(listed) == expected == 1
    row = listed.iloc[0]
    room, floor, building = demo_con.execute(
        "select room, floor, building from medicine_requests where request_id = $id",
        {"id": row["编号"]}).fetchone()
    assert row["位置"] == f"{building} · {floor}层"                  # building · floor, not the room
    assert room not in " ".join(str(v) for v in row.tolist())
    assert "患者" not in listed.columns
    assert row["紧急程度"] in ("紧急", "一般") and row["状态"] in ("待处理", "处理中")
    assert row["超出目标（小时）"] > 0
    # the next day it has been delivered
    at.date_input(key="as_of").set_value(date(2020, 2, 10)).run()
    assert metrics(at)["已超时"] == "0"
    assert all(f.value.columns[0] != "编号" for f in at.dataframe)


def test_page_in_english(demo_env, demo_con):
    at = open_page(as_of="2020-02-09", lang="English")
    new_today, delivered_today = demo_con.execute("""
        select count(*) filter (where requested_at::date = date '2020-02-09'),
            count(*) filter (where fulfilled_at::date = date '2020-02-09')
        from medicine_requests""").fetchone()
    got = metrics(at)
    assert (got["New today"], got["Delivered today"], got["Overdue"]) == (
        str(new_today), str(delivered_today), "1")
    listed = table(at, "Request")
    building, floor = demo_con.execute("select building, floor from medicine_requests where request_id = $id",
                                       {"id": listed["Request"].iloc[0]}).fetchone()
    assert listed["Location"].iloc[0] == f"{building} · floor {floor}"
    assert listed["Urgency"].iloc[0] in ("Urgent", "Normal")
    assert listed["Status"].iloc[0] in ("Open", "In progress")
    assert table(at, "Urgency")["Urgency"].tolist() == ["Urgent (target 2 h)", "Normal (target 24 h)"]
    assert at.subheader[0].value == "Requests at 24:00 on 2020-02-09"


def test_page_with_nothing_to_show(fixture_env):
    # the fixture's first request is on 02-05: nothing by 02-04, nor in a range ending 02-04
    at = open_page(as_of="2020-02-04")
    at.date_input(key="range").set_value((date(2020, 2, 3), date(2020, 2, 4))).run()
    assert not at.exception and not at.error
    assert all(v == "0" for v in metrics(at).values())
    infos = [i.value for i in at.info]
    assert infos.count(t("empty.no_rows")) == 4      # times, daily flow, by building, by condition
    assert not at.get("echarts_chart") and not at.get("plotly_chart") and not at.dataframe
