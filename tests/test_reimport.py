"""The nightly re-import is the normal case: one workbook per kind grows every day and is imported
again every night. Importing A, then the grown A+B, leaves exactly the tables (and so the answers)
that importing A+B into an empty store leaves; importing A+B again changes nothing."""
from __future__ import annotations

import contextlib
import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep import config, store
from sitrep.ingest import importer
from sitrep.ingest.contract import KINDS, LOAD_ORDER
from sitrep.ingest.importer import import_files
from sitrep.store.queries import run

from . import sheets
from .sheets import C, copy_store, dump, register_store


def load(folder, *paths, **kw):
    return import_files(list(paths), store=folder, compound=C, year=2020, **kw)


# -- reproduction 4: re-importing a cases workbook crashed -------------------------------------

def test_a_cases_workbook_with_excel_dates_imports_again_and_again(tmp_path):
    """Excel date cells in 报告日期 and 转归日期, update rows for the same 病例编号; imported once,
    then again (it crashed: can't compare datetime.datetime to datetime.date), then grown."""
    base = register_store(tmp_path / "r")
    book = openpyxl.Workbook()
    book.active.title = "病例"
    book.active.append(["病例编号", "地址", "分类", "报告日期", "转归", "转归日期"])
    rows = [["C1", "B5-1302", "疑似", datetime(2020, 2, 3), None, None],
            ["C1", None, "确诊", datetime(2020, 2, 5), "住院", datetime(2020, 2, 6)],
            ["C2", "A1-0101", "疑似", datetime(2020, 2, 6), "排除", datetime(2020, 2, 8)],
            ["C2", None, None, None, None, datetime(2020, 2, 9)]]       # an update: only the outcome date
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "病例.xlsx")
    first = load(base, tmp_path / "病例.xlsx")[0]
    assert (first.accepted, first.rejected) == (4, 0)
    before = dump(base)
    again = load(base, tmp_path / "病例.xlsx")[0]
    assert (again.refused, again.accepted, again.duplicates) == (None, 0, 4)
    assert dump(base) == before
    con = store.connect_readonly(store.current_path(base))
    assert con.execute("select case_id, class, reported_on, outcome, outcome_on from cases order by 1").fetchall() == [
        ("C1", "confirmed", date(2020, 2, 5), "hospitalised", date(2020, 2, 6)),
        ("C2", "suspected", date(2020, 2, 6), "ruled_out", date(2020, 2, 9))]
    con.close()
    book.active.append(["C1", None, None, None, "治愈", datetime(2020, 2, 20)])   # the next night
    book.save(tmp_path / "病例.xlsx")
    grown = load(base, tmp_path / "病例.xlsx")[0]
    assert (grown.accepted, grown.duplicates) == (1, 4)


# -- reproduction 5: a grown workbook rolled requests back -------------------------------------

def medicine_sheets(demo_files, tmp_path, form: str, share: float):
    """The demo's medicine requests, the first `share` of the rows and all of them, as CSV or as
    an XLSX with Excel date-time cells, under the same file name (the same workbook, grown)."""
    text = (demo_files / "药品需求.csv").read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    out = []
    for name, part in (("part", rows[:int(len(rows) * share)]), ("whole", rows)):
        path = tmp_path / name / ("药品需求.xlsx" if form == "xlsx" else "药品需求.csv")
        path.parent.mkdir()
        if form == "xlsx":
            book = openpyxl.Workbook()
            book.active.append(header)
            for row in part:
                book.active.append([_excel(header[i], v) for i, v in enumerate(row)])
            book.save(path)
        else:
            path.write_text("\n".join(",".join(r) for r in [header, *part]) + "\n", encoding="utf-8")
        out.append(path)
    return out


def _excel(header: str, value: str):
    """A date-time typed canonically becomes an Excel date-time cell; other forms stay text."""
    if header in ("登记时间", "送达时间"):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            pass
    return value or None


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_importing_the_first_60_percent_then_the_whole_file_rolls_nothing_back(demo_files, tmp_path, form):
    registers = [demo_files / "楼栋与住户.xlsx", demo_files / "志愿者名册.xlsx"]
    part, whole = medicine_sheets(demo_files, tmp_path, form, 0.6)
    import_files(registers + [part], store=tmp_path / "grown", compound="福星城", year=2020)
    import_files([whole], store=tmp_path / "grown", compound="福星城", year=2020)
    import_files(registers + [whole], store=tmp_path / "once", compound="福星城", year=2020)
    grown, once = dump(tmp_path / "grown"), dump(tmp_path / "once")
    assert len(once["medicine_requests"]) == 176
    # (the first row of M0003 has 紧急程度 blank: it was taken for an update the second time, no
    # longer a duplicate, and came back as a new event after the delivery: 'open' again)
    status = {r[1]: r[11] for r in grown["medicine_requests"]}
    assert status["M0003"] == "delivered"
    assert grown == once


# -- the property: any rows of any kind, CSV, Unicode text or XLSX ---------------------------

@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    return register_store(tmp_path_factory.mktemp("registers"))


@pytest.mark.parametrize("kind", LOAD_ORDER)
@settings(max_examples=sheets.EXAMPLES, deadline=None, derandomize=sheets.DERANDOMIZE,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_grown_file_gives_the_tables_of_importing_it_once(kind, registers, tmp_path_factory, data):
    rows = data.draw(sheets.good_rows(kind), label="rows")
    split = data.draw(st.integers(0, len(rows)), label="yesterday's rows")
    form = data.draw(st.sampled_from(["csv", "text", "xlsx"]), label="form")
    fast = data.draw(st.booleans(), label="column-at-a-time path")  # (the log kinds that have one)
    # that path takes a sheet a part at a time: parts of 3 rows put part borders inside both files
    part = data.draw(st.sampled_from([importer.COLUMN_PART_ROWS, 3]), label="rows per part")
    with sheets.fast_path(fast), _part_rows(part):
        check_nightly(kind, registers, tmp_path_factory, rows, split, form)


@contextlib.contextmanager
def _part_rows(rows: int):
    kept, importer.COLUMN_PART_ROWS = importer.COLUMN_PART_ROWS, rows
    try:
        yield
    finally:
        importer.COLUMN_PART_ROWS = kept


def check_nightly(kind, registers, tmp_path_factory, rows, split, form):
    folder = tmp_path_factory.mktemp(kind)
    name = f"{KINDS[kind].zh}.{'xlsx' if form == 'xlsx' else 'txt' if form == 'text' else 'csv'}"
    yesterday = sheets.write(folder / "a" / name, kind, rows[:split], form)
    today = sheets.write(folder / "ab" / name, kind, rows, form)

    nightly = copy_store(registers, folder / "nightly")
    load(nightly, yesterday)
    load(nightly, today)
    once = copy_store(registers, folder / "once")
    first = load(once, today)[0]
    assert first.refused is None and first.rows_read == first.accepted + first.rejected + first.duplicates
    assert dump(nightly) == dump(once)
    assert answers(nightly) == answers(once)
    before = dump(once)
    again = load(once, today)[0]
    assert dump(once) == before
    if not KINDS[kind].register:  # (a register row replaced later in its own file is applied again, in order)
        assert again.accepted == 0


def answers(folder) -> dict:
    """What the overview asks of these tables over the generated days (every kind's numbers:
    seals, cases, fever, deliveries, shifts, requests, trips; equal tables give equal answers
    to every query, this one checks that through the shared rules)."""
    con = store.connect_readonly(store.current_path(folder))
    try:
        return run(con, "overview_daily", compound=C, buildings=[], date_from=date(2020, 2, 1),
                   date_to=date(2020, 2, 15), fever_c=config.FEVER_C, **config.medicine_params()).to_dict("list")
    finally:
        con.close()


# -- a row's identity is what was typed, not what the register said ----------------------------

def volunteer_ids(folder, table: str, column: str) -> list[tuple]:
    con = store.connect_readonly(store.current_path(folder))
    try:
        return con.execute(f'select "{column}", volunteer_id from {table} order by all').fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fast", [True, False])
def test_a_volunteer_added_to_the_register_later_resolves_yesterdays_rows_and_adds_none(tmp_path, fast):
    """Shifts and a medicine request naming volunteers the register does not have yet; the next
    day the register gains 赵六 (V05); yesterday's file is imported again. The register's answer
    (volunteer_id) was part of a row's identity, so the same rows came in a second time."""
    base = register_store(tmp_path / "r")   # V01 张三, V02 李四, V03 王五, V04 王五
    shifts = tmp_path / "值班记录.csv"
    shifts.write_text("日期,志愿者,开始,结束,任务\n"
                      "2020-02-10,赵六,08:00,12:00,配送\n"      # a name not in the register (yet)
                      "2020-02-10,V05,13:00,17:00,配送\n"       # an ID not in the register (yet)
                      "2020-02-10,V01,08:00,12:00,值守\n"       # known
                      "2020-02-10,王五,20:00,08:00,值守\n",      # two volunteers have this name
                      encoding="utf-8")
    requests = tmp_path / "药品需求.csv"
    requests.write_text("需求编号,登记时间,地址,药品,状态,经办人\nM1,2020-02-10 09:00,B5-1302,布洛芬,待处理,赵六\n",
                        encoding="utf-8")
    with sheets.fast_path(fast):
        first = load(base, shifts, requests)
    assert [(r.accepted, r.duplicates) for r in first] == [(4, 0), (1, 0)]
    assert volunteer_ids(base, "shifts", "volunteer") == [("V01", "V01"), ("V05", None), ("王五", None), ("赵六", None)]

    grown = tmp_path / "志愿者.csv"   # the register the next day: 赵六 joined as V05
    grown.write_text(sheets.REGISTERS["v.csv"] + "V05,赵六,雷锋,配送组\n", encoding="utf-8")
    assert [(r.accepted, r.duplicates) for r in load(base, grown)] == [(1, 4)]
    # every row naming 赵六 or V05 now resolves, in the tables and the request's events
    assert volunteer_ids(base, "shifts", "volunteer") == [("V01", "V01"), ("V05", "V05"), ("王五", None), ("赵六", "V05")]
    assert volunteer_ids(base, "medicine_requests", "handler") == [("赵六", "V05")]
    assert volunteer_ids(base, "medicine_request_events", "handler") == [("赵六", "V05")]

    before = dump(base)
    with sheets.fast_path(fast):
        again = load(base, shifts, requests)           # yesterday's rows, read again
    assert [(r.accepted, r.duplicates) for r in again] == [(0, 4), (0, 1)]
    assert dump(base) == before

    grown.write_text(grown.read_text(encoding="utf-8") + "V06,赵六,物业,安保组\n", encoding="utf-8")
    load(base, grown)   # a second 赵六: the name no longer says who (the ID still does)
    assert volunteer_ids(base, "shifts", "volunteer") == [("V01", "V01"), ("V05", "V05"), ("王五", None), ("赵六", None)]
    assert volunteer_ids(base, "medicine_requests", "handler") == [("赵六", None)]


def test_a_store_hashed_with_the_old_identity_is_rehashed_once_and_counts_nothing_twice(demo_files, tmp_path):
    """A snapshot whose rows were hashed before this identity (compounds.identity_version null):
    its next import re-hashes every row from the stored values, which gives the hashes an
    import gives (every kind, the whole demo); a log row the old identity let in twice is kept once."""
    import duckdb


    files = sorted(demo_files.iterdir())
    import_files(files, store=tmp_path, compound="福星城", year=2020)
    expected = dump(tmp_path)
    con = duckdb.connect(str(store.current_path(tmp_path)))   # made old by hand
    for table in ("buildings", "households", "volunteers", "shifts", "deliveries", "medicine_requests",
                  "medicine_request_events", "screenings", "cases", "case_events", "seals", "seal_events",
                  "vehicle_trips"):
        con.execute(f"update {table} set row_hash = md5(row_hash)")
    # the same shift twice: once before its volunteer was in the register, once after
    con.execute("insert into shifts select * replace (null as volunteer_id, md5('before') as row_hash)"
                " from shifts where volunteer_id is not null limit 1")
    con.execute("update compounds set identity_version = null")
    con.close()

    _adds_nothing_and_is_current(files, tmp_path, expected)


def _adds_nothing_and_is_current(files, tmp_path, expected) -> None:
    """The demo's files imported again into the snapshot made old by hand: nothing accepted, the
    tables as the fresh import left them, and the identity version the current one."""
    from sitrep.ingest.rules import IDENTITY_VERSION

    again = import_files(files, store=tmp_path, compound="福星城", year=2020)
    assert [r.accepted for r in again] == [0] * len(again) and len(again) == 10
    assert dump(tmp_path) == expected
    con = store.connect_readonly(store.current_path(tmp_path))
    assert con.execute("select identity_version from compounds").fetchall() == [(IDENTITY_VERSION,)]
    con.close()


def test_a_store_of_hex_digests_keeps_its_identities_as_bytes(demo_files, tmp_path):
    """A snapshot of identity version 2 (each row's SHA-1 as 40 hex characters, a VARCHAR
    column): its next import turns every digest into its 20 bytes, stored uncompressed, without
    hashing a row again (the same SHA-1), and counts nothing twice."""
    import duckdb


    files = sorted(demo_files.iterdir())
    import_files(files, store=tmp_path, compound="福星城", year=2020)
    expected = dump(tmp_path)
    con = duckdb.connect(str(store.current_path(tmp_path)))   # made version 2 by hand
    tables = [t for (t,) in con.execute("select table_name from information_schema.columns"
                                        " where column_name = 'row_hash' order by 1").fetchall()]
    assert len(tables) == 13
    for table in tables:
        con.execute(f"alter table {table} alter column row_hash set data type varchar using lower(hex(row_hash))")
    assert con.execute("select row_hash from shifts limit 1").fetchall()[0][0].isalnum()
    con.execute("update compounds set identity_version = 2")
    con.close()

    _adds_nothing_and_is_current(files, tmp_path, expected)
    con = store.connect_readonly(store.current_path(tmp_path))
    assert con.execute("select distinct data_type from information_schema.columns"
                       " where column_name = 'row_hash'").fetchall() == [("BLOB",)]
    for table in tables:   # the column is the table's last, as the schema has it, and stays uncompressed
        assert con.execute("select column_name from information_schema.columns where table_name = $t"
                           " order by ordinal_position desc limit 1", {"t": table}).fetchall() == [("row_hash",)]
        assert con.execute("select sql from duckdb_tables() where table_name = $t", {"t": table}
                           ).fetchall()[0][0].endswith("row_hash BLOB USING COMPRESSION Uncompressed);")
    con.close()
