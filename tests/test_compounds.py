"""Compounds as first-class settings (`python -m sitrep compound add|set|list`, `import
--compound` into a new one, `snapshot --compound`), and a store of several compounds as the
dashboard and the open-demo check see it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

from sitrep import config, demo, store
from sitrep.store import settings, summary

from .answers import assert_same, every_answer
from .conftest import FIXTURE, FIXTURE_COMPOUND, REPO, app, clean_import, metrics, open_demo


def cli(*args):
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300)


def listed(folder) -> dict[str, list[str]]:
    done = cli("compound", "list", "--store", str(folder))
    assert done.returncode == 0, done.stderr
    return {line.split("\t")[0]: line.split("\t")[1:] for line in done.stdout.splitlines()}


def test_compound_add_set_and_list(tmp_path):
    folder = str(tmp_path)
    done = cli("compound", "add", "永安小区", "--store", folder, "--district", "咸安区", "--street", "永安街道",
               "--year", "2020", "--lockdown-from", "2020-02-05", "--default-as-of", "2020-02-10",
               "--window-margin-days", "10", "--lat", "29.85", "--lon", "114.32")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("add: 永安小区\tdistrict=咸安区\tstreet=永安街道\tyear=2020")
    done = cli("compound", "add", "温泉小区", "--store", folder, "--grid-cell", "B3")
    assert done.returncode == 0, done.stderr
    today = config.local_now().date()
    # one compound per line, its name first, by name; unset settings shown as —
    assert listed(folder) == {
        "永安小区": ["district=咸安区", "street=永安街道", "year=2020", "lockdown_from=2020-02-05",
                 "lockdown_until=—", "default_as_of=2020-02-10", "window_margin_days=10", "lat=29.85",
                 "lon=114.32", "grid_cell=—", "briefing_time=—", "briefing_webhook=—",
                 "data=2020-02-05..2020-02-05"],
        "温泉小区": ["district=—", "street=—", "year=—", "lockdown_from=—", "lockdown_until=—",
                 "default_as_of=—", "window_margin_days=—", "lat=—", "lon=—", "grid_cell=B3",
                 "briefing_time=—", "briefing_webhook=—", f"data={today}..{today}"],     # no data, no lockdown: the day it was added
    }
    assert list(listed(folder)) == ["永安小区", "温泉小区"]
    # set changes what it names and keeps the rest; --clear empties a setting
    done = cli("compound", "set", "永安小区", "--store", folder, "--lockdown-until", "2020-03-20",
               "--clear", "lat", "--clear", "lon", "--grid-cell", "C12")
    assert done.returncode == 0, done.stderr
    cells = listed(folder)["永安小区"]
    assert "lockdown_until=2020-03-20" in cells and "lat=—" in cells and "grid_cell=C12" in cells
    assert "district=咸安区" in cells and "lockdown_from=2020-02-05" in cells
    # the settings are in the compound's snapshot, as the importer and the pages read them
    con = store.connect_readonly(store.current_path(tmp_path, "永安小区"))
    assert settings.settings(con, "永安小区")["lockdown_until"] == date(2020, 3, 20)
    con.close()


@pytest.mark.parametrize("args, message", [
    (["set", "没有的小区", "--year", "2020"], "no compound '没有的小区'"),
    (["add", "永安小区", "--year", "2020"], "already holds"),
    (["set", "永安小区", "--lockdown-until", "2020-02-01"], "must come after lockdown_from"),
    (["set", "永安小区", "--lat", "29.8"], "needs both lat and lon"),
    (["set", "永安小区", "--lat", "91", "--lon", "114"], "lat: degrees from -90 to 90"),
    (["set", "永安小区", "--year", "20"], "year: a whole number from 1900 to 2100"),
    (["set", "永安小区", "--default-as-of", "2020-02-30"], "a date YYYY-MM-DD"),
    (["set", "永安小区", "--grid-cell", "3B"], "a cell such as B3"),
    (["set", "永安小区", "--district", " 咸安区"], "without spaces before or after"),
    (["set", "永安小区"], "nothing to change"),
    (["add", " 永安", "--year", "2020"], "no spaces before or after"),
    (["set", "永安小区", "--clear", "name"], "invalid choice"),
])
def test_compound_settings_are_checked_and_a_bad_one_changes_nothing(tmp_path, args, message):
    assert cli("compound", "add", "永安小区", "--store", str(tmp_path), "--lockdown-from", "2020-02-05").returncode == 0
    before = store.current_path(tmp_path, "永安小区")
    done = cli("compound", *args, "--store", str(tmp_path))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr
    assert store.current_path(tmp_path, "永安小区") == before


def test_import_into_a_new_compound_adds_it_with_defaults_and_says_so(tmp_path):
    (tmp_path / "b.csv").write_text("楼栋,层数\nA1,6\n", encoding="utf-8")
    done = cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "s"), "--compound", "新小区")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "新小区" in line] == [
        "new compound 新小区: added with default settings (change them with `python -m sitrep compound set`)"]
    again = cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "s"), "--compound", "新小区")
    assert again.returncode == 0 and "new compound" not in again.stderr
    # a second compound: plain import and snapshot now need the name
    cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "s"), "--compound", "另一个")
    done = cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "s"))
    assert done.returncode == 2 and "--compound NAME is required" in done.stderr
    done = cli("snapshot", "--store", str(tmp_path / "s"))
    assert done.returncode == 2 and "2 compounds" in done.stderr
    done = cli("snapshot", "--store", str(tmp_path / "s"), "--compound", "新小区")
    assert done.returncode == 0 and done.stdout.strip() == str(store.current_path(tmp_path / "s", "新小区"))
    done = cli("snapshot", "--store", str(tmp_path / "s"), "--compound", "没有")
    assert done.returncode == 2 and "no compound '没有'" in done.stderr
    done = cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "s"), "--compound", "坏\x01名")
    assert done.returncode == 2 and "control or format character" in done.stderr


def test_the_snapshot_of_a_compound_opens_read_only_with_its_contract_tables(tmp_path, demo_store):
    folder = tmp_path / "s"
    shutil.copytree(demo_store, folder)
    clean_import(folder, FIXTURE)
    done = cli("snapshot", "--store", str(folder), "--compound", "福星城")
    import duckdb

    con = duckdb.connect(done.stdout.strip(), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert tables == set(store.TABLES)
    assert con.execute("select list(distinct compound) from screenings").fetchall() == [(["福星城"],)]
    assert con.execute("select count(*) from households").fetchall() == [(1288,)]
    con.close()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory, demo_store):
    """The demo, the fixture compound, and a compound with the fixture's building names."""
    folder = tmp_path_factory.mktemp("crowded") / "store"
    shutil.copytree(demo_store, folder)
    clean_import(folder, FIXTURE)
    clean_import(folder, FIXTURE, compound="同名楼栋小区")
    return folder


def test_a_compound_answers_the_same_whatever_else_the_store_holds(crowded, fixture_store):
    span = {"as_of": date(2020, 2, 7), "date_from": date(2020, 2, 1), "date_to": date(2020, 2, 10)}
    alone = store.connect_readonly(store.current_path(fixture_store))
    among = store.connect_readonly(store.current_path(crowded, FIXTURE_COMPOUND))
    # (imported at another time: the import times differ, and nothing else)
    assert_same(every_answer(alone, FIXTURE_COMPOUND, **span, import_times=False),
                every_answer(among, FIXTURE_COMPOUND, **span, import_times=False))
    alone.close()
    among.close()
    # and its summary's figures are the same
    days = "select * exclude (compound) from district_days order by day"
    one = summary.connect_district(fixture_store).execute(days).fetchall()
    three = summary.connect_district(crowded).execute(days + ", compound").df()
    assert one == summary.connect_district(paths=[store.find(crowded, FIXTURE_COMPOUND).summary]).execute(
        days).fetchall()
    assert len(three) > len(one)


def test_the_open_demo_needs_every_compound_to_be_demo(crowded, tmp_path):
    from sitrep.access import mode

    assert mode.imported_compounds(crowded) == []          # demo + fixtures, all marked demo
    folder = tmp_path / "s"
    shutil.copytree(crowded, folder)
    settings.add(folder, "真实小区", district="咸安区")      # a compound added by hand is real
    assert mode.imported_compounds(folder) == ["真实小区"]


def test_the_sidebar_lists_the_compounds_and_each_page_reads_its_compounds_snapshot(crowded, monkeypatch,
                                                                                     tmp_path):
    open_demo(monkeypatch, crowded, tmp_path)
    at = app(crowded, compound=FIXTURE_COMPOUND)
    at.run()
    assert at.title[0].value == "全区态势"                    # several compounds: the district first
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert at.selectbox(key="compound").options == sorted([demo.COMPOUND, FIXTURE_COMPOUND, "同名楼栋小区"])
    assert FIXTURE_COMPOUND in at.caption[0].value
    assert metrics(at)["住户"] == "9"                          # the fixture's households
    assert at.date_input(key="as_of").value.isoformat() == "2020-02-07"
    at.selectbox(key="compound").set_value(demo.COMPOUND).run()
    assert metrics(at)["住户"] == "1,288"
