"""物资配送与出车 Deliveries and the vehicle: known answers for its queries, and the page itself.

Known answers come from two hand-built fixtures, worked out by hand from the CSV files:
- tests/fixture/*.csv (the shared one: A1 and B5, deliveries 02-06..02-07, trips 02-06..02-07);
- tests/fixture_deliveries/*.csv (this page's own: leading zeros and units in rooms, the
  48-hour boundary, a seal lifted on the as-of day, an open-list category and purpose, a blank
  source, a trip without a return time or an address, a driver typed by name).
The page is driven through dashboard.py with AppTest on the demo and on the fixtures.
"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from sitrep import config
from sitrep.store.queries import run

from .conftest import FIXTURE_COMPOUND as C
from .conftest import app, clean_import, metrics, open_demo, readonly, sign_in

OWN_FIXTURE = Path(__file__).resolve().parent / "fixture_deliveries"
GAP = config.DELIVERY_GAP_HOURS
PAGE = "pages/deliveries.py"


def at(day: int, clock: str) -> datetime:
    return datetime.fromisoformat(f"2020-02-{day:02d} {clock}")


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows as tuples, NaN/NaT as None, timestamps as datetimes (to compare with literals)."""
    out = []
    for row in frame[columns].itertuples(index=False):
        out.append(tuple(None if (v is None or v is pd.NaT or (isinstance(v, float) and v != v)
                                  or v is pd.NA)
                         else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for v in row))
    return out


@pytest.fixture(scope="module")
def own_store(tmp_path_factory) -> Path:
    return clean_import(tmp_path_factory.mktemp("deliveries_store"), OWN_FIXTURE, C)


@pytest.fixture(scope="module")
def own_con(own_store):
    yield from readonly(own_store)


# -- deliveries_day_summary -------------------------------------------------------------------

SUMMARY = ["deliveries", "kg", "trips", "trips_not_returned", "hours_out", "first_departed_at",
           "last_returned_at"]


def summary(con, buildings, as_of):
    frame = run(con, "deliveries_day_summary", compound=C, buildings=buildings, as_of=as_of,
                gap_hours=GAP)
    assert len(frame) == 1 and frame["day"][0].date() == as_of
    # the delivery gap counts from 48 h before 24:00 of the day: the day before, 00:00
    assert frame["gap_since_at"][0] == datetime.combine(as_of, datetime.min.time()) - pd.Timedelta(days=1)
    return records(frame, SUMMARY)[0]


def test_deliveries_day_summary_on_the_shared_fixture(fixture_con):
    # 02-06: B5-0301 20斤 = 10 kg, B5栋0302 2 箱 = no weight, A1-0101 5 公斤 -> 3 deliveries, 15 kg;
    # trips 08:30-10:10 (100 min, B5-0301) and 12:00-13:00 (60 min, no address) -> 2.67 h
    assert summary(fixture_con, [], date(2020, 2, 6)) == (
        3, 15.0, 2, 0, 2.67, at(6, "08:30"), at(6, "13:00"))
    # B5 only: its two deliveries (10 kg) and the trip for B5-0301; the trip without an address drops out
    assert summary(fixture_con, ["B5"], date(2020, 2, 6)) == (
        2, 10.0, 1, 0, 1.67, at(6, "08:30"), at(6, "10:10"))
    # 02-07, A1: A1-0201 10 斤 = 5 kg; trip 09:00-09:50 for A1-0101 = 50 min
    assert summary(fixture_con, ["A1"], date(2020, 2, 7)) == (
        1, 5.0, 1, 0, 0.83, at(7, "09:00"), at(7, "09:50"))
    # 02-05: nothing yet
    assert summary(fixture_con, [], date(2020, 2, 5)) == (0, 0.0, 0, 0, 0.0, None, None)


def test_deliveries_day_summary_counts_a_trip_without_return_but_not_its_hours(own_con):
    # 02-10: D2-0101 5kg + C1 2单元 0201 3 公斤 = 8 kg; trips 07:40-09:10 (90 min), 11:00 with no
    # return (counted, no hours), 14:00-15:00 (60 min, no address) -> 2.5 h, last back 15:00
    assert summary(own_con, [], date(2020, 2, 10)) == (
        2, 8.0, 3, 1, 2.5, at(10, "07:40"), at(10, "15:00"))
    # D2: its delivery and the trip without a return: first out 11:00, no return yet
    assert summary(own_con, ["D2"], date(2020, 2, 10)) == (1, 5.0, 1, 1, 0.0, at(10, "11:00"), None)


# -- deliveries_by_day_category_source --------------------------------------------------------

SPLIT = ["dimension", "code", "deliveries", "kg"]


def split(con, buildings, date_from, date_to):
    frame = run(con, "deliveries_by_day_category_source", compound=C, buildings=buildings,
                date_from=date_from, date_to=date_to)
    return [(row[0].date(), *row[1:]) for row in records(frame, ["day", *SPLIT])]


def test_deliveries_by_day_category_source_on_the_shared_fixture(fixture_con):
    d6, d7 = date(2020, 2, 6), date(2020, 2, 7)
    assert split(fixture_con, [], date(2020, 2, 5), date(2020, 2, 8)) == [
        # by category: 水果 2 箱 (no kg), 米面油 5 公斤, 蔬菜 20斤 = 10 kg; 02-07 蔬菜 10 斤 = 5 kg
        (d6, "category", "fruit", 1, 0.0),
        (d6, "category", "staples", 1, 5.0),
        (d6, "category", "vegetables", 1, 10.0),
        (d7, "category", "vegetables", 1, 5.0),
        # by source: 捐赠 20斤, 政府调配 5 公斤, 团购 2 箱; 02-07 捐赠 10 斤
        (d6, "source", "donated", 1, 10.0),
        (d6, "source", "government", 1, 5.0),
        (d6, "source", "group_buy", 1, 0.0),
        (d7, "source", "donated", 1, 5.0),
    ]
    # B5: B5-0301 蔬菜 捐赠 10 kg and B5栋0302 水果 团购 2 箱; the range ends before 02-07
    assert split(fixture_con, ["B5"], date(2020, 2, 5), date(2020, 2, 6)) == [
        (d6, "category", "fruit", 1, 0.0),
        (d6, "category", "vegetables", 1, 10.0),
        (d6, "source", "donated", 1, 10.0),
        (d6, "source", "group_buy", 1, 0.0),
    ]


def test_deliveries_by_day_keeps_open_categories_and_a_blank_source(own_con):
    # 口罩 is no known category: kept as typed; its row has no source (null code) and 袋 has no kg
    assert split(own_con, [], date(2020, 2, 9), date(2020, 2, 9)) == [
        (date(2020, 2, 9), "category", "口罩", 1, 0.0),
        (date(2020, 2, 9), "source", None, 1, 0.0),
    ]


# -- the 48-hour gap: by building and by household ---------------------------------------------

def gap_buildings(con, buildings, as_of):
    frame = run(con, "deliveries_gap_by_building", compound=C, buildings=buildings, as_of=as_of,
                gap_hours=GAP)
    return records(frame, ["building", "sealed_households", "reached", "not_reached"])


def gap_households(con, buildings, as_of):
    frame = run(con, "deliveries_gap_households", compound=C, buildings=buildings, as_of=as_of,
                gap_hours=GAP)
    return records(frame, ["building", "unit", "floor", "room", "last_delivered_at", "hours_since_delivery"])


def test_deliveries_gap_on_the_shared_fixture(fixture_con):
    # End of 02-07, window 02-06 00:00 .. 02-08 00:00. Sealed: B5 whole (02-04 until 02-08) = its
    # 5 households; A1 floors 2-3 (from 02-06) = A1-201, A1-301. Reached: B5-0301 and B5栋0302
    # (02-06, '0301' = '301'), A1-0201 (02-07). Not reached: A1-301, B5-501, B5-502, B5-901.
    assert gap_buildings(fixture_con, [], date(2020, 2, 7)) == [("B5", 5, 2, 3), ("A1", 2, 1, 1)]
    assert gap_households(fixture_con, [], date(2020, 2, 7)) == [
        ("A1", "1", 3, "301", None, None),
        ("B5", "1", 5, "501", None, None),
        ("B5", "2", 5, "502", None, None),
        ("B5", "1", 9, "901", None, None),
    ]
    # End of 02-08: B5's seal was lifted that day; A1-201 was reached on 02-07 08:00, A1-301 never
    assert gap_buildings(fixture_con, [], date(2020, 2, 8)) == [("A1", 2, 1, 1)]
    assert gap_households(fixture_con, [], date(2020, 2, 8)) == [("A1", "1", 3, "301", None, None)]
    # B5 at the end of 02-06 (window from 02-05 00:00): 301 and 302 reached that morning
    assert gap_buildings(fixture_con, ["B5"], date(2020, 2, 6)) == [("B5", 5, 2, 3)]
    assert [h[3] for h in gap_households(fixture_con, ["B5"], date(2020, 2, 6))] == ["501", "502", "901"]
    # A1 at the end of 02-05: nothing sealed yet
    assert gap_buildings(fixture_con, ["A1"], date(2020, 2, 5)) == []
    assert gap_households(fixture_con, ["A1"], date(2020, 2, 5)) == []


def test_deliveries_gap_units_boundary_and_lifted_seal(own_con):
    # End of 02-10, window 02-09 00:00 .. 02-11 00:00. Sealed: C1 floors 2-3 (4 households);
    # C1 floor 4 was lifted on 02-10 (open that day); D2 whole (101, 102).
    # - C1 1单元 201: its only delivery at 02-08 23:59 is one minute too early -> not reached, 48.0 h
    # - C1 2单元 201: 'C1栋2单元0201' on 02-10 (the unit agrees) -> reached
    # - C1-301 (no unit) at 02-09 00:00 exactly: on the boundary, counts; reaches 301 of both units
    # - D2-0101 on 02-10 -> reached; D2-102 never
    assert gap_buildings(own_con, [], date(2020, 2, 10)) == [("C1", 4, 3, 1), ("D2", 2, 1, 1)]
    assert gap_households(own_con, [], date(2020, 2, 10)) == [
        ("D2", "1", 1, "102", None, None),
        ("C1", "1", 2, "201", at(8, "23:59"), 48.0),
    ]
    assert gap_households(own_con, ["D2"], date(2020, 2, 10)) == [("D2", "1", 1, "102", None, None)]
    # End of 02-09 (window from 02-08 00:00): C1 floor 4 still sealed; C1 1单元 201 reached at
    # 23:59 on 02-08; C1 2单元 201 not yet (its unit-2 delivery is on 02-10: the unit-1 one
    # does not count for it); the 301s reached; D2's delivery not yet.
    assert gap_buildings(own_con, [], date(2020, 2, 9)) == [("C1", 5, 3, 2), ("D2", 2, 0, 2)]
    assert [(h[0], h[1], h[3]) for h in gap_households(own_con, [], date(2020, 2, 9))] == [
        ("C1", "2", "201"), ("C1", "1", "401"), ("D2", "1", "101"), ("D2", "1", "102")]


# -- the vehicle --------------------------------------------------------------------------------

def test_vehicle_daily_on_the_shared_fixture(fixture_con):
    frame = run(fixture_con, "vehicle_daily", compound=C, buildings=[], date_from=date(2020, 2, 5),
                date_to=date(2020, 2, 8))
    assert [(r[0].date(), *r[1:]) for r in records(
        frame, ["day", "trips", "hours_out", "first_departed_at", "last_returned_at"])] == [
        (date(2020, 2, 5), 0, 0.0, None, None),
        (date(2020, 2, 6), 2, 2.67, at(6, "08:30"), at(6, "13:00")),   # 100 + 60 min
        (date(2020, 2, 7), 1, 0.83, at(7, "09:00"), at(7, "09:50")),   # 50 min
        (date(2020, 2, 8), 0, 0.0, None, None),
    ]
    frame = run(fixture_con, "vehicle_daily", compound=C, buildings=["B5"], date_from=date(2020, 2, 6),
                date_to=date(2020, 2, 7))
    # B5: only the trip for B5-0301; the 02-07 trip served A1
    assert records(frame, ["trips", "hours_out"]) == [(1, 1.67), (0, 0.0)]


def test_vehicle_trips_by_day_purpose_on_the_shared_fixture(fixture_con):
    frame = run(fixture_con, "vehicle_trips_by_day_purpose", compound=C, buildings=[],
                date_from=date(2020, 2, 5), date_to=date(2020, 2, 8))
    assert [(r[0].date(), *r[1:]) for r in records(frame, ["day", "purpose", "trips", "hours_out"])] == [
        (date(2020, 2, 6), "medicine_pickup", 1, 1.0),    # 取药 12:00-13:00
        (date(2020, 2, 6), "prenatal", 1, 1.67),          # 产检 08:30-10:10
        (date(2020, 2, 7), "emergency", 1, 0.83),         # 急诊 09:00-09:50
    ]
    frame = run(fixture_con, "vehicle_trips_by_day_purpose", compound=C, buildings=["A1"],
                date_from=date(2020, 2, 5), date_to=date(2020, 2, 8))
    assert records(frame, ["purpose", "trips"]) == [("emergency", 1)]


def test_vehicle_trips_on_day(fixture_con, own_con):
    columns = ["trip_no", "departed_at", "ends_at", "is_returned", "minutes_out", "purpose",
               "destination", "building", "floor", "room", "driver"]
    frame = run(fixture_con, "vehicle_trips_on_day", compound=C, buildings=[], as_of=date(2020, 2, 6))
    # the driver V03 resolves to the register's name 王五
    assert records(frame, columns) == [
        (1, at(6, "08:30"), at(6, "10:10"), True, 100, "prenatal", "咸宁市中心医院", "B5", 3, "0301", "王五"),
        (2, at(6, "12:00"), at(6, "13:00"), True, 60, "medicine_pickup", "咸宁市中医医院",
         None, None, None, "王五"),
    ]
    frame = run(own_con, "vehicle_trips_on_day", compound=C, buildings=[], as_of=date(2020, 2, 10))
    # no return time: out until 24:00, no minutes; 陈二 is in no register, kept as typed;
    # 送检 is no known purpose, kept as typed
    assert records(frame, columns) == [
        (1, at(10, "07:40"), at(10, "09:10"), True, 90, "dialysis", "咸宁市中心医院", "C1", 3, "0301", "刘一"),
        (2, at(10, "11:00"), at(11, "00:00"), False, None, "emergency", "咸宁市第一人民医院",
         "D2", 1, "0102", "陈二"),
        (3, at(10, "14:00"), at(10, "15:00"), True, 60, "送检", "咸安区疾控中心", None, None, None, "刘一"),
    ]
    # with a filter, the trip without an address drops out
    frame = run(own_con, "vehicle_trips_on_day", compound=C, buildings=["C1"], as_of=date(2020, 2, 10))
    assert frame["trip_no"].tolist() == [1] and frame["purpose"].tolist() == ["dialysis"]


# -- the page through dashboard.py --------------------------------------------------------------

def open_page(**query):
    page = app(**query)
    page.run()
    page.switch_page(PAGE).run()
    assert not page.exception and not page.error, (page.exception, page.error)
    return page


DAILY = ("by_category", "by_source", "trips_by_purpose", "hours_out")


def charts(page) -> dict[str, dict]:
    """The ECharts options shown, by what they draw: the daily charts in the page's order, the
    households chart (buildings on a category axis) and the timeline (a clock axis, `useUTC`)."""
    assert not page.get("plotly_chart")        # no Plotly bundle for the browser to load
    specs = [json.loads(element.proto.spec) for element in page.get("echarts_chart")]
    daily = [s for s in specs if s["xAxis"]["type"] == "time" and not s.get("useUTC")]
    out = dict(zip(DAILY, daily, strict=False))
    for spec in specs:
        if spec.get("useUTC"):
            out["gantt"] = spec
        elif spec["yAxis"]["type"] == "category":
            out["gap"] = spec
    return out


def clock_of(ms: int) -> str:
    """An axis value of the timeline (epoch ms read as UTC) as the clock it shows."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%H:%M")


def gantt_lanes(page) -> list[str]:
    spec = charts(page)["gantt"]
    return sorted(spec["yAxis"]["data"])


def test_the_report_day_on_the_demo(demo_env):
    page = open_page(as_of="2020-02-10")
    got = metrics(page)
    # the news report: the one car out from 08:30 to after 15:00 with a 20-minute lunch;
    # trips 08:30-10:10, 10:10-11:55, 12:15-13:40, 13:40-15:20 = 100 + 105 + 85 + 100 = 390 min
    assert (got["当日出车（趟）"], got["首次出车"], got["最后返回"], got["出车时长（小时）"]) == (
        "4", "08:30", "15:20", "6.5")
    assert "6 小时 30 分" in next(m.help for m in page.metric if m.label == "出车时长（小时）")
    assert got["48小时未送达"] == "0"      # the sealed buildings were served daily by 02-10
    assert gantt_lanes(page) == ["1. 产检", "2. 透析", "3. 急诊", "4. 手术"]
    # the timeline: each trip a bar to its return ([end ms, lane, hover, purpose]) covered up to
    # its departure ([start ms, lane]), on a UTC clock axis that shows the sheet's times
    gantt = charts(page)["gantt"]
    spans, cover = gantt["series"]
    assert gantt["useUTC"] is True and gantt["tooltip"]["renderMode"] == "richText"
    assert [(clock_of(c[0]), clock_of(s["value"][0])) for c, s in zip(cover["data"], spans["data"], strict=True)] \
        == [("08:30", "10:10"), ("10:10", "11:55"), ("12:15", "13:40"), ("13:40", "15:20")]
    assert spans["data"][0]["value"][2].startswith("1. 产检 · 08:30–10:10\n")   # plain-text lines
    trips = page.dataframe[-1].value
    assert trips["出车"].tolist() == ["08:30", "10:10", "12:15", "13:40"]
    # no patient, no exact room, the driver's name masked
    assert all(room.endswith("层") and "·" in room for room in trips["服务住户（楼栋 · 楼层）"])
    assert all(name.endswith("**") for name in trips["司机"])


def test_b5_follows_the_date_on_the_demo(demo_env, demo_con):
    def direct(day):
        # the same numbers asked straight of the demo snapshot, without the page's queries
        return demo_con.execute("""
            select count(*), coalesce(sum(kg), 0) from deliveries
            where building = 'B5' and delivered_at::date = $day
        """, {"day": day}).fetchone()

    page = open_page(building="B5", as_of="2020-02-10")
    got = metrics(page)
    assert (got["当日配送（单）"], got["当日配送（公斤）"]) == ("161", "409.5")
    assert direct(date(2020, 2, 10)) == (161, 409.5)
    # B5's one trip that day: dialysis 10:10-11:55 (105 min)
    assert (got["当日出车（趟）"], got["首次出车"], got["最后返回"], got["出车时长（小时）"]) == (
        "1", "10:10", "11:55", "1.8")
    assert got["48小时未送达"] == "0"
    gap = charts(page)["gap"]["series"]     # a point is [households, building]
    assert [s["data"] for s in gap] == [[[0, "B5"]], [[132, "B5"]]]      # B5's 132 sealed households
    assert gantt_lanes(page) == ["1. 透析"]

    page.date_input(key="as_of").set_value(date(2020, 2, 6)).run()
    assert not page.exception
    got = metrics(page)
    assert (got["当日配送（单）"], got["当日配送（公斤）"]) == ("157", "403.5")
    assert direct(date(2020, 2, 6)) == (157, 403.5)
    assert (got["当日出车（趟）"], got["首次出车"], got["最后返回"]) == ("1", "09:20", "11:15")
    # the first delivery day: one door of B5 (26th floor) had no delivery on 02-05 or 02-06
    assert got["48小时未送达"] == "1"
    assert page.dataframe[0].value.to_dict("records") == [
        {"楼栋 · 楼层": "B5 · 26层", "单元": "1", "最近一次配送": "无记录", "距 24:00（小时）": "—"}]

    page.date_input(key="as_of").set_value(date(2020, 2, 5)).run()
    assert not page.exception
    got = metrics(page)
    # before the first delivery: all 132 sealed households of B5 unreached, no trip at all
    assert (got["当日配送（单）"], got["48小时未送达"], got["当日出车（趟）"], got["首次出车"]) == (
        "0", "132", "0", "—")
    assert any("所选楼栋和日期没有数据" in info.value for info in page.info)   # no trips that day


def test_a_building_without_seals_says_so(demo_env):
    page = open_page(building="A1", as_of="2020-02-10")
    assert metrics(page)["48小时未送达"] == "0"
    assert any("没有封控住户" in info.value for info in page.info)


def test_english_on_the_demo(demo_env):
    page = open_page(as_of="2020-02-10", lang="English")
    got = metrics(page)
    assert (got["Vehicle trips"], got["First out"], got["Last back"], got["Hours out"]) == (
        "4", "08:30", "15:20", "6.5")
    assert got["Not reached 48 h"] == "0"
    assert any(c.value == "Trips on 2020-02-10" for c in page.caption)
    legend = {s["name"] for s in charts(page)["by_source"]["series"]}
    assert legend == {"Donated", "Group-buy", "Online", "Government"}
    assert page.dataframe[-1].value["Purpose"].tolist() == ["Prenatal check", "Dialysis", "Emergency", "Surgery"]


def test_open_values_a_blank_source_and_a_trip_without_return(own_store, monkeypatch, tmp_path):
    open_demo(monkeypatch, own_store, tmp_path)
    page = open_page(as_of="2020-02-10", range=["2020-02-08", "2020-02-10"])
    assert "趋势 2020-02-08 至 2020-02-10" in page.caption[0].value
    got = metrics(page)
    assert (got["当日配送（单）"], got["当日配送（公斤）"], got["当日出车（趟）"]) == ("2", "8.0", "3")
    assert (got["出车时长（小时）"], got["最后返回"], got["48小时未送达"]) == ("2.5", "15:00", "2")
    assert any("1 趟未登记返回时间" in c.value for c in page.caption)
    shown = charts(page)
    assert {s["name"] for s in shown["by_category"]["series"]} == {"蔬菜", "口罩", "米面油"}
    assert {s["name"] for s in shown["by_source"]["series"]} == {"捐赠", "未注明来源", "政府调配", "网购"}
    gap = page.dataframe[0].value
    assert gap["楼栋 · 楼层"].tolist() == ["D2 · 1层", "C1 · 2层"]
    assert gap["最近一次配送"].tolist() == ["无记录", "2020-02-08 23:59"]
    trips = page.dataframe[-1].value
    assert trips["事由"].tolist() == ["透析", "急诊", "送检"]
    assert trips["返回"].tolist() == ["09:10", "未登记返回", "15:00"]
    assert trips["服务住户（楼栋 · 楼层）"].tolist() == ["C1 · 3层", "D2 · 1层", "—"]
    assert trips["司机"].tolist() == ["刘*", "陈*", "刘*"]


def test_a_room_columns_label_says_what_it_holds(own_store, monkeypatch, users, browser_cookies):
    """Masked, the households not reached show building · floor under that label; a commander
    sees the rooms themselves, under "房号" (the label used to say building · floor there too)."""
    monkeypatch.setenv("SITREP_STORE", str(own_store))
    sign_in(browser_cookies, "yu")
    page = open_page(as_of="2020-02-10", range=["2020-02-08", "2020-02-10"])
    gap = page.dataframe[0].value
    assert "楼栋 · 楼层" not in gap.columns
    assert all("层" not in room for room in gap["房号"])
    trips = page.dataframe[-1].value
    assert "服务住户（房号）" in trips.columns and "服务住户（楼栋 · 楼层）" not in trips.columns
