"""`python -m sitrep demo --compounds N`: Fuxing City and N−1 synthetic compounds around it.

Built once through the real CLI into a temporary store (the real importer, real files), then
read as the dashboard reads it: the summaries, the compounds' snapshots, the open-demo rule,
the dashboard through AppTest.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from sitrep import config, demo, store
from sitrep.access import mode
from sitrep.demo import district
from sitrep.ops.cli import main
from sitrep.store import summary
from sitrep.store.queries import run

from .conftest import REPO, app, open_demo

FUXING = demo.COMPOUND
STALE = "模拟·桂花苑"          # the second synthetic compound: the stale one


@pytest.fixture(scope="session")
def district_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    code = main(["demo", "--compounds", "4", "--store", str(root / "store"), "--out", str(root / "fuxing"),
                 "--district-out", str(root / "synthetic")])
    assert code == 0
    return root


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_four_compounds_three_synthetic_and_labelled(district_store):
    rows = summary.compound_rows(district_store / "store")
    assert sorted(rows) == sorted([FUXING, "模拟·东方花园", STALE, "模拟·温泉新村"])
    synthetic = sorted(name for name, row in rows.items() if row["is_synthetic"])
    assert synthetic == sorted(["模拟·东方花园", STALE, "模拟·温泉新村"])
    assert all(name.startswith(district.SYNTHETIC_PREFIX) for name in synthetic)
    assert all(row["is_demo"] for row in rows.values()), "all made by `demo`: the open demo may serve them"
    # every compound has a place on the district plan, near Xianning (29.84 N, 114.32 E)
    for row in rows.values():
        assert abs(row["lat"] - 29.84) < 0.05 and abs(row["lon"] - 114.32) < 0.05
        assert (row["district"], row["default_as_of"]) == ("咸安区", date(2020, 2, 10))


def test_the_synthetic_files_are_outside_data_demo_and_fuxing_files_are_unchanged(district_store, demo_files):
    assert sorted(p.name for p in (district_store / "synthetic").iterdir()) == [
        "synthetic-01", "synthetic-02", "synthetic-03"]
    # Fuxing City's spreadsheets are byte for byte those of `demo` alone (data/demo/)
    assert _digests(district_store / "fuxing") == _digests(demo_files)


def test_every_row_imported_none_rejected(district_store):
    for name in store.compound_names(district_store / "store"):
        con = store.connect_readonly(store.current_path(district_store / "store", name))
        try:
            assert con.execute("select count(*) from rejected_rows").fetchone() == (0,), name
            refused = con.execute("select count(*) from import_history where refused is not null").fetchone()
            assert refused == (0,), name
        finally:
            con.close()


def test_one_compound_is_stale_by_the_freshness_rule(district_store):
    now = config.local_now()
    stale = {}
    for name in store.compound_names(district_store / "store"):
        con = store.connect_readonly(store.current_path(district_store / "store", name))
        try:
            fresh = run(con, "data_freshness", compound=name, now=now, stale_hours=config.STALE_HOURS)
        finally:
            con.close()
        imported = fresh[fresh["last_import_at"].notna()]
        stale[name] = bool(imported["is_stale"].all())
        if name == STALE:
            # imported 3 days (STALE_DAYS) before the others; its logs stop 3 days earlier too:
            # the day before reopening (13 Mar) − 3 days = 10 Mar
            assert (now - imported["last_import_at"].max()) > timedelta(days=district.STALE_DAYS - 0.1)
            assert imported["newest_on"].max().date() == date(2020, 3, 10)
    assert stale == {FUXING: False, "模拟·东方花园": False, STALE: True, "模拟·温泉新村": False}


def test_fuxing_city_holds_the_same_rows_as_alone(district_store, demo_store):
    """Every data table of Fuxing City's snapshot in the district equals the one of `demo` alone
    (which tests/test_demo_facts.py and tests/test_page_outputs.py check), row for row; only its
    settings gain a district, a street and a position."""
    tables = ("buildings", "households", "volunteers", "shifts", "deliveries", "medicine_requests",
              "medicine_request_events", "screenings", "cases", "case_events", "seals", "seal_events",
              "vehicle_trips", "rejected_rows")

    def rows(folder):
        con = store.connect_readonly(store.current_path(folder, FUXING))
        try:
            return {name: con.execute(f"select * exclude (import_id) from {store.sql_table(name)} order by all"
                                      ).fetchall() for name in tables}
        finally:
            con.close()

    alone, beside = rows(demo_store), rows(district_store / "store")
    assert {name: len(r) for name, r in alone.items()}["screenings"] > 0
    assert alone == beside


def test_the_open_demo_is_granted_for_the_district(district_store, monkeypatch, tmp_path):
    open_demo(monkeypatch, district_store / "store", tmp_path)
    assert mode.current().kind == "open"


def test_a_synthetic_compound_is_labelled_on_every_page(district_store, monkeypatch, tmp_path):
    open_demo(monkeypatch, district_store / "store", tmp_path)
    at = app()
    at.run()   # the open demo of several compounds lands on the district page; a compound's page
    assert not at.exception
    at.switch_page("pages/overview.py").run()    # opens on the real compound
    assert at.selectbox(key="compound").value == FUXING, "a compound's page opens on the real compound"
    assert not at.warning or all("模拟数据" not in w.value for w in at.warning)
    for page in ("pages/overview.py", "pages/seals.py", "pages/briefing.py"):
        at = app(compound=STALE)
        at.run()
        at.switch_page(page).run()
        assert not at.exception, page
        assert any("模拟数据" in w.value and STALE in w.value for w in at.warning), page
    at = app(compound=STALE, lang="English")
    at.run()
    at.switch_page("pages/overview.py").run()
    assert any("Synthetic data" in w.value for w in at.warning)


def test_the_district_size_is_bounded():
    assert len(district.synthetic(district.MAX_COMPOUNDS - 1)) == district.MAX_COMPOUNDS - 1
    with pytest.raises(ValueError):
        district.synthetic(district.MAX_COMPOUNDS)
    with pytest.raises(SystemExit) as err:
        main(["demo", "--compounds", "0"])
    assert err.value.code == 2


def test_every_synthetic_compound_keeps_the_scenario_limits():
    """The limits story.py needs (district.py's docstring), for every compound the CLI can make."""
    for compound in district.synthetic(district.MAX_COMPOUNDS - 1):
        sc = compound.scenario
        assert len(sc.buildings) <= 16 and compound.households >= 300
        assert sc.call_slots["security"] >= 2 * len(sc.buildings)
        assert all(b.name.startswith("C") for b in sc.buildings)
        assert sc.lockdown_from <= date(2020, 2, 8), "data on the district's report day (10 Feb)"
    stale = [c for c in district.synthetic(district.MAX_COMPOUNDS - 1) if c.stale]
    assert [c.scenario.compound for c in stale] == [STALE]


def test_make_run_adds_the_missing_synthetic_compounds_once(demo_store, tmp_path, capsys):
    """`demo --if-missing --compounds N` (make run) on a demo store of Fuxing City alone adds the
    synthetic compounds it lacks, then leaves the store alone; a store holding imported data
    never gets synthetic compounds."""
    import shutil

    from sitrep.ingest.importer import import_files

    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder)
    args = ["demo", "--if-missing", "--compounds", "3", "--store", str(folder),
            "--district-out", str(tmp_path / "synthetic")]
    assert main(args) == 0
    assert len(store.compound_names(folder)) == 3
    paths = {name: store.current_path(folder, name) for name in store.compound_names(folder)}
    assert main(args) == 0
    assert {name: store.current_path(folder, name) for name in store.compound_names(folder)} == paths
    # real data beside the demo: left alone
    real = tmp_path / "real"
    shutil.copytree(demo_store, real)
    import_files(sorted((REPO / "tests" / "fixture").glob("*.csv")), store=real, compound="真实小区", year=2020)
    assert main([*args[:-4], "--store", str(real), "--district-out", str(tmp_path / "s2")]) == 0
    assert sorted(store.compound_names(real)) == sorted([FUXING, "真实小区"])
