"""The messy path: files as the data clerk saves them, limits, templates, and the store's
guarantees under a crash, two imports at once and a reader querying throughout."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from datetime import time as dtime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep import store
from sitrep.ingest import parse as P
from sitrep.ingest.importer import import_files
from sitrep.ingest.read import Limits
from sitrep.ingest.templates import write_templates

from .conftest import REPO

C = "测试小区"
BUILDINGS = "楼栋,层数,单元数\nA1,11,3\nB5,33,2\n"


def load(tmp_path, *files, **kw):
    return import_files([tmp_path / f for f in files], store=tmp_path / "store", compound=C,
                        year=2020, **kw)


def query(tmp_path, sql, **params):
    con = store.connect_readonly(store.current_path(tmp_path / "store"))
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


SCREENINGS = (
    "福星城2月10日健康排查登记表\n"            # row 1: a title
    "填表人：李四，每晚 22 点前上报\n"          # row 2: a note
    "日期, 地址 ,测温人数,最高体温（℃）,症状,处置\n"  # row 3: header with spaces, full-width brackets
    "2月10日,B5栋1302,3,37.3℃,发热,上报\n"       # 4: ok (year from --year)
    "2020/2/10,Ｂ５－１３０３,2,36.8度,,\n"       # 5: ok, full-width address
    ",,,,,\n"                                  # 6: blank row (not read)
    "2020年2月10日,b5 1304,2,36.5,无,\n"        # 7: ok
    "2020-02-10,B5栋1单元1305,1,36.6,,\n"       # 8: ok
    "2020-02-10,B5栋1306室,1,36.6,,\n"          # 9: ok
    "2020-02-10,C9-0101,1,36.6,,\n"             # 10: unknown building
    "2020-02-10,B5-3401,1,36.6,,\n"             # 11: floor 34 of 33
    "2020-02-10,B5-1307,1,45.1,,\n"             # 12: temperature out of range
    "2月30日,B5-1308,1,36.6,,\n"                # 13: no such date
    "2020-02-10,,1,36.6,,\n"                    # 14: missing address
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_messy_csv_in_every_encoding(tmp_path, encoding):
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    (tmp_path / "s.csv").write_text(SCREENINGS, encoding=encoding)
    results = load(tmp_path, "b.csv", "s.csv")
    s = results[1]
    assert (s.kind, s.rows_read, s.accepted, s.rejected, s.duplicates) == ("screenings", 10, 5, 5, 0)
    assert query(tmp_path, "select room, max_temp_c from screenings order by room") == [
        ("1302", 37.3), ("1303", 36.8), ("1304", 36.5), ("1305", 36.6), ("1306", 36.6)]
    rejected = query(tmp_path, "select row_number, reason_code from rejected_rows order by row_number")
    assert rejected == [(10, "unknown_building"), (11, "floor_too_high"), (12, "out_of_range"),
                        (13, "bad_date"), (14, "missing")]


def test_a_workbook_with_title_rows_merged_cells_blank_rows_and_several_kinds(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "楼栋"
    ws.append(["楼栋", "层数"])
    ws.append(["B5", 33])
    d = book.create_sheet("配送")
    d.append(["福星城2月10日配送登记表"])
    d.merge_cells("A1:F1")
    d.append(["送达时间", "楼栋", "房号", "物资", "数量", "单位"])
    d.append([datetime(2020, 2, 10, 8, 30), "B5", "1302", "蔬菜", "20斤", None])   # row 3
    d.append([datetime(2020, 2, 10, 9, 0), None, "1303", "水果", 2, "箱"])        # row 4: B5 merged
    d.append([])                                                                 # row 5: blank
    d.append(["2020-02-10 下午3点半", None, "1304", "米面油", 10, "公斤"])          # row 6: B5 merged
    d.append(["not a time", "B5", "1305", "蔬菜", 5, "斤"])                        # row 7: bad
    d.merge_cells("B3:B6")
    notes = book.create_sheet("说明")
    notes.append(["本工作簿由录入员整理"])
    book.create_sheet("空白")
    book.save(tmp_path / "book.xlsx")
    results = load(tmp_path, "book.xlsx")
    assert [(r.sheet, r.kind, r.rows_read, r.accepted, r.rejected, bool(r.refused)) for r in results] == [
        ("楼栋", "buildings", 1, 1, 0, False), ("配送", "deliveries", 4, 3, 1, False),
        ("说明", None, 0, 0, 0, True)]                      # a sheet of notes is refused alone
    assert query(tmp_path, "select building, room, delivered_at, kg from deliveries order by room") == [
        ("B5", "1302", datetime(2020, 2, 10, 8, 30), 10.0), ("B5", "1303", datetime(2020, 2, 10, 9), None),
        ("B5", "1304", datetime(2020, 2, 10, 15, 30), 10.0)]
    assert query(tmp_path, "select sheet, row_number, \"column\", reason_code from rejected_rows") == [
        ("配送", 7, "送达时间", "bad_datetime")]


def test_limits_refuse_the_file_whole_with_a_clear_message(tmp_path):
    (tmp_path / "b.csv").write_text(BUILDINGS * 1, encoding="utf-8")
    big = load(tmp_path, "b.csv", limits=Limits(max_file_mb=0.00001))[0]
    assert big.refused and "MB" in big.refused and "MB" in big.refused_zh
    write_templates(tmp_path)
    bomb = import_files([tmp_path / "01_楼栋模板.xlsx"], store=tmp_path / "store", compound=C,
                        limits=Limits(max_xlsx_uncompressed_mb=0.001))[0]
    assert bomb.refused and "unzips" in bomb.refused
    (tmp_path / "many.csv").write_text("楼栋,层数\n" + "A1,6\n" * 60, encoding="utf-8")
    many = load(tmp_path, "many.csv", limits=Limits(max_rows=5))[0]
    assert many.refused and "row" in many.refused
    assert store.current_path(tmp_path / "store") is None      # nothing was written
    assert load(tmp_path, "b.csv")[0].accepted == 2            # within the default limits


def test_the_templates_import_cleanly(tmp_path):
    paths = write_templates(tmp_path / "t")
    assert len(paths) == 10
    results = import_files(paths, store=tmp_path / "store", compound=C, year=2020)
    assert [(r.kind, r.rows_read, r.accepted) for r in results] == [
        (k, 1, 1) for k in ("buildings", "households", "volunteers", "seals", "shifts", "deliveries",
                            "medicine_requests", "screenings", "cases", "vehicle_trips")]


# -- parsers: whatever the input, a value in range or a ParseError, nothing else ----------

cells = st.one_of(st.text(max_size=30), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                  st.dates(), st.datetimes(), st.times(), st.none(),
                  st.from_regex(r"\d{1,4}[年/-]\d{1,2}[月/-]\d{1,2}日?", fullmatch=True),
                  st.from_regex(r"(下午)?\d{1,2}([:点]\d{0,2}半?)?", fullmatch=True),
                  st.from_regex(r"[A-Za-zＡ-Ｚ]\d[栋\- ]?(\d单元)?\d{3,4}室?", fullmatch=True),
                  st.from_regex(r"\d{1,3}(\.\d)?(斤|kg|公斤|℃|度)?", fullmatch=True))


@settings(max_examples=300, deadline=None)
@given(cells)
def test_parsers_return_a_value_in_range_or_a_parse_error(value):
    def ok(fn, check):
        try:
            result = fn(value)
        except P.ParseError:
            return
        assert check(result), (fn.__name__, value, result)

    ok(lambda v: P.parse_date(v, 2020), lambda d: isinstance(d, date) and 1 <= d.year <= 9999)
    ok(P.parse_time, lambda t: isinstance(t, dtime))
    ok(lambda v: P.parse_datetime(v, 2020), lambda d: isinstance(d, datetime))
    ok(P.parse_address, lambda a: a[2] >= 1 and a[3].isdigit() and a[0][0].isalpha())
    # (their ranges are the contract's, checked by the importer: tests/test_bounds.py)
    ok(P.parse_quantity, lambda q: isinstance(q[0], float) and (q[2] is None or q[2] == q[0] * P.unit_kg(q[1])))
    ok(P.parse_temperature, lambda t: isinstance(t, float) and t == round(t, 1))
    ok(P.parse_floors, lambda fl: fl == [None] or all(1 <= f <= 99 for f in fl))


# -- the store's guarantees ----------------------------------------------------------------

def big_deliveries(path, rows: int):
    lines = ["送达时间,地址,物资,数量,单位,来源"]
    lines += [f"2020-02-{1 + i % 28:02d} 08:{i % 60:02d},B5-{1 + i % 33}{1 + i % 4:02d},蔬菜,{1 + i % 20},斤,捐赠"
              for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args):
    return [sys.executable, "-m", "sitrep", *args]


def test_an_import_killed_part_way_leaves_the_snapshot_as_it_was(tmp_path):
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    load(tmp_path, "b.csv")
    before = store.current_path(tmp_path / "store")
    big = big_deliveries(tmp_path / "big.csv", 1_000_000)   # long enough to be killed mid-way
    child = subprocess.Popen(cli("import", str(big), "--store", str(tmp_path / "store"), "--max-file-mb", "100"),
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = store.compound_folder(tmp_path / "store", C)
    deadline = time.time() + 60
    while not list(folder.glob("*.partial")) and time.time() < deadline:
        time.sleep(0.02)
    assert list(folder.glob("*.partial")), "the import never started writing"
    time.sleep(0.3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert store.current_path(tmp_path / "store") == before
    assert query(tmp_path, "select count(*) from deliveries") == [(0,)]
    assert query(tmp_path, "select building from buildings order by 1") == [("A1",), ("B5",)]
    # the next import works, and removes the stray partial file
    (tmp_path / "d.csv").write_text("送达时间,地址,物资\n2020-02-10 08:00,B5-1302,蔬菜\n", encoding="utf-8")
    assert load(tmp_path, "d.csv")[0].accepted == 1
    assert not list(folder.glob("*.partial*"))          # the copy and its write-ahead log


def test_two_imports_at_once_are_serialised_and_a_reader_never_fails(tmp_path):
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    load(tmp_path, "b.csv")
    first = big_deliveries(tmp_path / "one.csv", 30_000)
    second = tmp_path / "two.csv"
    second.write_text("送达时间,地址,物资\n" + "".join(
        f"2020-03-{1 + i % 9:02d} 09:{i % 60:02d},A1-{1 + i % 11}0{1 + i % 3},水果\n" for i in range(20_000)),
        encoding="utf-8")
    seen, errors, stop = [], [], threading.Event()

    def reader():  # a viewer querying throughout: never an error, never a half import
        while not stop.is_set():
            try:
                con = store.connect_readonly(store.current_path(tmp_path / "store"))
                seen.append(con.execute("select count(*) from deliveries").fetchall()[0][0])
                con.close()
            except Exception as err:  # noqa: BLE001 - the test records any failure
                errors.append(repr(err))

    thread = threading.Thread(target=reader)
    thread.start()
    procs = [subprocess.Popen(cli("import", str(p), "--store", str(tmp_path / "store")), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for p in (first, second)]
    codes = [p.wait(timeout=300) for p in procs]
    stop.set()
    thread.join()
    assert codes == [0, 0], [p.stderr.read() for p in procs]
    assert errors == []
    # (the generated rows repeat: the duplicates were counted, not loaded)
    one = query(tmp_path, "select count(*) from deliveries where building = 'B5'")[0][0]
    two = query(tmp_path, "select count(*) from deliveries where building = 'A1'")[0][0]
    assert one > 0 and two > 0
    assert set(seen) <= {0, one, two, one + two}   # a reader sees whole imports only
    # once both have finished, a new reader sees both (the loop's last read may have begun
    # before the second import switched the snapshot, on a loaded machine)
    con = store.connect_readonly(store.current_path(tmp_path / "store"))
    assert con.execute("select count(*) from deliveries").fetchall()[0][0] == one + two
    con.close()
    history = query(tmp_path, "select import_id, file from import_history where kind = 'deliveries' order by 1")
    assert sorted(f for _, f in history) == ["one.csv", "two.csv"] and history[0][0] != history[1][0]


def test_an_import_killed_after_committing_part_way_leaves_the_snapshot_as_it_was(tmp_path):
    """A big per-row import commits into its copy every few thousand rows (its memory stays
    flat); killed then, the current snapshot is untouched and the next writer clears the copy
    and its write-ahead log."""
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    load(tmp_path, "b.csv")
    before = store.current_path(tmp_path / "store")
    big = tmp_path / "m.csv"
    # 300,000 rows: three parts of the column path, so the first part's commit (its write-ahead
    # log) is on disk while the others load, not only in a moment before the switch
    big.write_text("需求编号,登记时间,地址,药品,状态\n" + "".join(
        f"M{i:06d},2020-02-{1 + i % 28:02d} 08:00,B5-1302,药,待处理\n" for i in range(300_000)), encoding="utf-8")
    child = subprocess.Popen(cli("import", str(big), "--store", str(tmp_path / "store")), cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = store.compound_folder(tmp_path / "store", C)
    deadline = time.time() + 120
    while not list(folder.glob("*.partial.wal")) and time.time() < deadline and child.poll() is None:
        time.sleep(0.02)
    assert list(folder.glob("*.partial.wal")), "the import never committed part-way"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert store.current_path(tmp_path / "store") == before
    assert query(tmp_path, "select count(*) from medicine_requests") == [(0,)]
    (tmp_path / "m2.csv").write_text("需求编号,登记时间,地址,药品,状态\nM1,2020-02-10 08:00,B5-1302,药,待处理\n",
                                     encoding="utf-8")
    assert load(tmp_path, "m2.csv")[0].accepted == 1
    assert query(tmp_path, "select request_id from medicine_requests") == [("M1",)]
    assert not list(folder.glob("*.partial*"))
