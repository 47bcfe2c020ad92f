"""The snapshot store: atomic switch, readers never blocked, failures leave the current snapshot."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sitrep import store
from sitrep.ingest.importer import import_files

from .conftest import REPO

C = "测试小区"


def buildings(path, text):
    path.write_text("楼栋,层数\n" + text, encoding="utf-8")
    return path


def test_an_import_switches_to_a_new_snapshot_while_readers_keep_the_old(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    first = store.current_path(tmp_path)
    reader = store.connect_readonly(first)
    import_files([buildings(tmp_path / "b.csv", "B5,33\n")], store=tmp_path, compound=C)
    second = store.current_path(tmp_path)
    assert second != first
    # the open reader still sees its own snapshot, whole; a new reader sees the new one
    assert reader.execute("select building from buildings").fetchall() == [("A1",)]
    fresh = store.connect_readonly(second)
    assert fresh.execute("select building from buildings order by 1").fetchall() == [("A1",), ("B5",)]
    reader.close()
    fresh.close()


def test_a_failed_import_leaves_the_current_snapshot(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    before = store.current_path(tmp_path)
    with pytest.raises(RuntimeError), store.new_snapshot(tmp_path) as con:
        con.execute("delete from buildings")
        raise RuntimeError("crash part-way")
    assert store.current_path(tmp_path) == before
    assert not list(store.store_dir(tmp_path).glob("*.partial"))
    con = store.connect_readonly(before)
    assert con.execute("select count(*) from buildings").fetchall() == [(1,)]
    con.close()


def test_a_dry_run_writes_nothing(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    before = sorted(p.name for p in store.store_dir(tmp_path).iterdir())
    results = import_files([buildings(tmp_path / "b.csv", "B5,33\n")], store=tmp_path, compound=C,
                           dry_run=True)
    assert results[0].accepted == 1
    assert sorted(p.name for p in store.store_dir(tmp_path).iterdir()) == before


def test_old_snapshots_are_pruned(tmp_path):
    for i in range(5):
        import_files([buildings(tmp_path / f"{i}.csv", f"A{i + 1},6\n")], store=tmp_path, compound=C)
    names = sorted(p.name for p in store.store_dir(tmp_path).glob("*.duckdb"))
    assert names == ["sitrep-000003.duckdb", "sitrep-000004.duckdb", "sitrep-000005.duckdb"]
    assert store.current_path(tmp_path).name == "sitrep-000005.duckdb"


def test_the_store_comes_from_the_environment(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    env = {**os.environ, "SITREP_STORE": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "sitrep", "snapshot"], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == str(store.current_path(tmp_path))


def test_only_schema_tables_reach_sql_text():
    assert store.sql_table("deliveries") == "deliveries"
    for hostile in ("deliveries; drop table cases", "x", "deliveries--"):
        with pytest.raises(ValueError):
            store.sql_table(hostile)


def test_a_snapshot_from_an_older_version_is_brought_up_to_the_schema(tmp_path):
    import duckdb

    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    con = duckdb.connect(str(store.current_path(tmp_path)))
    con.execute("alter table compounds drop column window_margin_days")   # as made before the column
    con.close()
    old = store.current_path(tmp_path)
    assert not store.is_current(old)
    assert store.upgrade(tmp_path) is True
    assert store.current_path(tmp_path) != old and store.is_current(store.current_path(tmp_path))
    assert store.upgrade(tmp_path) is False
