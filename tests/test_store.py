"""The store: one folder per compound, each with versioned snapshots and a pointer switched
atomically; readers never blocked or shown half an import; a compound's import touches that
compound's files alone, and imports into two compounds run at the same time. Real DuckDB
files, real processes where concurrency matters."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from sitrep import store
from sitrep.ingest.importer import import_files

from .conftest import REPO

C = "测试小区"


def buildings(path, text):
    path.write_text("楼栋,层数\n" + text, encoding="utf-8")
    return path


def deliveries(path, rows: int, building: str = "B5", start: int = 0):
    """`rows` distinct deliveries (a second each) to `building` (33 floors, 4 rooms a floor)."""
    lines = ["送达时间,地址,物资,数量,单位,来源"]
    for i in range(start, start + rows):
        day, second = divmod(i, 86400)
        lines.append(f"2020-02-{4 + day % 20:02d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d},"
                     f"{building}-{1 + i % 33}{1 + i % 4:02d},蔬菜,{1 + i % 20},斤,捐赠")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def registers(tmp_path, folder, compound):
    (tmp_path / "b.csv").write_text("楼栋,层数\nB5,33\nA1,11\n", encoding="utf-8")
    result = import_files([tmp_path / "b.csv"], store=folder, compound=compound, year=2020)
    assert result[0].accepted == 2


def count(path, sql, **params):
    con = store.connect_readonly(path)
    try:
        return con.execute(sql, params).fetchall()[0][0]
    finally:
        con.close()


def cli(*args):
    return [sys.executable, "-m", "sitrep", *args]


def files_of(folder):
    """Every file of a folder with what would show a write: size, modification time, inode."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.iterdir()) if p.is_file()}


# -- one compound, as before ----------------------------------------------------------------------

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
    assert not list(store.compound_folder(tmp_path, C).glob("*.partial"))
    assert count(before, "select count(*) from buildings") == 1


def test_a_dry_run_writes_nothing(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    before = files_of(store.compound_folder(tmp_path, C))
    results = import_files([buildings(tmp_path / "b.csv", "B5,33\n")], store=tmp_path, compound=C,
                           dry_run=True)
    assert results[0].accepted == 1
    assert files_of(store.compound_folder(tmp_path, C)) == before
    # nor for a compound the store does not hold: it is not added
    assert import_files([buildings(tmp_path / "c.csv", "C1,6\n")], store=tmp_path, compound="另一个小区",
                        dry_run=True)[0].accepted == 1
    assert store.compound_names(tmp_path) == [C]


def test_old_snapshots_are_pruned_with_their_summaries(tmp_path):
    for i in range(5):
        import_files([buildings(tmp_path / f"{i}.csv", f"A{i + 1},6\n")], store=tmp_path, compound=C)
    folder = store.compound_folder(tmp_path, C)
    assert sorted(p.name for p in folder.glob("sitrep-*")) == [
        f"sitrep-00000{n}.{ext}" for n in (3, 4, 5) for ext in ("duckdb", "summary.parquet")]
    assert store.current_path(tmp_path).name == "sitrep-000005.duckdb"


def test_the_store_comes_from_the_environment(tmp_path):
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    env = {**os.environ, "SITREP_STORE": str(tmp_path)}
    done = subprocess.run(cli("snapshot"), capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == str(store.current_path(tmp_path))


def test_only_schema_tables_reach_sql_text():
    assert store.sql_table("deliveries") == "deliveries"
    for hostile in ("deliveries; drop table cases", "x", "deliveries--"):
        with pytest.raises(ValueError):
            store.sql_table(hostile)
    assert store.sql_columns("households", ["building", "room"]) == '"building", "room"'
    for hostile in (['room" from households; --'], ["nope"], ["address"]):   # address: not a households column
        with pytest.raises(ValueError):
            store.sql_columns("households", hostile)


def test_a_snapshot_from_an_older_version_is_brought_up_to_the_schema(tmp_path):
    import duckdb

    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound=C)
    old = store.current_path(tmp_path)
    con = duckdb.connect(str(old))
    con.execute("alter table compounds drop column window_margin_days")   # as made before the column,
    con.close()
    store.summary_path(old).unlink()                                       # and before summaries
    assert not store.is_current(old)
    assert store.upgrade(tmp_path) is True
    new = store.current_path(tmp_path)
    assert new != old and store.is_current(new) and store.summary_path(new).exists()
    assert count(new, "select count(*) from buildings") == 1               # nothing else changed
    assert store.upgrade(tmp_path) is False


# -- one folder per compound ----------------------------------------------------------------------

def test_each_compound_has_a_folder_of_its_own_named_by_a_hash_never_by_its_text(tmp_path):
    names = ["福星城", "../../etc", "A/B 小区"]
    for i, name in enumerate(names):
        import_files([buildings(tmp_path / f"{i}.csv", f"A{i + 1},6\n")], store=tmp_path, compound=name)
    folders = sorted(p.name for p in store.compounds_dir(tmp_path).iterdir() if p.is_dir())
    assert folders == sorted(store.compound_id(n) for n in names)
    assert all(len(f) == 16 and set(f) <= set("0123456789abcdef") for f in folders)
    assert not (tmp_path / "etc").exists() and not any(tmp_path.parent.glob("etc"))
    # NAME keeps each name exactly; the list is by name; each snapshot holds its compound alone
    assert store.compound_names(tmp_path) == sorted(names)
    for i, name in enumerate(names):
        info = store.find(tmp_path, name)
        assert (info.folder / "NAME").read_text(encoding="utf-8") == name
        assert count(info.snapshot, "select list(distinct compound) from buildings") == [name]
        assert count(info.snapshot, "select list(building) from buildings") == [f"A{i + 1}"]
        assert info.summary.exists() and info.summary.name == info.snapshot.name.replace(".duckdb", ".summary.parquet")
    with pytest.raises(store.AmbiguousCompound, match="3 compounds"):
        store.current_path(tmp_path)
    assert store.current_path(tmp_path, "没有这个小区") is None


@pytest.mark.parametrize("bad", ["", "  ", " 福星城", "福星城\n", "福\x00星", "福\u200b星", "x" * 65, None])
def test_a_compound_name_is_checked(bad):
    with pytest.raises(ValueError):
        store.compound_id(bad)


def test_the_generation_grows_at_every_pointer_switch_of_any_compound(tmp_path):
    assert store.generation(tmp_path) == 0
    import_files([buildings(tmp_path / "a.csv", "A1,6\n")], store=tmp_path, compound="甲")
    import_files([buildings(tmp_path / "b.csv", "B1,6\n")], store=tmp_path, compound="乙")
    import_files([buildings(tmp_path / "c.csv", "C1,6\n")], store=tmp_path, compound="甲")
    assert store.generation(tmp_path) == 3
    import_files([buildings(tmp_path / "d.csv", "D1,6\n")], store=tmp_path, compound="甲", dry_run=True)
    assert store.generation(tmp_path) == 3                          # a dry run switches nothing


def test_an_import_writes_only_its_own_compounds_files_and_at_most_twice_its_data(tmp_path, demo_store):
    """A store holding the demo (the big compound) and a small one: importing into the small
    one leaves every file of the demo's folder as it was (size, time, inode), and the bytes
    written are within twice the small compound's own data: its new snapshot and summary."""
    import shutil

    folder = tmp_path / "store"
    shutil.copytree(demo_store, folder)
    registers(tmp_path, folder, C)
    demo = store.find(folder, "福星城").folder
    small = store.compound_folder(folder, C)
    demo_before, small_before = files_of(demo), files_of(small)
    with open("/proc/self/io") as handle:
        wrote_before = int(dict(line.split(": ") for line in handle.read().splitlines())["wchar"])
    assert import_files([deliveries(tmp_path / "d.csv", 3000)], store=folder, compound=C)[0].accepted == 3000
    with open("/proc/self/io") as handle:
        wrote = int(dict(line.split(": ") for line in handle.read().splitlines())["wchar"]) - wrote_before
    assert files_of(demo) == demo_before
    new = {name: stat[0] for name, stat in files_of(small).items() if small_before.get(name) != stat}
    snapshot = store.current_path(folder, C)
    own = snapshot.stat().st_size + store.summary_path(snapshot).stat().st_size
    assert set(new) >= {snapshot.name, store.summary_path(snapshot).name, "CURRENT"}
    assert sum(new.values()) <= 2 * own
    assert wrote <= 2 * own, (wrote, own)          # every write() of the process, copies included
    assert own < store.current_path(folder, "福星城").stat().st_size / 2   # (the demo is the big one)


def test_a_kill_9_mid_import_of_one_compound_leaves_it_and_the_others_as_they_were(tmp_path):
    folder = tmp_path / "store"
    for name in ("甲", "乙"):
        registers(tmp_path, folder, name)
    before = {name: store.current_path(folder, name) for name in ("甲", "乙")}
    other = files_of(store.compound_folder(folder, "乙"))
    big = deliveries(tmp_path / "big.csv", 600_000)
    child = subprocess.Popen(cli("import", str(big), "--store", str(folder), "--compound", "甲",
                                 "--max-file-mb", "100"), cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    mine = store.compound_folder(folder, "甲")
    deadline = time.time() + 120
    while not list(mine.glob("*.partial")) and time.time() < deadline and child.poll() is None:
        time.sleep(0.01)
    assert list(mine.glob("*.partial")), "the import never started writing"
    time.sleep(0.3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert {name: store.current_path(folder, name) for name in ("甲", "乙")} == before
    assert count(before["甲"], "select count(*) from deliveries") == 0
    assert files_of(store.compound_folder(folder, "乙")) == other
    # the next import of that compound works and clears the stray copy; the other never noticed
    assert import_files([deliveries(tmp_path / "d.csv", 10)], store=folder, compound="甲")[0].accepted == 10
    assert not list(mine.glob("*.partial*"))
    assert files_of(store.compound_folder(folder, "乙")) == other


def test_imports_into_two_compounds_run_at_the_same_time_and_both_land(tmp_path):
    """Two processes import into two compounds: at some moment both are writing (each has its
    copy, `.partial`, open at once), which one store-wide lock would never allow; both land.
    Two imports into the same compound still take turns."""
    folder = tmp_path / "store"
    for name in ("甲", "乙"):
        registers(tmp_path, folder, name)
    files = {n: deliveries(tmp_path / f"{n}.csv", 150_000) for n in ("甲", "乙")}
    both, seen_partial = [], {"甲": False, "乙": False}
    procs = [subprocess.Popen(cli("import", str(files[n]), "--store", str(folder), "--compound", n,
                                  "--max-file-mb", "100"), cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for n in ("甲", "乙")]
    while any(p.poll() is None for p in procs):
        writing = {n: bool(list(store.compound_folder(folder, n).glob("*.partial"))) for n in ("甲", "乙")}
        for n, now in writing.items():
            seen_partial[n] |= now
        if all(writing.values()):
            both.append(time.time())
        time.sleep(0.005)
    assert [p.returncode for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    assert seen_partial == {"甲": True, "乙": True}
    assert both, "the two imports never overlapped"
    for name in ("甲", "乙"):
        assert count(store.current_path(folder, name), "select count(*) from deliveries") == 150_000


def test_readers_during_imports_see_whole_imports_only_and_summaries_that_match(tmp_path):
    """A reader process reads both compounds' pointers, snapshots and summaries in a loop
    while each compound takes three imports of 20,000 deliveries: it never fails, and every
    snapshot it opens holds a whole number of imports, with the summary written with it."""
    folder = tmp_path / "store"
    for name in ("甲", "乙"):
        registers(tmp_path, folder, name)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(folder)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), name, str(tmp_path / name)],
                                cwd=REPO, stderr=subprocess.PIPE) for name in ("甲", "乙")]
    codes = [w.wait(timeout=600) for w in writers]
    (folder / "STOP").write_text("")
    out, err = reader.communicate(timeout=120)
    assert codes == [0, 0], [w.stderr.read() for w in writers]
    assert reader.returncode == 0, err
    seen = [tuple(line.split()) for line in out.splitlines()]
    assert len(seen) > 10
    for name, rows, summary_rows in seen:
        assert int(rows) % 20_000 == 0 and int(rows) == int(summary_rows), (name, rows, summary_rows)
    for name in ("甲", "乙"):
        assert count(store.current_path(folder, name), "select count(*) from deliveries") == 60_000


WRITER = """
import sys
from pathlib import Path
from sitrep.ingest.importer import import_files
from tests.test_store import deliveries
folder, name, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
work.mkdir()
for i in range(3):
    path = deliveries(work / f"{i}.csv", 20_000, start=20_000 * i)
    assert import_files([path], store=folder, compound=name)[0].accepted == 20_000
"""

READER = """
import sys
from pathlib import Path
from sitrep import store
from sitrep.store import summary
folder = Path(sys.argv[1])
while not (folder / "STOP").exists():
    for info in store.compounds(folder):
        con = store.connect_readonly(info.snapshot)
        rows = con.execute("select count(*) from deliveries").fetchall()[0][0]
        con.close()
        district = summary.connect_district(paths=[info.summary])
        days = district.execute("select coalesce(sum(deliveries), 0) from district_days").fetchall()[0][0]
        district.close()
        print(info.name, rows, days, flush=True)
"""
