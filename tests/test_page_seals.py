"""封控楼层 Sealed floors: known answers for its queries on the hand-built fixture
(tests/fixture/*.csv, plus tests/fixture_seals/ for buildings without a position and a seal
still in force), and the page through dashboard.py on the demo.

The fixture, as the queries see it:
- A1: 6 floors; households 101, 102 (floor 1), 201 (floor 2, chronic), 301 (floor 3).
  B5: 10 floors; households 301, 302 (floor 3), 501, 502 (floor 5, unit 2), 901 (floor 9).
- Seals: B5 whole from 02-04, lifted 02-08; A1 floors 2-3 from 02-06, lifted 02-09 (a second
  row with the same key records the lift).
- Cases: C1 B5-0901 confirmed 02-03 (hospitalised); C2 A1-0201 suspected 02-06, confirmed 02-07;
  C3 B5-0301 suspected 02-05, ruled out 02-07.
- Deliveries: B5-0301 02-06 08:30, B5-0302 02-06 09:00, A1-0101 02-06 15:00, A1-0201 02-07 08:00.
- Screenings: 02-06 A1-0101 36.5, A1-0201 37.3, B5-0301 37.8, B5-0302 36.6; 02-07 A1-0101 36.6,
  B5-0301 36.9.
"""
from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest

from sitrep import config
from sitrep.app import privacy
from sitrep.app import seals_drill as drill
from sitrep.app.figures import seals as figures
from sitrep.app.figures.colors import STATUS
from sitrep.store.queries import run

from .conftest import FIXTURE_COMPOUND as C
from .conftest import REPO, app, clean_import, metrics, readonly

D = date(2020, 2, 6)


def floor_state(con, day, buildings=()):
    frame = run(con, "seals_floor_state", compound=C, buildings=list(buildings), as_of=day)
    return frame.set_index(["building", "floor"])


# ------------------------------------------------------------------ seals_floor_state

def test_floor_state_on_02_06_every_floor_of_both_buildings(fixture_con):
    frame = floor_state(fixture_con, D)
    # every floor is a cell: A1 1-6, then B5 1-10
    assert list(frame.index) == [("A1", f) for f in range(1, 7)] + [("B5", f) for f in range(1, 11)]
    # B5 is sealed whole (02-04 until 02-08): all 10 floors; A1 floors 2-3 sealed from 02-06
    assert frame.loc["B5", "seal_state"].tolist() == ["sealed_building"] * 10
    assert frame.loc["A1", "seal_state"].tolist() == [
        "open", "sealed_floor", "sealed_floor", "open", "open", "open"]
    assert frame.loc[("B5", 4), "sealed_since"].date() == date(2020, 2, 4)
    assert frame.loc[("A1", 2), "sealed_since"].date() == date(2020, 2, 6)
    assert pd.isna(frame.loc[("A1", 1), "sealed_since"])
    # households of a sealed floor are sealed: A1-201, A1-301, and B5's 5
    assert frame["households"].sum() == 9 and frame["sealed_households"].sum() == 7
    assert frame.loc[("B5", 3), ["households", "sealed_households"]].tolist() == [2, 2]
    assert frame.loc[("A1", 1), ["households", "sealed_households"]].tolist() == [2, 0]
    # cases on the day: C1 (B5 9, confirmed), C2 (A1 2, suspected from 02-06), C3 (B5 3, suspected)
    cases = frame[frame["cases"] > 0][["confirmed", "suspected", "asymptomatic"]]
    assert cases.to_dict("index") == {
        ("A1", 2): {"confirmed": 0, "suspected": 1, "asymptomatic": 0},
        ("B5", 3): {"confirmed": 0, "suspected": 1, "asymptomatic": 0},
        ("B5", 9): {"confirmed": 1, "suspected": 0, "asymptomatic": 0},
    }
    # the last delivery up to the end of 02-06 (A1-0201's on 02-07 is not yet)
    assert frame.loc[("B5", 3), "last_delivery_at"] == datetime(2020, 2, 6, 9, 0)
    assert frame.loc[("A1", 1), "last_delivery_at"] == datetime(2020, 2, 6, 15, 0)
    assert pd.isna(frame.loc[("A1", 2), "last_delivery_at"])


def test_floor_state_on_02_08_only_a1_2_3_sealed(fixture_con):
    frame = floor_state(fixture_con, date(2020, 2, 8))
    states = frame["seal_state"]
    # B5 lifted on 02-08 (open that day); A1 2-3 until 02-09
    assert states[states != "open"].to_dict() == {
        ("A1", 2): "sealed_floor", ("A1", 3): "sealed_floor",
        ("B5", 9): "case",          # C1 still a case, its floor no longer sealed
    }
    assert frame["sealed_households"].sum() == 2
    # C3 ruled out on 02-07: B5 3 has no case any more; C2 is confirmed now
    assert frame.loc[("B5", 3), "cases"] == 0
    assert frame.loc[("A1", 2), ["cases", "confirmed", "suspected"]].tolist() == [1, 1, 0]
    assert frame.loc[("A1", 2), "last_delivery_at"] == datetime(2020, 2, 7, 8, 0)


def test_floor_state_follows_the_building_filter(fixture_con):
    frame = floor_state(fixture_con, D, ["B5"])
    assert list(frame.index) == [("B5", f) for f in range(1, 11)]
    assert frame["sealed_households"].sum() == 5 and (frame["cases"] > 0).sum() == 2


# ------------------------------------------------------------------------ seals_daily

def daily(con, buildings):
    frame = run(con, "seals_daily", compound=C, buildings=buildings,
                date_from=date(2020, 2, 5), date_to=date(2020, 2, 8))
    assert [d.date() for d in frame["day"]] == [date(2020, 2, d) for d in (5, 6, 7, 8)]
    return {col: frame[col].tolist() for col in frame.columns if col != "day"}


def test_daily_all_buildings(fixture_con):
    assert daily(fixture_con, []) == {
        "sealed_buildings": [1, 1, 1, 0],        # B5 whole until 02-08
        "sealed_floors": [10, 12, 12, 2],        # + A1 2-3 from 02-06
        "sealed_households": [5, 7, 7, 2],       # B5's 5; + A1-201, A1-301
        # 02-05: C1 (B5 9), C3 (B5 3); 02-06: + C2 (A1 2); 02-07: C3 ruled out
        "case_floors": [2, 3, 2, 2],
    }


def test_daily_building_b5(fixture_con):
    assert daily(fixture_con, ["B5"]) == {
        "sealed_buildings": [1, 1, 1, 0],
        "sealed_floors": [10, 10, 10, 0],
        "sealed_households": [5, 5, 5, 0],
        "case_floors": [2, 2, 1, 1],
    }


# -------------------------------------------------------------------- seals_intervals

def intervals(con, date_from, date_to, buildings=()):
    frame = run(con, "seals_intervals", compound=C, buildings=list(buildings),
                date_from=date_from, date_to=date_to)
    return [
        {k: (v.date() if isinstance(v, pd.Timestamp) else None if pd.isna(v) else v)
         for k, v in row.items()}
        for row in frame.to_dict("records")]


def test_intervals_group_floors_and_clip_to_the_range(fixture_con):
    assert intervals(fixture_con, date(2020, 2, 5), date(2020, 2, 8)) == [
        # A1 2 and 3: one seal of two floors, two households (A1-201, A1-301)
        {"building": "A1", "is_whole_building": False, "floor_from": 2, "floor_to": 3,
         "sealed_from": date(2020, 2, 6), "sealed_until": date(2020, 2, 9), "reason": "suspected",
         "households": 2, "bar_from": date(2020, 2, 6), "bar_until": date(2020, 2, 9)},
        # B5 whole: its bar starts at the range (02-05), not at 02-04
        {"building": "B5", "is_whole_building": True, "floor_from": None, "floor_to": None,
         "sealed_from": date(2020, 2, 4), "sealed_until": date(2020, 2, 8), "reason": "confirmed",
         "households": 5, "bar_from": date(2020, 2, 5), "bar_until": date(2020, 2, 8)},
    ]
    # a range ending 02-06: both bars end at the end of 02-06 (02-07 exclusive)
    got = intervals(fixture_con, date(2020, 2, 3), date(2020, 2, 6))
    assert [(r["building"], r["bar_from"], r["bar_until"]) for r in got] == [
        ("A1", date(2020, 2, 6), date(2020, 2, 7)), ("B5", date(2020, 2, 4), date(2020, 2, 7))]
    assert [r["building"] for r in intervals(fixture_con, D, D, ["B5"])] == ["B5"]


def test_intervals_empty_after_every_lift(fixture_con):
    # A1 was lifted on 02-09: open that day
    assert intervals(fixture_con, date(2020, 2, 9), date(2020, 2, 10)) == []


# ------------------------------------------------------------- seals_building_state

def test_building_state_with_footprints(fixture_con):
    frame = run(fixture_con, "seals_building_state", compound=C, buildings=["A1"], as_of=D)
    got = frame.set_index("building").drop(columns=["x_m", "y_m", "width_m", "depth_m"])
    assert got.to_dict("index") == {
        # A1 floors 2-3 sealed on their own: 2 floors, A1-201 and A1-301; C2 on floor 2
        "A1": {"floors": 6, "seal_state": "sealed_floor", "sealed_floors": 2, "sealed_households": 2,
               "households": 4, "cases": 1, "case_floors": 1, "is_in_filter": True,
               "x0": -9.0, "x1": 9.0, "y0": -7.0, "y1": 7.0},        # centre 0,0; 18 x 14 m
        # B5 sealed whole; C1 and C3 (not ruled out until 02-07); outside the filter, still drawn
        "B5": {"floors": 10, "seal_state": "sealed_building", "sealed_floors": 10,
               "sealed_households": 5, "households": 5, "cases": 2, "case_floors": 2,
               "is_in_filter": False, "x0": 31.0, "x1": 49.0, "y0": -7.0, "y1": 7.0},
    }
    later = run(fixture_con, "seals_building_state", compound=C, buildings=[], as_of=date(2020, 2, 8))
    assert later[["building", "seal_state", "sealed_floors", "cases"]].values.tolist() == [
        ["A1", "sealed_floor", 2, 1], ["B5", "case", 0, 1]]      # B5 lifted, C1 still a case


@pytest.fixture(scope="module")
def seals_con(tmp_path_factory):
    """tests/fixture_seals: P1 placed at (10, 10), 20 x 10 m; U1 and U2 without a position or
    size; U2 floors 3-4 sealed from 02-06, never lifted."""
    folder = tmp_path_factory.mktemp("fixture_seals_store")
    yield from readonly(clean_import(folder, REPO / "tests" / "fixture_seals", C))


def test_building_state_lays_out_unplaced_buildings_on_a_grid(seals_con):
    frame = run(seals_con, "seals_building_state", compound=C, buildings=[], as_of=D)
    got = frame[["building", "x_m", "y_m", "width_m", "depth_m", "seal_state", "sealed_floors"]]
    # the grid starts 30 m beyond P1's far edge (10 + 10/2 = 15 -> 45), 40 m apart, 20 x 12 m
    assert got.values.tolist() == [
        ["P1", 10.0, 10.0, 20.0, 10.0, "open", 0],
        ["U1", 0.0, 45.0, 20.0, 12.0, "open", 0],
        ["U2", 40.0, 45.0, 20.0, 12.0, "sealed_floor", 2],
    ]


def test_intervals_of_a_seal_still_in_force_run_to_the_end_of_the_range(seals_con):
    frame = run(seals_con, "seals_intervals", compound=C, buildings=[], date_from=D,
                date_to=date(2020, 2, 10))
    row = frame.iloc[0]
    assert (row["building"], row["floor_from"], row["floor_to"]) == ("U2", 3, 4)
    assert pd.isna(row["sealed_until"]) and row["bar_until"].date() == date(2020, 2, 11)


# ---------------------------------------------------------- seals_floor_households

def households(con, building, floor, day):
    return run(con, "seals_floor_households", compound=C, building=building, floor=floor,
               as_of=day, fever_c=config.FEVER_C)


def test_floor_households_a1_floor_2(fixture_con):
    frame = households(fixture_con, "A1", 2, D)
    assert "phone" not in frame.columns
    row = frame.iloc[0].to_dict()
    assert len(frame) == 1
    assert (row["building"], row["floor"], row["unit"], row["room"], row["residents"]) == (
        "A1", 2, "1", "201", 1)
    assert list(row["vulnerable"]) == ["chronic"] and row["seal_state"] == "sealed_floor"
    # no delivery yet on 02-06 (A1-0201's is on 02-07); screened once at 37.3, which is fever
    assert pd.isna(row["last_delivery_at"]) and row["deliveries"] == 0
    assert (row["screenings"], row["fever_screenings"]) == (1, 1)
    # the next day: the delivery typed as A1-0201 reaches room 201
    row = households(fixture_con, "A1", 2, date(2020, 2, 7)).iloc[0]
    assert row["last_delivery_at"] == datetime(2020, 2, 7, 8, 0) and row["deliveries"] == 1


def test_floor_households_whole_building_b5(fixture_con):
    frame = households(fixture_con, "B5", None, D)
    assert frame[["floor", "unit", "room", "residents", "seal_state", "deliveries", "screenings",
                  "fever_screenings"]].values.tolist() == [
        [3, "1", "301", 2, "sealed_building", 1, 1, 1],     # 20斤 vegetables; 37.8
        [3, "1", "302", 2, "sealed_building", 1, 1, 0],     # fruit; 36.6
        [5, "1", "501", 1, "sealed_building", 0, 0, 0],
        [5, "2", "502", 3, "sealed_building", 0, 0, 0],
        [9, "1", "901", 2, "sealed_building", 0, 0, 0],
    ]
    assert frame["last_delivery_at"].tolist()[:2] == [datetime(2020, 2, 6, 8, 30),
                                                      datetime(2020, 2, 6, 9, 0)]
    # 02-08: B5 lifted; B5-301 screened twice by then (37.8, 36.9), once with fever
    later = households(fixture_con, "B5", 3, date(2020, 2, 8))
    assert later["seal_state"].tolist() == ["open", "open"]
    assert later[["screenings", "fever_screenings"]].values.tolist() == [[2, 1], [1, 0]]


def test_the_drill_down_table_masks_rooms_and_labels_codes(fixture_con):
    masked = privacy.mask_personal(households(fixture_con, "A1", None, D), "zh")   # as ui.query does
    shown, columns = drill.households_table(masked, "zh")
    table = shown[list(columns)].rename(columns=columns)
    assert table["楼栋 · 楼层"].tolist() == ["A1 · 1层", "A1 · 1层", "A1 · 2层", "A1 · 3层"]
    assert table["重点人群"].tolist() == ["老人", "", "慢性病", "儿童、老人"]
    assert not any("01" in str(v) for v in table["楼栋 · 楼层"])   # no room numbers
    shown, _ = drill.households_table(households(fixture_con, "A1", 3, D), "en")
    assert shown["vulnerable"].tolist() == ["Child, Elderly"]          # as typed: 儿童、老人


# ----------------------------------------------------------- the page on the demo

def page(**query):
    at = app(**query)
    at.run()
    at.switch_page("pages/seals.py").run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def chart(at, key: str) -> dict:
    """The ECharts option of the chart with `key`, as sent to the browser."""
    for element in at.get("echarts_chart"):
        if element.proto.id.endswith(key) or key in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key}")


def grid_traces(at) -> dict:
    """The floor grid's series: name -> list of (building, floor)."""
    spec = json.loads(at.get("echarts_chart")[0].proto.spec)
    return {series["name"]: [(p[0], int(p[1])) for p in series["data"]] for series in spec["series"]}


def send(at, element, value: dict):
    """What the browser sends when a chart point or a pydeck object is clicked: the chart's
    widget state as JSON. AppTest has no click for charts, so the message is built here."""
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.string_value = json.dumps(value)
    at._run(states)
    assert not at.exception, at.exception


KEYS = ("封控楼栋", "封控楼层", "封控住户", "有病例楼层")


def test_b5_on_the_report_day_then_lifted(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    assert at.slider(key="seals_day").value == date(2020, 2, 10)
    got = metrics(at)
    # B5: 33 floors x 4 households sealed whole from 02-04 until 02-22;
    # cases C001 (floor 9), C002 (21) and C005 (13, suspected 02-07, confirmed 02-08)
    assert tuple(got[k] for k in KEYS) == ("1", "33", "132", "3")
    traces = grid_traces(at)
    assert len(traces["整栋封控"]) == 33 and traces["有病例"] == [("B5", 9), ("B5", 13), ("B5", 21)]
    # the global as-of date moves the day slider with it
    at.date_input(key="as_of").set_value(date(2020, 3, 1)).run()
    assert at.slider(key="seals_day").value == date(2020, 3, 1)
    got = metrics(at)
    assert tuple(got[k] for k in KEYS) == ("0", "0", "0", "3")   # lifted; the cases remain
    assert len(grid_traces(at)["有病例·未封控"]) == 3


def test_the_day_slider_replays_the_lift(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    at.slider(key="seals_day").set_value(date(2020, 2, 21)).run()
    assert metrics(at)["封控住户"] == "132"
    at.slider(key="seals_day").set_value(date(2020, 2, 22)).run()      # lifted that day
    got = metrics(at)
    assert (got["封控楼层"], got["封控住户"]) == ("0", "0")
    assert at.date_input(key="as_of").value == date(2020, 2, 10)        # page-local: global unchanged


DAY_MS = 86_400_000
FEB_04_MS = 1_580_774_400_000        # 2020-02-04 00:00 UTC: 18,296 days after 1970-01-01


def test_timeline_and_trend_of_b5(demo_env):
    at = page(building="B5", as_of="2020-02-10", range=["2020-02-01", "2020-03-13"])
    timeline = chart(at, "seals_timeline")
    base, whole, floors = timeline["series"]
    # one seal: B5 whole from 02-04 (lifted 02-22: 14 days after C005's last day, 02-08), a bar
    # of 22 - 4 = 18 days stacked on a transparent base reaching 02-04
    assert base["data"] == [[FEB_04_MS, 0]] and base["itemStyle"]["color"] == "transparent"
    assert FEB_04_MS == 18_296 * DAY_MS
    assert whole["name"] == "整栋封控" and whole["stack"] == base["stack"] == floors["stack"]
    assert whole["data"] == [[18 * DAY_MS, 0, "B5 · 整栋", "B5 · 整栋\n02-04 至 02-22\n原因 确诊 · 住户 132"]]
    assert floors["data"] == [[None, 0, "B5 · 整栋", whole["data"][0][3]]]      # not a run of floors
    assert timeline["yAxis"]["data"] == ["B5 · 整栋"] and timeline["legend"]["data"] == ["整栋封控", "楼层封控"]
    # the axis runs over the range, 02-01 to the end of 03-13 (42 days); the as-of day shaded
    hidden, days = timeline["xAxis"]
    assert (hidden["min"], hidden["max"]) == (days["min"], days["max"]) == (
        FEB_04_MS - 3 * DAY_MS, FEB_04_MS + 39 * DAY_MS)
    assert base["markArea"]["data"] == [[{"xAxis": FEB_04_MS + 6 * DAY_MS}, {"xAxis": FEB_04_MS + 7 * DAY_MS}]]
    # spreadsheet text in the hover: drawn as plain text, never as HTML
    assert timeline["tooltip"]["renderMode"] == "richText" and timeline["useUTC"] is True
    trend = chart(at, "seals_trend")
    points = dict((day, value) for day, value in trend["series"][0]["data"])
    # 33 floors x 4 households of B5 on every day from 02-04 to 02-21, none before or after
    assert points["2020-02-03"] == 0 and points["2020-02-04"] == points["2020-02-21"] == 132
    assert points["2020-02-22"] == 0 and sum(points.values()) == 18 * 132
    assert trend["series"][0]["markArea"]["data"] == [[{"xAxis": "2020-02-10"}, {"xAxis": "2020-02-11"}]]


def test_the_grid_hover_is_plain_text(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    spec = chart(at, "seals_grid")
    assert spec["tooltip"] == {**spec["tooltip"], "trigger": "item", "renderMode": "richText",
                               "formatter": "{@[2]}"}
    thirteen = spec["series"][0]["data"][12]
    # C005: suspected 02-07, confirmed 02-08; one household of 4 on the floor had a case
    # each point named by its cell: ECharts keeps a selection by name (else the x category, B5)
    assert spec["series"][0]["encode"]["itemName"] == 3 and thirteen[3] == "B5:13"
    assert thirteen[:2] == ["B5", "13"] and thirteen[2].split("\n")[:4] == [
        "B5 · 13层", "整栋封控（自 02-04 起）", "封控住户 4 / 住户 4", "病例 1（确诊 1）"]
    assert "<" not in json.dumps(spec, ensure_ascii=False)          # no markup anywhere
    # the case dots are silent: a click or a hover reaches the square under it
    assert spec["series"][4]["silent"] is True and all(s["selectedMode"] == "single" for s in spec["series"])


def test_cards_read_the_same_numbers_with_or_without_the_trend_range(demo_env):
    # the range holds 02-09 and 02-10: the cards read the trend's rows
    held = metrics(page(building="B5", as_of="2020-02-10", range=["2020-02-01", "2020-03-13"]))
    # the range starts after the as-of day: the cards ask for their two days
    apart = metrics(page(building="B5", as_of="2020-02-10", range=["2020-02-12", "2020-03-13"]))
    assert tuple(held[k] for k in KEYS) == tuple(apart[k] for k in KEYS) == ("1", "33", "132", "3")
    assert held == apart
    # on the day of the lift (02-22) every card falls by what was sealed the day before
    at = page(building="B5", as_of="2020-02-22", range=["2020-02-01", "2020-03-13"])
    deltas = {m.label: m.delta for m in at.metric}
    assert [deltas[k] for k in KEYS[:3]] == ["-1", "-33", "-132"]


def test_all_buildings_on_02_13(demo_env):
    at = page(as_of="2020-02-13")
    got = metrics(at)
    # A6, B2, B5 whole (11 + 18 + 33 floors), B7 whole from 02-12 (26), A3 6-8 from 02-13 (3)
    assert tuple(got[k] for k in KEYS) == ("4", "91", "392", "7")
    assert len(grid_traces(at)["楼层封控"]) == 3


def test_drill_down_by_clicking_a_square(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    assert not at.dataframe                                   # nothing chosen yet
    # ECharts reports the series and the point's index in it: series 0 (sealed whole), point
    # 12 = B5's 13th floor (B5's floors 1..33 in order)
    send(at, at.get("echarts_chart")[0], {"selection": {"selected": [
        {"series_index": 0, "series_id": None, "series_name": "整栋封控", "data_type": "main",
         "data_indices": [12]}], "areas": []}})
    assert at.selectbox(key="seals_cell").value == "B5:13"
    table = at.dataframe[0].value
    assert len(table) == 4 and set(table["楼栋 · 楼层"]) == {"B5 · 13层"}
    assert set(table["封控状态"]) == {"整栋封控"}
    assert not any(c.startswith("13") for c in table.astype(str).to_numpy().ravel())  # no room
    assert any("B5 · 13层：整栋封控 · 住户 4 · 封控住户 4 · 病例 1" in c.value for c in at.caption)


def test_drill_down_by_choosing_a_floor_and_a_whole_building(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    at.selectbox(key="seals_cell").set_value("B5:9").run()
    assert len(at.dataframe[0].value) == 4
    at.selectbox(key="seals_cell").set_value("B5").run()
    assert len(at.dataframe[0].value) == 132


def test_picking_a_building_on_the_plan_filters_every_page(demo_env):
    at = page(as_of="2020-02-10")
    deck = at.get("deck_gl_json_chart")[0]
    send(at, deck, {"selection": {"indices": {"seals_buildings": [12]},
                                  "objects": {"seals_buildings": [{"building": "B5"}]}}})
    assert at.multiselect(key="building").value == ["B5"]
    assert at.selectbox(key="seals_cell").value == "B5"
    assert tuple(metrics(at)[k] for k in KEYS) == ("1", "33", "132", "3")


def test_the_site_plan_has_no_basemap_and_colours_by_state(demo_env):
    at = page(building="B5", as_of="2020-02-10")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "mapStyle" not in spec and "mapProvider" not in spec    # no tiles, no token
    assert [v["@@type"] for v in spec["views"]] == ["OrbitView"]
    footprints = spec["layers"][0]
    assert footprints["coordinateSystem"] == "cartesian" and footprints["extruded"]
    fills = {row["building"]: row["fill"] for row in footprints["data"]}
    assert len(fills) == 16                                         # the plan keeps every building
    assert fills["B5"] == figures.rgb(STATUS["sealed_building"], 235)
    assert fills["B2"] == figures.rgb(STATUS["sealed_building"], 70)  # sealed, outside the filter
    assert fills["B6"] == figures.rgb(STATUS["open"], 70)


def test_english(demo_env):
    at = page(building="B5", as_of="2020-02-10", lang="English")
    got = metrics(at)
    assert (got["Sealed buildings"], got["Sealed floors"], got["Sealed households"],
            got["Floors with a case"]) == ("1", "33", "132", "3")
    assert "Whole building sealed" in grid_traces(at)
    at.selectbox(key="seals_cell").set_value("B5:1").run()
    table = at.dataframe[0].value
    assert set(table["Building · floor"]) == {"B5 · floor 1"} and "Elderly" in set(table["Vulnerable"])


def test_a_range_without_seals_shows_the_empty_state(demo_env):
    at = page(building="B5", as_of="2020-03-10")
    at.date_input(key="range").set_value((date(2020, 3, 8), date(2020, 3, 13))).run()
    assert not at.exception
    assert [i.value for i in at.info] == ["所选楼栋和日期没有数据。"]     # the timeline's empty state
    assert tuple(metrics(at)[k] for k in KEYS)[:3] == ("0", "0", "0")


def test_helpers_read_the_selection_events():
    spec = {"series": [{"data": [["A1", "2", "…"], ["A1", "3", "…"]]}, {"data": [["B5", "9", "…"]]}]}
    picked = {"selection": {"selected": [{"series_index": 0, "data_indices": [1]}], "areas": []}}
    assert drill.picked_cell(picked, spec, []) == ("A1:3", ["A1:3"])
    # each series keeps its own selection: the cell just clicked is the one not selected before
    both = {"selection": {"selected": [{"series_index": 0, "data_indices": [1]},
                                       {"series_index": 1, "data_indices": [0]}]}}
    assert drill.picked_cell(both, spec, ["A1:3"]) == ("B5:9", ["A1:3", "B5:9"])
    assert drill.picked_cell({"selection": {"selected": []}}, spec, ["A1:3"]) == (None, [])
    # indices the drawn option does not have (a stale selection after the data changed) pick nothing
    stale = {"selection": {"selected": [{"series_index": 0, "data_indices": [7]},
                                        {"series_index": 5, "data_indices": [0]}]}}
    assert drill.picked_cell(stale, spec, []) == (None, [])
    assert drill.picked_cell(None, None, []) == (None, [])
    assert drill.picked_building({"selection": {"objects": {"seals_buildings": [
        {"building": "B7"}]}}}) == "B7"
    assert drill.picked_building(None) is None
    assert drill.parse_cell("B5:13") == ("B5", 13) and drill.parse_cell("B5") == ("B5", None)
    assert figures.rgb("#b2182b") == [178, 24, 43, 255]
