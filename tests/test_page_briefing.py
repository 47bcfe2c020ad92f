"""今日简报 Daily briefing: known answers for needs_action_by_rule_building and the medicine chart,
worked out by hand from tests/fixture/*.csv and tests/fixture_briefing/*.csv (each needs-action
rule is a shared rule, tested once in tests/test_rules.py); the page through AppTest (numbers,
the needs-action list, a date change, English, the empty state, the export button); and the
privacy test: no name, phone number, patient or room anywhere in the rendered briefing.

tests/fixture (compound 测试小区, no lockdown date, so every day is a lockdown day):
    A1 6 floors 1 unit, households 101 102 201 301; B5 10 floors 2 units, households 1-301
    1-302 1-501 2-502 1-901. Seals: B5 whole 02-04 until 02-08; A1 floors 2-3 02-06 until 02-09.
    Deliveries 02-06 B5-0301 B5-0302 A1-0101, 02-07 A1-0201. Screenings 02-06 A1-0101 A1-0201
    B5-0301 B5-0302, 02-07 A1-0101 B5-0301. Medicine: M1 B5 urgent delivered 02-06; M2 A1
    normal 02-06 10:00 open; M3 B5 urgent 02-07 20:00 in progress; M4 cancelled. Shifts 02-06:
    王五 (V03) 12 h guard B5; V01 B5, V02 A1, V04 no building; 02-07 V01 3.5 h B5.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pandas as pd
import pytest

from sitrep import config, store
from sitrep.app import briefing_text as text
from sitrep.briefing import export
from sitrep.store.queries import run

from .conftest import REPO, app, clean_import, metrics, readonly, sign_in

C = "测试小区"
RULES = dict(**config.medicine_params(), gap_hours=config.DELIVERY_GAP_HOURS, **config.FATIGUE)
OWN = REPO / "tests" / "fixture_briefing"
COLUMNS = ["rule_rank", "rule", "building", "count", "building_rank", "rule_total", "rule_buildings"]


def needs_action(con, as_of, buildings=(), compound=C):
    frame = run(con, "needs_action_by_rule_building", compound=compound, buildings=list(buildings),
                as_of=as_of, **RULES)
    assert list(frame.columns) == COLUMNS
    return [tuple(None if v is None or v != v else v for v in row)
            for row in frame.itertuples(index=False)]


# -- a fixture of its own: a lockdown date, units, a streak, seals that end tomorrow --------------
# tests/fixture_briefing (lockdown from 02-05):
#   C1 3 floors 2 units: households 1-101 2-101 1-201 1-301; C2 2 floors: 101 201; C3: 101.
#   Seals: C1 whole 02-05 until 02-09, and C1 floor 3 02-06 until 02-09 (the same floor twice);
#     C2 floor 2 02-06 until 02-09; C3 floor 1 from 02-06, not lifted.
#   Screenings 02-08: C1栋1单元0101 (unit 1 only, '0101' = 101), C2-201 (no unit: any unit).
#   Deliveries: 02-07 10:00 C1 unit 2 room 101; 02-06 23:00 C3-0101 (more than 48 h before
#     02-08 24:00); 02-08 09:00 C2-201.
#   Shifts: V1 4 h delivery in C1 every day 02-02..02-08 (7 days in a row); V2 8 h guard C1 02-08.
#   Medicine: R1 C2 urgent 02-08 20:00 open (due 22:00: overdue at 24:00); R2 C1 normal 02-08
#     01:00 open (due 02-09 01:00); R3 C3 cancelled; R4 C1 urgent delivered 02-08 09:30.

@pytest.fixture(scope="module")
def own_con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture_briefing")
    yield from readonly(clean_import(folder, OWN, C, lockdown_from=date(2020, 2, 5)))


# -------------------------------------------------------------- needs_action_by_rule_building

def test_needs_action_on_the_fixture_02_07(fixture_con):
    assert needs_action(fixture_con, date(2020, 2, 7)) == [
        # M2 (A1, normal, due 02-07 10:00) and M3 (B5, urgent, due 02-07 22:00): a tie, A1 first
        (1, "medicine_overdue", "A1", 1, 1, 2, 2),
        (1, "medicine_overdue", "B5", 1, 2, 2, 2),
        # sealed: B5's 5 households, A1 201 and 301; reached since 02-06 00:00: B5 301, 302, A1 201
        (2, "delivery_gap", "B5", 3, 1, 4, 2),
        (2, "delivery_gap", "A1", 1, 2, 4, 2),
        # no guard shift on 02-07: B5's 2 entrances, A1's 1
        (3, "guard_gap", "B5", 2, 1, 3, 2),
        (3, "guard_gap", "A1", 1, 2, 3, 2),
        # screened on 02-07: A1 101 and B5 301 only
        (4, "not_screened", "B5", 4, 1, 7, 2),
        (4, "not_screened", "A1", 3, 2, 7, 2),
        # nobody past a limit (V01's 3.5 h); B5's whole-building seal ends 02-08: its 10 floors
        (6, "seal_ends_tomorrow", "B5", 10, 1, 10, 1),
    ]


def test_needs_action_on_the_fixture_02_06(fixture_con):
    assert needs_action(fixture_con, date(2020, 2, 6)) == [
        # M1 was delivered at 10:30; M2 is due only on 02-07: nothing overdue
        # reached 02-05 00:00..02-07 00:00: B5 301, 302 (A1 101 is not sealed)
        (2, "delivery_gap", "B5", 3, 1, 5, 2),
        (2, "delivery_gap", "A1", 2, 2, 5, 2),
        (3, "guard_gap", "A1", 1, 1, 1, 1),              # 王五 guards B5 on 02-06
        (4, "not_screened", "B5", 3, 1, 5, 2),           # B5 501, 502, 901
        (4, "not_screened", "A1", 2, 2, 5, 2),           # A1 102, 301
        (5, "fatigue", None, 1, 1, 1, 1),                # 王五's 12-hour night: a long day
    ]


def test_needs_action_on_the_fixture_follows_the_building_filter(fixture_con):
    assert needs_action(fixture_con, date(2020, 2, 7), ["B5"]) == [
        (1, "medicine_overdue", "B5", 1, 1, 1, 1),
        (2, "delivery_gap", "B5", 3, 1, 3, 1),
        (3, "guard_gap", "B5", 2, 1, 2, 1),
        (4, "not_screened", "B5", 4, 1, 4, 1),
        (6, "seal_ends_tomorrow", "B5", 10, 1, 10, 1),
    ]
    # A1 on 02-06: only V02's 2.5 h name A1, so no one is past a limit there
    assert needs_action(fixture_con, date(2020, 2, 6), ["A1"]) == [
        (2, "delivery_gap", "A1", 2, 1, 2, 1),
        (3, "guard_gap", "A1", 1, 1, 1, 1),
        (4, "not_screened", "A1", 2, 1, 2, 1),
    ]


def test_needs_action_units_rooms_streaks_and_tomorrows_seals(own_con):
    assert needs_action(own_con, date(2020, 2, 8)) == [
        (1, "medicine_overdue", "C2", 1, 1, 1, 1),       # R1; R2 is due tomorrow, R3 cancelled, R4 delivered
        # C1 unit 2 room 101 reached (not unit 1's 101); C2-201 reached; C3-0101's delivery too old
        (2, "delivery_gap", "C1", 3, 1, 4, 2),
        (2, "delivery_gap", "C3", 1, 2, 4, 2),
        (3, "guard_gap", "C2", 1, 1, 2, 2),              # V2 guards C1 only
        (3, "guard_gap", "C3", 1, 2, 2, 2),
        # C1: unit 1's 101 screened ('0101'), unit 2's 101 not, 201, 301 not; C2-201 screened
        (4, "not_screened", "C1", 3, 1, 5, 3),
        (4, "not_screened", "C2", 1, 2, 5, 3),
        (4, "not_screened", "C3", 1, 3, 5, 3),
        (5, "fatigue", None, 1, 1, 1, 1),                # V1: 7 days in a row
        # C1 whole + C1 floor 3 end 02-09: 3 distinct floors; C2 floor 2; C3 has no end
        (6, "seal_ends_tomorrow", "C1", 3, 1, 4, 2),
        (6, "seal_ends_tomorrow", "C2", 1, 2, 4, 2),
    ]
    # C2 only: nothing of C1's (V1 works in C1, so no fatigue either)
    assert needs_action(own_con, date(2020, 2, 8), ["C2"]) == [
        (1, "medicine_overdue", "C2", 1, 1, 1, 1),
        (3, "guard_gap", "C2", 1, 1, 1, 1),
        (4, "not_screened", "C2", 1, 1, 1, 1),
        (6, "seal_ends_tomorrow", "C2", 1, 1, 1, 1),
    ]


def test_needs_action_before_the_lockdown(own_con):
    # 02-04: the lockdown starts 02-05, so no guard or screening is due; nothing is sealed yet;
    # V1 has worked 3 days in a row
    assert needs_action(own_con, date(2020, 2, 4)) == []


def test_needs_action_on_the_demo_report_day(demo_con):
    # 02-10: 1,277 of 1,288 households screened; six volunteers past a limit; every door
    # guarded, every sealed home reached, no request overdue, no seal ending on 02-11
    rows = needs_action(demo_con, date(2020, 2, 10), compound="福星城")
    assert {r[1] for r in rows} == {"not_screened", "fatigue"}
    assert [r for r in rows if r[1] == "fatigue"] == [(5, "fatigue", None, 6, 1, 6, 1)]
    assert {r[5] for r in rows if r[1] == "not_screened"} == {11}
    # B5 sealed whole until 02-22: on 02-21 its 33 floors open tomorrow
    assert needs_action(demo_con, date(2020, 2, 21), ["B5"], compound="福星城") == [
        (6, "seal_ends_tomorrow", "B5", 33, 1, 33, 1)]


# ------------------------------------------------------- the medicine chart (medicine_status_daily)

def medicine(con, buildings=(), date_from=date(2020, 2, 5), date_to=date(2020, 2, 8)):
    frame = run(con, "medicine_status_daily", compound=C, buildings=list(buildings),
                date_from=date_from, date_to=date_to, **config.medicine_params())
    return [(d.date(), o, n) for d, o, n in frame[["day", "unfinished", "delivered"]]
            .itertuples(index=False)]


def test_medicine_chart_on_the_fixture(fixture_con):
    # open at 24:00: M2 from 02-06, M3 from 02-07 (M1 delivered 02-06 10:30, M4 cancelled);
    # delivered that day: M1 on 02-06
    assert medicine(fixture_con) == [
        (date(2020, 2, 5), 0, 0), (date(2020, 2, 6), 1, 1), (date(2020, 2, 7), 2, 0),
        (date(2020, 2, 8), 2, 0)]
    assert medicine(fixture_con, ["B5"]) == [
        (date(2020, 2, 5), 0, 0), (date(2020, 2, 6), 0, 1), (date(2020, 2, 7), 1, 0),
        (date(2020, 2, 8), 1, 0)]


def test_medicine_chart_on_the_briefing_fixture(own_con):
    # R1 and R2 open at the end of 02-08, R4 delivered that day, R3 cancelled (never counted)
    assert medicine(own_con, date_from=date(2020, 2, 6)) == [
        (date(2020, 2, 6), 0, 0), (date(2020, 2, 7), 0, 0), (date(2020, 2, 8), 2, 1)]


# ------------------------------------------------------------------------- the text helpers

def test_action_items_name_three_buildings_and_count_the_rest():
    actions = pd.DataFrame([
        (4, "not_screened", b, n, i + 1, 11, 5) for i, (b, n) in
        enumerate([("A2", 4), ("A4", 3), ("A8", 2), ("B4", 1), ("B6", 1)])
    ] + [(5, "fatigue", None, 6, 1, 6, 1)], columns=COLUMNS)
    def plain(lines):   # the page keeps "A2 栋 4 户" on one line with no-break spaces
        return [line.replace("\u00a0", " ") for line in lines]

    assert plain(text.action_items(actions, "zh", "全部楼栋")) == [
        "**今日未排查住户 11 户**：A2 栋 4 户 · A4 栋 3 户 · A8 栋 2 户 · 另 2 栋",
        "**志愿者超过疲劳上限 6 人**：全小区",
    ]
    assert plain(text.action_items(actions, "en", "B5 only")) == [
        "**Households not screened today: 11** — A2: 4 · A4: 3 · A8: 2 · and 2 more buildings",
        "**Volunteers past a fatigue limit: 6** — B5 only",
    ]
    assert "A2\u00a0栋\u00a04\u00a0户 · A4" in text.action_items(actions, "zh", "全部楼栋")[0]


def test_freshness_lines_group_kinds_and_flag_stale_logs():
    at = pd.Timestamp("2020-02-10 21:00")
    kinds = ["buildings", "households", "volunteers", "seals", "shifts", "deliveries",
             "medicine_requests", "screenings", "cases", "vehicle_trips"]
    fresh = pd.DataFrame({"kind": kinds, "last_import_at": [at] * 10, "is_stale": [False] * 10})
    assert text.freshness_lines(fresh, "zh") == (["全部数据导入于 2020-02-10 21:00"], None)
    mixed = fresh.copy()
    mixed.loc[mixed["kind"] == "deliveries", "last_import_at"] = pd.Timestamp("2020-02-08 20:00")
    mixed.loc[mixed["kind"] == "deliveries", "is_stale"] = True
    mixed.loc[mixed["kind"] == "vehicle_trips", ["last_import_at", "is_stale"]] = [pd.NaT, True]
    lines, stale = text.freshness_lines(mixed, "zh")
    assert lines == ["楼栋、住户、志愿者、封控记录、值班记录、药品需求、健康排查、病例 导入于 2020-02-10 21:00",
                     "配送记录 导入于 2020-02-08 20:00", "未导入：出车记录"]
    assert stale == f"超过 {config.STALE_HOURS} 小时未导入：配送记录、出车记录"


def test_page_url_embeds_the_filters():
    assert export.page_url("http://127.0.0.1:8501/", as_of=date(2020, 2, 10),
                             buildings=["B5", "A6"], lang="en") == (
        "http://127.0.0.1:8501/briefing?embed=true&as_of=2020-02-10&building=B5&building=A6"
        "&lang=English")
    assert export.page_url("http://h:1", lang="zh") == (
        "http://h:1/briefing?embed=true&lang=%E4%B8%AD%E6%96%87")


# ------------------------------------------------------------------- the page through AppTest

PAGE = "pages/briefing.py"


def open_page(**query):
    at = app(**query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    return at


def charts(at) -> list[dict]:
    """The page's charts: their ECharts options, from the JSON the page sends."""
    return [json.loads(c.proto.spec) for c in at.get("echarts_chart")]


def items(at) -> list[str]:
    """The needs-action list: the markdown after the 今日需处理 heading (no-break spaces as
    spaces)."""
    shown = [m.value for m in at.markdown if re.match(r"^1\. ", m.value)]
    return shown[0].replace("\u00a0", " ").split("\n") if shown else []


def test_page_on_the_demo_report_day_for_b5(demo_env):
    at = open_page(building="B5", as_of="2020-02-10")
    assert at.title[0].value == "福星城 · 今日简报"
    assert at.subheader[0].value == "截至 2020-02-10 24:00"
    assert any(m.value == "**范围：仅 B5**" for m in at.markdown)
    assert "福星城" in at.caption[0].value and "生成于" in at.caption[0].value
    got = metrics(at)
    # B5: 33 floors x 4 households, sealed whole from 02-04 to 02-22, three confirmed cases
    assert (got["住户"], got["封控楼栋"], got["封控楼层"], got["封控住户"]) == ("132", "1", "33", "132")
    assert got["累计确诊"] == "3" and got["药品超时"] == "0"
    # nothing to do in B5 that day (every home screened and reached, the door guarded)
    assert items(at) == [] and at.success[0].value == "今日无待处理事项"
    # the trends over the window (02-01..02-10: the data start on 02-01); B5 had no medicine
    # request in it, so that chart is the empty-state message under its title
    specs = charts(at)
    assert [s["title"]["text"] for s in specs] == ["发热与疑似", "每日配送（单）", "每日志愿时长（小时）"]
    assert all(s["xAxis"]["data"] == [f"02-{d:02d}" for d in range(1, 11)] for s in specs)
    assert [x["name"] for x in specs[0]["series"]] == ["发热", "现有疑似"]
    assert specs[0]["series"][0]["data"][-1] == 1                 # fever today, as the card says
    assert specs[1]["series"][0]["data"][-1] == int(got["配送（单）"])
    assert any(m.value == "**药品需求：未完成与当日送达**" for m in at.markdown)
    assert [i.value for i in at.info] == ["所选楼栋和日期没有数据。"]


def test_page_on_the_demo_all_buildings_lists_what_needs_action(demo_env, demo_con):
    at = open_page(as_of="2020-02-10")
    # worked out directly: households with no screening on 02-10, and volunteers_fatigue's rows
    (unscreened,) = demo_con.execute("""
        select count(*) from households
        where not exists (select 1 from screenings where screenings.date = date '2020-02-10'
                          and screenings.building = households.building
                          and screenings.room = households.room)
    """).fetchone()
    tired = len(run(demo_con, "volunteers_fatigue", compound="福星城", buildings=[],
                    as_of=date(2020, 2, 10), **config.FATIGUE))
    assert (unscreened, tired) == (11, 6)
    got = items(at)
    assert len(got) == 2
    assert got[0].startswith("1. **今日未排查住户 11 户**：") and got[0].endswith("另 5 栋")
    assert got[1] == "2. **志愿者超过疲劳上限 6 人**：全小区"
    assert metrics(at)["住户"] == "1,288" and metrics(at)["累计确诊"] == "5"
    assert any(m.value == "**范围：全部楼栋**" for m in at.markdown)


def test_page_follows_the_date(demo_env):
    at = open_page(building="B5", as_of="2020-02-10")
    at.date_input(key="as_of").set_value(date(2020, 2, 21)).run()
    assert not at.exception
    assert at.subheader[0].value == "截至 2020-02-21 24:00"
    # B5's seal is lifted on 02-22: on 02-21 its 33 floors open tomorrow
    assert items(at) == ["1. **明日解封楼层 33 层**：B5 栋 33 层"]
    at.date_input(key="as_of").set_value(date(2020, 3, 1)).run()
    got = metrics(at)
    assert (got["封控楼栋"], got["封控住户"]) == ("0", "0")


def test_page_same_date_same_numbers(demo_env):
    """Nothing but the "generated at" stamp depends on the clock."""
    first, second = open_page(as_of="2020-02-12"), open_page(as_of="2020-02-12")
    assert metrics(first) == metrics(second)
    assert items(first) == items(second)
    assert charts(first) == charts(second) and len(charts(first)) == 4


def test_page_in_english(demo_env):
    at = open_page(building="B5", as_of="2020-02-21", lang="English")
    assert at.title[0].value == "福星城 · Daily briefing"
    assert at.subheader[0].value == "As of 2020-02-21 24:00"
    assert any(m.value == "**Scope: B5 only**" for m in at.markdown)
    got = metrics(at)
    assert (got["Households"], got["Sealed homes"], got["Confirmed"]) == ("132", "132", "3")
    assert items(at) == ["1. **Sealed floors that open tomorrow: 33** — B5: 33"]


def test_page_empty_state(fixture_env):
    # A1 on the fixture's first day: no deliveries, shifts, fever or requests in the window
    at = open_page(building="A1", as_of="2020-02-03")
    assert [i.value for i in at.info].count("所选楼栋和日期没有数据。") == 4
    assert not charts(at)
    assert metrics(at)["住户"] == "4"
    # the fixture has no lockdown date: the door and the screening are due every day
    assert items(at) == ["1. **单元门今日无人值守 1 个**：A1 栋 1 个",
                         "2. **今日未排查住户 4 户**：A1 栋 4 户"]


def test_the_export_button_offers_the_png_and_pdf_and_is_audited(demo_env, monkeypatch):
    made = export.Export(png=b"\x89PNG fake", pdf=b"%PDF fake", seconds=1.2, height=100)
    calls = []
    monkeypatch.setattr(export, "export_here", lambda f: calls.append(f) or made)
    at = open_page(building="B5", as_of="2020-02-10")
    assert not at.get("download_button")
    at.button(key="briefing_export").click().run()
    assert not at.exception and not at.error
    assert [(f.as_of, f.buildings, f.lang) for f in calls] == [(date(2020, 2, 10), ["B5"], "zh")]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载图片（PNG）", "下载 PDF"]
    from sitrep.access.audit import audit_path
    last = json.loads(audit_path(demo_env).read_text(encoding="utf-8").splitlines()[-1])
    assert (last["event"], last["who"], last["filters"]["building"], last["filters"]["as_of"]) == \
        ("briefing", "demo", ["B5"], "2020-02-10")
    # another date: the files made for 02-10 are not offered for it
    at.date_input(key="as_of").set_value(date(2020, 2, 11)).run()
    assert not at.get("download_button")


def test_the_export_button_reports_a_failure(demo_env, monkeypatch):
    def fail(f):
        raise export.ExportError("no Chromium found: install Debian's chromium\nmore detail")
    monkeypatch.setattr(export, "export_here", fail)
    at = open_page(as_of="2020-02-10")
    at.button(key="briefing_export").click().run()
    assert not at.exception
    assert at.error[0].value == "生成失败：no Chromium found: install Debian's chromium"


def test_the_briefing_role_sees_only_the_briefing(demo_env, users, browser_cookies):
    sign_in(browser_cookies, "bao")
    at = app(as_of="2020-02-10")
    at.run()
    assert not at.exception
    assert at.title[0].value == "福星城 · 今日简报"
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("pages/overview.py")


# ------------------------------------------------------------------------------ privacy

def rendered_text(at) -> str:
    """Every element's text: titles, markdown, captions, metrics, alerts, widgets, chart JSON."""
    from google.protobuf import text_format

    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for chart in charts(at):                  # chart JSON escapes non-ASCII: decode it
        out.append(json.dumps(chart, ensure_ascii=False))
    return "\n".join(out)


@pytest.fixture(scope="module")
def personal(demo_store):
    """Names, phone numbers, patients and addresses present in the demo's source tables."""
    con = store.connect_readonly(store.current_path(demo_store))
    try:
        def column(sql):
            return {v for (v,) in con.execute(sql).fetchall() if v}
        names = column("select name from volunteers")
        typed = column("""
            select volunteer from shifts union select volunteer from deliveries
            union select screener from screenings union select driver from vehicle_trips
            union select handler from medicine_requests""")
        names |= {v for v in typed if not re.fullmatch(r"V\d+", v)}     # names typed, not IDs
        patients = column("select patient from medicine_requests")
        patients |= {re.sub(r"\(.*", "", p) for p in patients}            # 彭某某(68岁) -> 彭某某
        phones = column("select phone from volunteers union select phone from households")
        homes = column("select home from volunteers")
        rooms = {(b, r) for b, r in con.execute("""
            select building, room from households union select building, room from deliveries
            union select building, room from medicine_requests union select building, room from cases
            union select building, room from screenings""").fetchall()}
    finally:
        con.close()
    addresses = set()
    for building, room in rooms:
        for number in {room, room.lstrip("0"), room.zfill(4)}:
            addresses |= {f"{building}-{number}", f"{building}栋{number}", f"{building} {number}"}
    assert len(names) > 70 and len(patients) > 10 and len(phones) > 1000 and len(addresses) > 3000
    return {"names": names, "patients": patients, "phones": phones, "homes": homes,
            "addresses": addresses}


@pytest.mark.parametrize("as_of", ["2020-02-04", "2020-02-07", "2020-02-10", "2020-02-21",
                                   "2020-03-13"])
@pytest.mark.parametrize("building", [None, "B5", "A6"])
def test_the_briefing_shows_no_personal_data(demo_env, personal, as_of, building):
    query = {"as_of": as_of} | ({"building": building} if building else {})
    at = open_page(**query)
    text = rendered_text(at)
    assert "今日简报" in text and as_of in text            # the walk did see the page
    if charts(at):                                         # and the charts' JSON, decoded
        assert re.search(r'"text": "[^"]*[\u4e00-\u9fff]', text)      # a Chinese title
    leaks = {kind: sorted(v for v in values if v in text) for kind, values in personal.items()}
    assert not any(leaks.values()), leaks
    assert not re.search(r"\b1\d{10}\b", text), "a phone number"
    assert not re.search(r"\d{3}\*{4}\d{4}", text), "a masked phone number"
    assert not re.search(r"[A-Z]\d+\s*[-栋]\s*\d+\s*单元", text), "an address with a unit"
    assert not re.search(r"[A-Z]\d+(?:-|栋)\d{3,4}\b", text), "a building-room address"
    assert not re.search(r"·\s*\d+\s*层|floor \d+", text), "a building · floor"


def test_page_flags_stale_data_and_keeps_its_numbers(demo_env, monkeypatch):
    """Three days after the demo's import every daily log is stale: flagged on the image; the
    numbers, which depend on the snapshot and the date only, do not move."""
    fresh = open_page(as_of="2020-02-10")
    assert not fresh.warning and not any(":red" in m.value for m in fresh.markdown)
    later = config.local_now() + timedelta(days=3)
    monkeypatch.setattr(config, "local_now", lambda: later)
    stale = open_page(as_of="2020-02-10")
    # in red, the first thing on the image (above the title)
    assert stale.markdown[0].value == text.stale_banner(
        f"超过 {config.STALE_HOURS} 小时未导入：封控记录、值班记录、配送记录、药品需求、健康排查、病例、出车记录")
    assert later.strftime("%Y-%m-%d %H:%M") in stale.caption[0].value
    assert metrics(stale) == metrics(fresh) and items(stale) == items(fresh)
    assert charts(stale) == charts(fresh)


def test_a_commander_sees_no_personal_data_either(demo_env, personal, users, browser_cookies):
    """The commander may see names elsewhere; the briefing, which leaves the team, never."""
    sign_in(browser_cookies, "yu")
    at = app(as_of="2020-02-07")
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and at.session_state["_personal"] is True
    text = rendered_text(at)
    assert "今日简报" in text and "2020-02-07" in text
    leaks = {kind: sorted(v for v in values if v in text) for kind, values in personal.items()}
    assert not any(leaks.values()), leaks
    assert not re.search(r"\b1\d{10}\b", text)
