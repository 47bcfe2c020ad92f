"""The district page (pages/district.py) and the district briefing, on a store of three
compounds (conftest.district_store), through AppTest with known answers worked out from each
compound's own figures, and the district queries on the district view.

The compounds (figures at 24:00 of the day; each is its own summary's, the overview's):
- 福星城 (the demo): data 02-01..03-13, opens on 02-10. On 02-10: 1,288 households; sealed 3
  buildings, 62 floors, 270 households; 5 confirmed, none new; 0 suspected; fever 5 against a
  baseline of 1.71 (12 fevers in the 7 days before / 7): an alert (5 >= 2 and 5 > 2 x 1.71);
  11 households not screened; no request overdue; 716 deliveries; 513.0 volunteer hours.
- 测试小区 (the fixture): data 02-03..02-07, so on 02-10 it shows 02-07 (behind): 9 households;
  sealed 1 building, 12 floors, 7 households; 2 confirmed, 1 new; fever 0; 7 not screened;
  2 requests overdue; 1 delivery; 3.5 hours.
- 小区甲 (tiny, synthetic, on the grid at B3): data 02-03..02-06, shows 02-06 (behind): 3
  households, nothing sealed; fever 3 against (1 + 1) / 7 = 0.29: an alert; everyone screened;
  only buildings, households and screenings ever imported, so its other daily logs are stale.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from sitrep import config
from sitrep.app import filters
from sitrep.app.briefing_text import stale_banner
from sitrep.store import summary
from sitrep.store.queries import run

from .conftest import FIXTURE_COMPOUND, TINY_COMPOUND, app, metrics, open_demo

DEMO = "福星城"
ALL = [DEMO, FIXTURE_COMPOUND, TINY_COMPOUND]


@pytest.fixture
def district_env(district_store, monkeypatch, tmp_path):
    open_demo(monkeypatch, district_store, tmp_path)
    return district_store


@pytest.fixture(scope="module")
def district_con(district_store):
    con = summary.connect_district(district_store)
    yield con
    con.close()


def on_day(con, as_of: date, compounds=ALL, now=datetime(2026, 12, 1, 12, 0)):
    return run(con, "district_compounds_on_day", compounds=compounds, as_of=as_of, now=now,
               stale_hours=config.STALE_HOURS, log_kinds=list(config.LOG_KINDS))


def test_district_span(district_con):
    span = run(district_con, "district_span", compounds=ALL).iloc[0]
    # first data day: 福星城's 02-01; last: its 03-13; opens on the latest of 02-10 (福星城's
    # default as-of), 02-07 (测试小区's last day) and 02-06 (小区甲's)
    assert (span["first_on"].date(), span["last_on"].date(), span["opens_on"].date(), span["compounds"]) == (
        date(2020, 2, 1), date(2020, 3, 13), date(2020, 2, 10), 3)
    assert run(district_con, "district_span", compounds=[FIXTURE_COMPOUND]).iloc[0]["opens_on"].date() == \
        date(2020, 2, 7)
    assert run(district_con, "district_span", compounds=[]).iloc[0]["compounds"] == 0   # nothing in scope


def test_district_compounds_on_day(district_con):
    rows = on_day(district_con, date(2020, 2, 10))
    got = [(r.compound, r.shown_on.date(), r.households, r.sealed_buildings, r.sealed_floors, r.sealed_households,
            r.confirmed_new, r.fever, r.fever_baseline, r.is_fever_alert, r.not_screened, r.medicine_overdue,
            r.is_behind, r.has_stale_kinds, r.reasons, r.state, r.needs_rank) for r in rows.itertuples()]
    assert got == [
        # 测试小区: new case + overdue + not screened (3 actions) + behind (stale) = 4 reasons: first
        (FIXTURE_COMPOUND, date(2020, 2, 7), 9, 1, 12, 7, 1, 0, 0.29, False, 7, 2, True, False, 4, "action", 1),
        # 福星城: fever alert + not screened = 2; before 小区甲 (also 2) by households not screened, 11 > 0
        (DEMO, date(2020, 2, 10), 1288, 3, 62, 270, 0, 5, 1.71, True, 11, 0, False, False, 2, "action", 2),
        # 小区甲: fever alert (3 >= 2, 3 > 0.57) + stale (kinds never imported; and behind) = 2
        (TINY_COMPOUND, date(2020, 2, 6), 3, 0, 0, 0, 0, 3, 0.29, True, 0, 0, True, True, 2, "action", 3),
    ]
    assert rows["is_synthetic"].tolist() == [False, False, True]
    # in scope only: the query reads the compounds it is given
    assert on_day(district_con, date(2020, 2, 10), compounds=[DEMO])["compound"].tolist() == [DEMO]
    # on 02-02 测试小区 (from 02-03) and 小区甲 (from 02-03) have no data yet: no figures, stale
    early = on_day(district_con, date(2020, 2, 2)).set_index("compound")
    assert early.loc[TINY_COMPOUND, "shown_on"] != early.loc[TINY_COMPOUND, "shown_on"]   # NaT
    assert early.loc[FIXTURE_COMPOUND, "state"] == "stale" and early.loc[DEMO, "state"] == "quiet"


def test_a_compound_not_imported_for_a_day_is_stale(district_con):
    # 福星城's logs were imported when the store was built: 25 h later they are stale
    imported = district_con.execute("select max(last_import_at) from district_freshness where compound = $c",
                                    {"c": DEMO}).fetchone()[0]
    later = on_day(district_con, date(2020, 2, 10), now=imported + timedelta(hours=25)).set_index("compound")
    assert bool(later.loc[DEMO, "has_stale_kinds"]) and later.loc[DEMO, "reasons"] == 3   # 2 + stale


def test_district_days_total(district_con):
    days = run(district_con, "district_days_total", compounds=ALL, date_from=date(2020, 2, 5),
               date_to=date(2020, 2, 8)).set_index("day")
    # sealed households: 270 (福星城) + 5 (测试小区, 02-05) + 0 (小区甲) = 275; 02-06: 270 + 7 + 0;
    # 02-07: 270 + 7 (小区甲's data has ended); 02-08: 福星城 alone
    assert days["sealed_households"].tolist() == [275, 277, 277, 270]
    assert days["compounds"].tolist() == [3, 3, 2, 1]
    # fever: 0 + 0 + 1; 2 + 2 + 3; 3 + 0; 5
    assert days["fever"].tolist() == [1, 7, 3, 5]
    # households: 1,288 + 9 + 3 while all three have data
    assert days["households"].tolist() == [1300, 1300, 1297, 1288]
    # a day no compound has: zeros, not a gap
    none = run(district_con, "district_days_total", compounds=[TINY_COMPOUND], date_from=date(2020, 2, 6),
               date_to=date(2020, 2, 7))
    assert none["compounds"].tolist() == [1, 0] and none["fever"].tolist() == [3, 0]


def test_the_district_page_shows_every_compound_needs_first(district_env):
    at = app()
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "全区态势"                  # several compounds: the landing page
    assert at.date_input(key="as_of").value == date(2020, 2, 10)   # the latest day a compound opens on
    shown = metrics(at)
    assert shown["需处理小区"] == "3 / 3"
    assert shown["数据过时"] == "2"                         # 测试小区 (behind), 小区甲 (stale, behind)
    assert shown["封控住户"] == "277"                       # 7 + 270 + 0
    assert shown["新增确诊"] == "1"                         # 1 + 0 + 0
    table = at.dataframe[0].value
    assert table["小区"].tolist() == [FIXTURE_COMPOUND, DEMO, "小区甲（模拟数据）"]   # needs first; synthetic labelled
    assert table["封控住户"].tolist() == [7, 270, 0]
    assert table["今日发热"].tolist() == [0, 5, 3]
    assert table["数据日"].tolist() == ["2020-02-07", "2020-02-10", "2020-02-06"]
    assert table["数据过时"].tolist() == [True, False, True]     # behind; fresh; never imported its logs
    assert table["需要处理"].tolist()[1] == "发热 5 人，高于基线 1.7；11 户未排查"
    # each row opens its compound's sealed floors: the name URL-encoded, the as-of day when it has data
    assert table["打开"].tolist() == [
        "seals?compound=%E6%B5%8B%E8%AF%95%E5%B0%8F%E5%8C%BA",                     # 测试小区: 02-10 after its data
        "seals?compound=%E7%A6%8F%E6%98%9F%E5%9F%8E&as_of=2020-02-10",              # 福星城
        "seals?compound=%E5%B0%8F%E5%8C%BA%E7%94%B2"]
    links = at.get("page_link")
    assert [link.proto.label for link in links] == [FIXTURE_COMPOUND, DEMO, "小区甲（模拟数据）"]
    assert links[1].proto.query_string == "compound=%E7%A6%8F%E6%98%9F%E5%9F%8E&as_of=2020-02-10"
    # the trends: sealed households summed over 02-01..02-10; 02-06 is 270 + 7 + 0
    sealed = next(series for series in json.loads(at.get("echarts_chart")[0].proto.spec)["series"]
                  if series["name"] == "封控住户")
    by_day = dict(sealed["data"])
    assert len(by_day) == 10 and by_day["2020-02-06"] == 277 and by_day["2020-02-10"] == 270
    # the plan: two placed by lat/lon, one on the grid; no basemap style anywhere
    decks = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]
    assert [[r["label"] for r in deck["layers"][0]["data"]] for deck in decks] == [
        [FIXTURE_COMPOUND, DEMO], ["小区甲（模拟数据）"]]   # in needs-me order
    assert all("mapStyle" not in deck and deck["views"][0]["@@type"] == "OrthographicView" for deck in decks)


def test_the_district_page_on_another_day_and_in_english(district_env):
    at = app(as_of="2020-02-06", lang="English")
    at.run()
    assert at.title[0].value == "District"
    table = at.dataframe[0].value
    # on 02-06 every compound has data: 福星城 (20 not screened, fever 2 vs baseline) …
    assert table["Figures of"].tolist() == ["2020-02-06"] * 3
    assert set(table["Compound"]) == {DEMO, FIXTURE_COMPOUND, "小区甲 (synthetic)"}


def test_the_district_page_reads_only_the_compounds_in_scope(district_env, monkeypatch):
    # (the user scope of another change fills compounds_in_scope; here, two of the three)
    monkeypatch.setattr(filters, "compounds_in_scope", lambda: [DEMO, TINY_COMPOUND])
    at = app()
    at.run()
    assert at.dataframe[0].value["小区"].tolist() == [DEMO, "小区甲（模拟数据）"]
    assert metrics(at)["封控住户"] == "270"                 # 270 + 0, without 测试小区's 7


def test_the_district_page_is_not_there_with_one_compound(fixture_env):
    at = app()
    at.run()
    assert at.title[0].value == "态势总览"
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("pages/district.py")


def test_the_district_briefing_lists_the_compounds_that_need_action(district_env):
    at = app(scope="district")
    at.run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "全区 · 今日简报"
    items = [m.value for m in at.markdown if m.value.startswith("1. ")]
    assert items == ["1. 测试小区：新增确诊 1 例；药品超时 2 单；7 户未排查；数据只到 2月7日\n"
                     "2. 福星城：发热 5 人，高于基线 1.7；11 户未排查\n"
                     "3. 小区甲（模拟数据）：发热 3 人，高于基线 0.3；数据超时未导入；数据只到 2月6日"]
    # the cards sum the compounds with data on 02-10: 福星城 alone, and the page says so
    assert metrics(at)["住户"] == "1,288" and metrics(at)["封控住户"] == "270"
    assert any("截至日有数据的 1 个小区之和（共 3 个）" in c.value for c in at.caption)
    # the stale compounds, in red at the very top of the image (as a compound's stale logs are)
    assert at.markdown[0].value == stale_banner("2 个小区数据过时或未到截至日期：测试小区、小区甲（模拟数据）")
    # counts only: no room, phone or name of any compound reaches it
    text = " ".join(m.value for m in at.markdown)
    assert "A1-0101" not in text and "金某某" not in text


def test_briefing_district_on_the_cli_checks_its_filters(district_store, tmp_path):
    import subprocess
    import sys

    from .conftest import REPO

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "sitrep", "briefing", "--store", str(district_store),
                               "--png", str(tmp_path / "b.png"), *args], capture_output=True, text=True,
                              cwd=REPO, timeout=120)

    done = cli("--district", "--building", "B5")
    assert done.returncode == 2 and "takes no --building" in done.stderr
    done = cli("--district", "--date", "2020-01-20")
    assert done.returncode == 2 and "outside the data (2020-02-01 to 2020-03-13)" in done.stderr
    done = cli()                         # without --district: the store has three compounds
    assert done.returncode == 2 and "one compound" in done.stderr
