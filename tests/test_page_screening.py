"""The screening page (排查趋势): known answers for its queries on the hand-built fixtures, the
fever-alert rule on tests/fixture_screening/, and the page through AppTest.

Expected rows were worked out by hand from the CSV files, not by running the queries."""
from __future__ import annotations

import json
from datetime import date

import pytest

from sitrep import config
from sitrep.store.queries import run

from .conftest import FIXTURE_COMPOUND, REPO, app, clean_import, metrics, readonly

C = FIXTURE_COMPOUND
FEVER = {"fever_c": config.FEVER_C}
RULE = config.FEVER_ALERT   # baseline_days=7, factor=2.0, min_count=2
SCREENING_FIXTURE = REPO / "tests" / "fixture_screening"


def assert_columns(frame, expected: dict):
    """Each column of `frame` named in `expected` holds the expected values, in order."""
    for name, values in expected.items():
        assert frame[name].tolist() == pytest.approx(values), name


# -- screening_daily on tests/fixture -------------------------------------------------------

def daily(con, buildings, date_from=date(2020, 2, 5), date_to=date(2020, 2, 8)):
    frame = run(con, "screening_daily", compound=C, buildings=buildings, date_from=date_from,
                date_to=date_to, ma_days=7, **FEVER)
    assert [d.date() for d in frame["day"]] == [
        date(2020, 2, d) for d in range(date_from.day, date_to.day + 1)]
    return frame


def test_screening_daily_all_buildings(fixture_con):
    frame = daily(fixture_con, [])
    assert set(frame.columns) == {"day", *EXPECTED_ALL}
    assert_columns(frame, EXPECTED_ALL)


EXPECTED_ALL = {
        "households": [9, 9, 9, 9],                 # the register: A1 4 + B5 5
        # 02-06: A1-0101, A1-0201, B5-0301, B5-0302; 02-07: A1-0101, B5-0301; no rows 02-05, 02-08
        "households_screened": [0, 4, 2, 0],
        "coverage_pct": [0.0, 44.4, 22.2, 0.0],     # 4/9, 2/9
        "fever": [0, 2, 0, 0],                      # A1-0201 37.3 (counts), B5-0301 37.8
        "fever_ma": [0.0, 0.29, 0.29, 0.29],        # 2 fevers in the 7 days ending 02-06..02-08
        "watch": [0, 0, 0, 0],
        "reported": [0, 1, 0, 0],                   # A1-0201 上报
        "isolated": [0, 0, 0, 0],
        "to_hospital": [0, 1, 0, 0],                # B5-0301 送医
        "cleared": [0, 0, 0, 0],
        "suspected_new": [1, 1, 0, 0],              # C3 reported 02-05, C2 02-06
        "confirmed_new": [0, 0, 1, 0],              # C2 suspected -> confirmed 02-07
        "ruled_out": [0, 0, 1, 0],                  # C3 ruled out 02-07
        "suspected": [1, 2, 0, 0],                  # C3; C3 + C2; C2 confirmed, C3 ruled out
        "confirmed_total": [1, 1, 2, 2],            # C1 (02-03); + C2
}


def test_screening_daily_building_b5(fixture_con):
    frame = daily(fixture_con, ["B5"])
    assert_columns(frame, {
        "households": [5, 5, 5, 5],
        "households_screened": [0, 2, 1, 0],        # B5-0301, B5-0302; B5-0301
        "coverage_pct": [0.0, 40.0, 20.0, 0.0],
        "fever": [0, 1, 0, 0],                      # B5-0301 37.8
        "to_hospital": [0, 1, 0, 0],
        "reported": [0, 0, 0, 0],                   # the 上报 was A1's
        "suspected": [1, 1, 0, 0],                  # C3 (B5-0301) only; C2 lives in A1
        "confirmed_total": [1, 1, 1, 1],            # C1 (B5-0901)
    })


def test_screening_daily_counts_the_day_before_the_window_and_days_without_rows(fixture_con):
    # a one-day window on 02-07 still sees the change since 02-06 and 02-06's fevers in the average
    frame = daily(fixture_con, [], date(2020, 2, 7), date(2020, 2, 7))
    row = frame.iloc[0]
    assert (row["confirmed_new"], row["ruled_out"], row["suspected_new"]) == (1, 1, 0)
    assert row["fever_ma"] == pytest.approx(0.29)   # 2 / 7
    # before any screening: a row of zeros, not a missing day
    frame = daily(fixture_con, ["A1"], date(2020, 2, 3), date(2020, 2, 4))
    assert frame["households_screened"].tolist() == [0, 0] and frame["fever"].tolist() == [0, 0]
    assert frame["households"].tolist() == [4, 4] and frame["confirmed_total"].tolist() == [0, 0]


# -- screening_fever_by_building_day on tests/fixture --------------------------------------

def test_screening_fever_by_building_day(fixture_con):
    frame = run(fixture_con, "screening_fever_by_building_day", compound=C, buildings=[],
                date_from=date(2020, 2, 5), date_to=date(2020, 2, 8), ma_days=7, **FEVER)
    assert frame["building"].tolist() == ["A1"] * 4 + ["B5"] * 4
    assert_columns(frame, {
        "fever": [0, 1, 0, 0, 0, 1, 0, 0],          # A1-0201 37.3; B5-0301 37.8, both 02-06
        "fever_ma": [0, 0.14, 0.14, 0.14, 0, 0.14, 0.14, 0.14],   # 1 / 7
        "households_screened": [0, 2, 1, 0, 0, 2, 1, 0],
    })
    only_b5 = run(fixture_con, "screening_fever_by_building_day", compound=C, buildings=["B5"],
                  date_from=date(2020, 2, 6), date_to=date(2020, 2, 6), ma_days=7, **FEVER)
    assert only_b5[["building", "fever"]].values.tolist() == [["B5", 1]]


# -- screening_key_dates on tests/fixture ---------------------------------------------------

def key_dates(con, buildings, date_from=date(2020, 2, 1), date_to=date(2020, 2, 10)):
    frame = run(con, "screening_key_dates", compound=C, buildings=buildings, date_from=date_from,
                date_to=date_to)
    return [(d.date(), kind, items, b if isinstance(b, str) else None)
            for d, kind, items, b in frame.itertuples(index=False)]


def test_screening_key_dates(fixture_con):
    assert key_dates(fixture_con, []) == [
        (date(2020, 2, 3), "confirmed", 1, "B5"),        # C1
        (date(2020, 2, 4), "seal", 1, "B5"),             # B5 whole
        (date(2020, 2, 6), "seal", 1, "A1"),             # A1 floors 2-3: one building
        # V01 (Party member) and V02 (Lei Feng) joined 02-06; V04, a doctor, joined 02-05 and
        # V03 is in the task force: neither answered the call
        (date(2020, 2, 6), "volunteer_call", 1, None),
        (date(2020, 2, 7), "confirmed", 1, "A1"),        # C2 became confirmed 02-07
        (date(2020, 2, 8), "unseal", 1, "B5"),
        (date(2020, 2, 9), "unseal", 1, "A1"),
    ]   # the fixture's compound has no lockdown dates
    assert key_dates(fixture_con, ["B5"]) == [
        (date(2020, 2, 3), "confirmed", 1, "B5"),
        (date(2020, 2, 4), "seal", 1, "B5"),
        (date(2020, 2, 6), "volunteer_call", 1, None),  # the whole compound's
        (date(2020, 2, 8), "unseal", 1, "B5"),
    ]
    assert [k[:2] for k in key_dates(fixture_con, [], date(2020, 2, 5), date(2020, 2, 7))] == [
        (date(2020, 2, 6), "seal"), (date(2020, 2, 6), "volunteer_call"),
        (date(2020, 2, 7), "confirmed")]


# -- the fever alert on tests/fixture_screening ---------------------------------------------
# A1: one fever every day 02-01..02-07 (baseline 1.0/day), 2 on 02-08, 3 on 02-09.
# B5: 10 fevers on 01-31 (outside the 7 days before 02-08), 1 on 02-03, 3 on 02-08 (37.3,
#     37.5, 38.9; the 37.2 is no fever). C2: 1 fever on 02-08. Compound lockdown 02-02..02-10.

@pytest.fixture(scope="module")
def screening_con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_screening")
    yield from readonly(clean_import(folder, SCREENING_FIXTURE, C, lockdown_from=date(2020, 2, 2),
                                     lockdown_until=date(2020, 2, 10)))


def alert(con, as_of, buildings=(), **rule):
    frame = run(con, "screening_fever_alert_by_building", compound=C, buildings=list(buildings),
                as_of=as_of, **FEVER, **{**RULE, **rule})
    return [tuple(r) for r in frame[["building", "fever", "baseline_mean", "threshold",
                                     "is_alert"]].itertuples(index=False)]


def test_fever_alert_when_a_building_jumps_above_its_baseline(screening_con):
    assert alert(screening_con, date(2020, 2, 8)) == [
        # 3 >= 2 and 3 > 2 x 1/7: the 10 fevers of 01-31 are 8 days back, outside the baseline
        ("B5", 3, 0.14, 0.29, True),
        ("A1", 2, 1.0, 2.0, False),     # 2 is not more than 2 x 1.0
        ("C2", 1, 0.0, 0.0, False),     # below the minimum of 2, though its baseline is 0
    ]
    assert alert(screening_con, date(2020, 2, 9)) == [
        ("A1", 3, 1.14, 2.29, True),    # baseline 02-02..02-08: 6 x 1 + 2 = 8, / 7
        ("B5", 0, 0.57, 1.14, False),   # 1 (02-03) + 3 (02-08), / 7
        ("C2", 0, 0.14, 0.29, False),
    ]


def test_fever_alert_takes_its_rule_as_parameters(screening_con):
    assert alert(screening_con, date(2020, 2, 8), ["C2"]) == [("C2", 1, 0.0, 0.0, False)]
    assert alert(screening_con, date(2020, 2, 8), ["C2"], min_count=1)[0][-1] is True
    assert [r[0] for r in alert(screening_con, date(2020, 2, 8), factor=1.0) if r[-1]] == ["B5", "A1"]
    # with 9 baseline days, B5's 01-31 fevers count: (10 + 1) / 9 = 1.22, 3 > 2.44 still
    assert alert(screening_con, date(2020, 2, 8), ["B5"], baseline_days=9) == [
        ("B5", 3, 1.22, 2.44, True)]
    assert alert(screening_con, date(2020, 2, 8), ["B5"], baseline_days=9, factor=3.0)[0][-1] is False


def test_fever_moving_average_looks_back_before_the_window(screening_con):
    frame = run(screening_con, "screening_fever_by_building_day", compound=C, buildings=["B5"],
                date_from=date(2020, 2, 1), date_to=date(2020, 2, 3), ma_days=7, **FEVER)
    assert frame["fever"].tolist() == [0, 0, 1]
    assert frame["fever_ma"].tolist() == pytest.approx([1.43, 1.43, 1.57])   # 10/7, 10/7, 11/7


def test_key_dates_mark_the_compound_lockdown_and_reopening(screening_con):
    frame = run(screening_con, "screening_key_dates", compound=C, buildings=["B5"],
                date_from=date(2020, 2, 1), date_to=date(2020, 2, 10))
    # no seals, cases or volunteers in this fixture: no call is marked
    assert [(d.date(), k) for d, k in frame[["day", "kind"]].itertuples(index=False)] == [
        (date(2020, 2, 2), "lockdown"), (date(2020, 2, 10), "reopen")]


# -- the page through AppTest ---------------------------------------------------------------

def open_page(**query):
    at = app(**query)
    at.run()
    at.switch_page("pages/screening.py").run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def figure(at, key):
    """The ECharts option a chart of the page sent to the browser."""
    for chart in at.get("echarts_chart"):
        if chart.proto.id and key in chart.proto.id:
            return json.loads(chart.proto.spec)
    raise KeyError(key)


def cards(at, lang="zh"):
    got = metrics(at)
    names = (["今日排查户数", "排查覆盖率", "今日发热（户）", "现有疑似", "累计确诊"] if lang == "zh" else
             ["Homes screened", "Coverage", "Fever today", "Suspected now", "Confirmed in all"])
    return tuple(got[n] for n in names)


def test_page_on_the_demo_b5_follows_the_date(demo_env):
    at = open_page(building="B5", as_of="2020-02-10")
    # B5: 132 households all screened on 02-10; one fever (home watch); C005 confirmed 02-08 made 3
    assert cards(at) == ("132", "100.0%", "1", "0", "3")
    assert not at.warning and "2020-02-10" in at.success[0].value        # 1 fever < min 2
    fever = figure(at, "screening_fever_chart")
    bars = fever["series"][0]
    # the default trend range is the lockdown: 02-04 (the gate closed) to 03-13 (the day before
    # it reopened), not 02-01, the first case's report
    assert bars["data"][0][0] == "2020-02-04" and bars["data"][-1][0] == "2020-03-13"
    assert sum(value for _, value in bars["data"]) == 10     # B5's fevers 02-04..03-13 (none before)
    labels = [line["name"] for line in bars["markLine"]["data"]]
    # B5's key dates in the range: lockdown + seal 02-04, the call 02-06, C005 02-08, lifted 02-22
    # (C001 02-01 and C002 02-03 came before it)
    assert labels == ["小区封闭 · 封控 B5", "招募志愿者", "确诊 B5", "解封 B5"]
    table = at.dataframe[0].value                                      # the daily numbers, newest first
    assert table.iloc[0]["日期"] == "2020-03-13" and len(table) == 39  # 02-04..03-13
    events = at.dataframe[1].value                                     # the key dates, as marked
    assert events["事件"].tolist() == ["小区封闭", "封控 B5", "招募志愿者", "确诊 B5", "解封 B5"]

    at.date_input(key="as_of").set_value(date(2020, 2, 22)).run()
    assert not at.exception
    # 02-22: 131 of 132 screened, 2 fevers against 1 + 1 in the 7 days before (0.29 a day)
    assert cards(at) == ("131", "99.2%", "2", "0", "3")
    assert not at.success and len(at.warning) == 1
    assert at.warning[0].value.startswith("B5：2020-02-22 发热 2 户") and "0.29" in at.warning[0].value


def test_page_on_the_demo_all_buildings_in_english(demo_env):
    at = open_page(as_of="2020-02-22", lang="English")
    assert cards(at, "en") == ("1,276", "99.1%", "6", "1", "6")
    # B5 and B6 each had 2 fevers on 02-22 after 2 in the 7 days before
    assert [w.value.split(":")[0] for w in at.warning] == ["B5", "B6"]
    assert at.title[0].value == "Screening trends"
    heat = figure(at, "screening_heatmap")
    assert len(heat["yAxis"]["data"]) == 16 and heat["yAxis"]["data"][0] == "A1"
    # 16 buildings x 39 days (02-04..03-13), one cell each
    assert len(heat["series"][0]["data"]) == 16 * 39 and heat["xAxis"]["data"][0] == "02-04"
    assert heat["tooltip"]["renderMode"] == "richText"        # a building's name is never HTML
    flow = figure(at, "screening_flow_chart")
    assert [d["name"] for d in flow["series"]][:3] == ["New suspected", "Home watch", "Reported"]


def test_page_on_the_fixture_gives_the_hand_worked_numbers(fixture_env):
    at = open_page(as_of="2020-02-06")
    assert cards(at) == ("4", "44.4%", "2", "2", "1")
    at.date_input(key="as_of").set_value(date(2020, 2, 7)).run()
    assert cards(at) == ("2", "22.2%", "0", "0", "2")


def test_page_with_nothing_in_range_shows_the_empty_state(fixture_env):
    at = open_page(building="A1", as_of="2020-02-04")
    at.date_input(key="range").set_value((date(2020, 2, 3), date(2020, 2, 4))).run()
    assert not at.exception and not at.error
    assert cards(at) == ("0", "0.0%", "0", "0", "0")
    assert any("没有数据" in i.value for i in at.info)
    assert not at.get("echarts_chart") and not at.get("plotly_chart")


def test_the_heatmap_colour_key_stops_at_its_step_bound():
    from sitrep.app.figures import screening as fig

    # up to HEAT_STEPS (8) fevers a cell, one colour each: 0 (grey), 1, 2, 3
    assert [p.get("value") for p in fig._heat_pieces(3)] == [0, 1, 2, 3]
    # 12 fevers, over the bound: 0..7 one colour each, then one key for "8+" (min 8, no max)
    pieces = fig._heat_pieces(12)
    assert len(pieces) == 1 + fig.HEAT_STEPS
    assert pieces[-1] == {"min": 8, "label": "8+", "color": pieces[-1]["color"]}
    assert pieces[-1]["color"] == "#67001f"          # the confirmed colour, the scale's top
    assert pieces[1]["color"] == "#f4a582"           # the suspected colour, its bottom
