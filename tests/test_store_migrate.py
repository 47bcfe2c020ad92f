"""A store of the single-file layout (main before issue 12: every compound in one snapshot)
moves to one folder per compound by one command, or by any command that opens it; every
compound answers every query exactly as before; nothing is lost, whatever stops it."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from sitrep import demo, store
from sitrep.ingest.importer import import_files
from sitrep.ingest.rules import IDENTITY_VERSION
from sitrep.store.migrate import DERIVED

from . import legacy
from .answers import assert_same, every_answer, every_row
from .conftest import FIXTURE, REPO

SPAN = {"date_from": date(2020, 2, 1), "date_to": date(2020, 3, 13)}
COMPOUNDS = ["测试小区", "福星城", "第三小区"]


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600, **kw)


@pytest.fixture
def old_store(tmp_path, monkeypatch, demo_files):
    """The demo, the hand-built fixture and a third compound imported twice (a grown file,
    duplicates and rejected rows), all in one snapshot, as main's writer made them."""
    folder = tmp_path / "old"
    settings = {"lockdown_from": demo.LOCKDOWN_FROM, "lockdown_until": demo.LOCKDOWN_UNTIL,
                "default_as_of": demo.REPORT_DAY, "is_demo": True}
    legacy.import_legacy(monkeypatch, sorted(demo_files.iterdir()), folder, demo.COMPOUND, year=demo.YEAR,
                         command="demo", settings=settings)
    legacy.import_legacy(monkeypatch, sorted(FIXTURE.glob("*.csv")), folder, "测试小区", year=2020,
                         command="test", settings={"is_demo": True})
    (tmp_path / "b.csv").write_text("楼栋,层数\nB5,33\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text("送达时间,地址,物资\n2020-02-10 08:00,B5-1302,蔬菜\n2020-02-10 09:00,B5-3402,蔬菜\n",
                                    encoding="utf-8")
    legacy.import_legacy(monkeypatch, [tmp_path / "b.csv", tmp_path / "d.csv"], folder, "第三小区", year=2020)
    with open(tmp_path / "d.csv", "a", encoding="utf-8") as grown:
        grown.write("2020-02-11 08:00,B5-1303,水果\n")
    legacy.import_legacy(monkeypatch, [tmp_path / "d.csv"], folder, "第三小区", year=2020)
    assert (folder / "snapshots" / "CURRENT").exists() and not (folder / "compounds").exists()
    return folder


def old_columns(path) -> dict[str, list[str]]:
    """Each table's columns in the old snapshot (the new one adds the district settings), but
    the row identity, which the migration leaves to the next import to derive again
    (migrate.DERIVED; test_the_next_import_derives_every_identity_again)."""
    con = duckdb.connect(str(path), read_only=True)
    have = [(t, c) for t, c in con.execute("select table_name, column_name from information_schema.columns"
                                           " order by table_name, ordinal_position").fetchall()
            if c not in DERIVED]
    con.close()
    return {t: [c for tt, c in have if tt == t] for t in store.TABLES}


def answers_of(path, columns, compounds=COMPOUNDS) -> dict:
    """Every query's answer and every table's rows (the old snapshot's columns), per compound."""
    con = duckdb.connect(str(path), read_only=True)
    out = {c: {**every_answer(con, c, as_of=demo.REPORT_DAY, **SPAN), **every_row(con, c, columns)}
           for c in compounds}
    con.close()
    return out


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_old_store_is_migrated_by_one_command_and_answers_exactly_as_before(old_store):
    old = legacy.current_path(old_store)
    columns = old_columns(old)
    before, old_digest = answers_of(old, columns), digest(old)
    done = cli("store", "migrate", "--store", str(old_store))
    assert done.returncode == 0, done.stderr
    assert "migrated the store" in done.stderr and "3 compounds" in done.stderr
    assert store.compound_names(old_store) == COMPOUNDS
    for compound in COMPOUNDS:
        path = store.current_path(old_store, compound)
        after = answers_of(path, columns, [compound])[compound]
        assert_same(before[compound], after)
        con = store.connect_readonly(path)          # the new snapshot holds that compound alone
        assert con.execute("select list(distinct compound) from import_history").fetchall() == [([compound],)]
        con.close()
    # the old snapshot is kept, untouched, beside; the demo mark came along (open demo still)
    kept = old_store / "snapshots.migrated" / old.name
    assert digest(kept) == old_digest and not (old_store / "snapshots").exists()
    from sitrep.access import mode

    assert mode.imported_compounds(old_store) == ["第三小区"]
    # again: nothing to do, and it says so
    again = cli("store", "migrate", "--store", str(old_store))
    assert again.returncode == 0 and "migrated" not in again.stderr
    assert "has one folder per compound (3 compounds)" in again.stdout


def test_the_next_import_derives_every_identity_again(old_store, tmp_path):
    """The migration copies no row identity (the old layout kept it as hex text); the next
    import into a compound hashes its rows again from their values: its files read again add
    nothing, a grown file adds only its new row."""
    assert cli("store", "migrate", "--store", str(old_store)).returncode == 0
    path = store.current_path(old_store, "第三小区")
    con = store.connect_readonly(path)
    assert con.execute("select count(*), count(row_hash) from deliveries").fetchall() == [(2, 0)]  # (B5-3402: floor 34 of 33, rejected)
    assert con.execute("select identity_version from compounds").fetchall() == [(None,)]
    con.close()
    (res,) = import_files([tmp_path / "d.csv"], store=old_store, compound="第三小区")
    assert (res.accepted, res.duplicates, res.rejected) == (0, 2, 1)
    with open(tmp_path / "d.csv", "a", encoding="utf-8") as grown:
        grown.write("2020-02-12 08:00,B5-1304,水果\n")
    (res,) = import_files([tmp_path / "d.csv"], store=old_store, compound="第三小区")
    assert (res.accepted, res.duplicates, res.rejected) == (1, 2, 1)
    con = store.connect_readonly(store.current_path(old_store, "第三小区"))
    assert con.execute("select count(*), count(distinct row_hash), min(octet_length(row_hash))"
                       " from deliveries").fetchall() == [(3, 3, 20)]
    assert con.execute("select identity_version from compounds").fetchall() == [(IDENTITY_VERSION,)]
    con.close()


def test_any_command_migrates_an_old_store_first(old_store):
    done = cli("snapshot", "--store", str(old_store), "--compound", "测试小区")
    assert done.returncode == 0, done.stderr
    assert "migrated the store" in done.stderr
    assert done.stdout.strip() == str(store.current_path(old_store, "测试小区"))


def test_a_migration_that_fails_keeps_the_old_store_in_charge(old_store):
    """A compound whose folder cannot be made (a file stands in its way): the command fails
    with a reason, the old layout stays current and readable; once the obstacle is gone the
    next command migrates."""
    obstacle = store.compounds_dir(old_store) / store.compound_id("第三小区")
    obstacle.parent.mkdir(parents=True)
    obstacle.write_text("in the way")
    old = legacy.current_path(old_store)
    old_digest = digest(old)
    done = cli("compound", "list", "--store", str(old_store))
    assert done.returncode == 1 and "error" in done.stderr
    assert legacy.current_path(old_store) == old and digest(old) == old_digest
    with pytest.raises(store.StoreError, match="store migrate"):
        store.compounds(old_store)        # readers are told to migrate, never shown a half
    obstacle.unlink()
    done = cli("compound", "list", "--store", str(old_store))
    assert done.returncode == 0, done.stderr
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == COMPOUNDS


def test_a_migration_killed_part_way_is_done_again_whole(old_store):
    old = legacy.current_path(old_store)
    columns = old_columns(old)
    before = answers_of(old, columns)
    child = subprocess.Popen([sys.executable, "-m", "sitrep", "store", "migrate", "--store", str(old_store)],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and child.poll() is None and not list(
            store.compounds_dir(old_store).glob("*/CURRENT")):
        time.sleep(0.002)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert list(store.compounds_dir(old_store).glob("*/CURRENT")), "killed before it wrote a compound"
    assert legacy.current_path(old_store) == old          # the old layout is still in charge
    done = cli("store", "migrate", "--store", str(old_store))
    assert done.returncode == 0, done.stderr
    for compound in COMPOUNDS:
        after = answers_of(store.current_path(old_store, compound), columns, [compound])
        assert_same(before[compound], after[compound])
