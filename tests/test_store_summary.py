"""Each snapshot's summary (sitrep/store/summary.py): the district view's figures, computed at
import time by the page queries themselves, and read back for every compound at once."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from sitrep import config, store
from sitrep.ingest.importer import import_files
from sitrep.store import summary
from sitrep.store.queries import run

C = "小区甲"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Three households of A1; lockdown 02-04 (gate closed) to 02-07 (reopened), so 02-04,
    02-05 and 02-06 are lockdown days; screenings (fever: 37.3 °C or more):
        02-03  101 37.5 (fever)
        02-05  101 36.5 · 201 37.6 (fever)
        02-06  101 37.4 (fever) · 101 36.6 · 201 37.9 (fever) · 301 38.0 (fever)"""
    folder = tmp_path_factory.mktemp("small")
    (folder / "b.csv").write_text("楼栋,层数\nA1,3\n", encoding="utf-8")
    (folder / "h.csv").write_text("楼栋,单元,房号\nA1,1,101\nA1,1,201\nA1,1,301\n", encoding="utf-8")
    (folder / "s.csv").write_text(
        "日期,地址,最高体温\n2020-02-03,A1-0101,37.5\n2020-02-05,A1-0101,36.5\n2020-02-05,A1-0201,37.6\n"
        "2020-02-06,A1-0101,37.4\n2020-02-06,A1-0101,36.6\n2020-02-06,A1-0201,37.9\n2020-02-06,A1-0301,38.0\n",
        encoding="utf-8")
    results = import_files([folder / n for n in ("b.csv", "h.csv", "s.csv")], store=folder / "store",
                           compound=C, year=2020, settings={"lockdown_from": date(2020, 2, 4),
                                                            "lockdown_until": date(2020, 2, 7)})
    assert [r.accepted for r in results] == [1, 3, 7]
    return folder / "store"


def test_compound_summary_daily(small):
    con = store.connect_readonly(store.current_path(small))
    frame = run(con, "compound_summary_daily", compound=C, date_from=date(2020, 2, 3), date_to=date(2020, 2, 7),
                fever_c=37.3, baseline_days=7, factor=2.0, min_count=2)
    con.close()
    rows = [(r.day.date(), r.fever_baseline, r.is_fever_alert,
             None if pd.isna(r.not_screened) else int(r.not_screened)) for r in frame.itertuples()]
    assert rows == [
        # day        baseline: fevers of the 7 days before / 7        alert  not screened
        (date(2020, 2, 3), 0.0, False, None),   # nothing before; 1 fever < 2; not a lockdown day
        (date(2020, 2, 4), 0.14, False, 3),     # 1 (02-03) / 7; no fever; nobody screened: 3
        (date(2020, 2, 5), 0.14, False, 1),     # 1 / 7; 1 fever < 2; 301 not screened
        (date(2020, 2, 6), 0.29, True, 0),      # (1 + 1) / 7 = 0.29; 3 >= 2 and 3 > 0.57
        (date(2020, 2, 7), 0.71, False, None),  # (1 + 1 + 3) / 7; reopened that day
    ]


def test_the_summary_of_a_compound_holds_its_settings_and_its_days(small):
    con = summary.connect_district(small)
    row = con.execute("select * from district_compounds").df().iloc[0]
    assert (row["compound"], row["compound_id"], row["snapshot"]) == (
        C, store.compound_id(C), store.current_path(small).name)
    assert (row["year"], row["lockdown_from"].date(), row["lockdown_until"].date()) == (
        2020, date(2020, 2, 4), date(2020, 2, 7))
    # the data's span: 02-03 to 02-06; the pages open on the last data day (no default set)
    assert (row["first_on"].date(), row["last_on"].date(), row["opens_on"].date()) == (
        date(2020, 2, 3), date(2020, 2, 6), date(2020, 2, 6))
    assert (row["households"], row["records"]) == (3, 1 + 3 + 7)       # buildings, households, screenings
    assert not row["is_demo"] and not row["is_synthetic"]
    days = con.execute("select day, households, fever, households_screened, not_screened"
                       " from district_days order by day").fetchall()
    assert days == [(date(2020, 2, 3), 3, 1, 1, None), (date(2020, 2, 4), 3, 0, 0, 3),
                    (date(2020, 2, 5), 3, 1, 2, 1), (date(2020, 2, 6), 3, 3, 3, 0)]
    fresh = dict(con.execute("select kind, newest_on from district_freshness").fetchall())
    assert fresh["screenings"] == date(2020, 2, 6) and fresh["deliveries"] is None
    con.close()


def test_the_demos_summary_gives_what_its_pages_give(demo_store):
    """On the demo, every day figure is the overview's for that day, and households not
    screened are what the briefing counts (its rule 4), for the whole compound."""
    con = summary.connect_district(demo_store)
    days = con.execute("select * from district_days order by day").df()
    compound = con.execute("select * from district_compounds").df().iloc[0]
    con.close()
    assert (compound["compound"], compound["opens_on"].date(), bool(compound["is_demo"])) == (
        "福星城", date(2020, 2, 10), True)
    assert (days["day"].min().date(), days["day"].max().date()) == (date(2020, 2, 1), date(2020, 3, 13))
    snapshot = store.connect_readonly(store.current_path(demo_store))
    overview = run(snapshot, "overview_daily", compound="福星城", buildings=[], date_from=date(2020, 2, 1),
                   date_to=date(2020, 3, 13), fever_c=config.FEVER_C, **config.medicine_params())
    for column in overview.columns:
        assert days[column].tolist() == overview[column].tolist(), column
    for day in (date(2020, 2, 10), date(2020, 2, 24)):
        actions = run(snapshot, "needs_action_by_rule_building", compound="福星城", buildings=[], as_of=day,
                      gap_hours=config.DELIVERY_GAP_HOURS, **config.FATIGUE, **config.medicine_params())
        briefing = actions.loc[actions["rule"] == "not_screened", "count"].sum()
        assert days.loc[days["day"].dt.date == day, "not_screened"].item() == briefing > 0
    snapshot.close()


def test_an_empty_store_has_empty_district_tables_of_the_same_columns(tmp_path, small):
    empty = summary.connect_district(tmp_path)
    full = summary.connect_district(small)
    for table in ("district_compounds", "district_days", "district_freshness"):
        assert empty.execute(f"select count(*) from {table}").fetchall() == [(0,)]
        assert (empty.execute(f"describe {table}").fetchall() == full.execute(f"describe {table}").fetchall())
    empty.close()
    full.close()


def test_a_summary_is_written_with_its_snapshot_and_records_its_schema(small):
    info = store.find(small, C)
    assert summary.is_current(info.summary)
    con = summary.connect_district(paths=[info.summary])
    written_at, version, key = con.execute(
        "select written_at, summary_version, schema_key from district_compounds").fetchall()[0]
    con.close()
    assert (version, key) == (summary.SUMMARY_VERSION, store.schema_key())
    assert abs((config.local_now() - written_at).total_seconds()) < 3600
    assert isinstance(written_at, datetime)
