"""The importer's clean path on real CSV and XLSX files: kinds from headers, header aliases,
typing variants, rejected rows with reasons, updates, duplicates and the CLI contract."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time

import openpyxl
import pytest

from sitrep import store
from sitrep.ingest.importer import import_files
from sitrep.ingest.parse import (
    parse_address,
    parse_date,
    parse_datetime,
    parse_quantity,
    parse_temperature,
    parse_time,
)

from .conftest import FIXTURE, REPO

C = "测试小区"
BUILDINGS = "楼栋,层数\nA1,6\nB5,33\n"


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def con_of(folder):
    return store.connect_readonly(store.current_path(folder))


def rows(folder, sql, **params):
    con = con_of(folder)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("text, expected", [
    ("2020-02-10", date(2020, 2, 10)), ("2020/2/10", date(2020, 2, 10)),
    ("2020年2月10日", date(2020, 2, 10)), ("2月10日", date(2020, 2, 10)),
    (datetime(2020, 2, 10, 0, 0), date(2020, 2, 10)), (43871, date(2020, 2, 10)),
])
def test_dates_as_typed(text, expected):
    assert parse_date(text, 2020) == expected


@pytest.mark.parametrize("text, expected", [
    ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("8点30", time(8, 30)), ("8点半", time(8, 30)),
    ("8点", time(8)), ("下午3点", time(15)), ("下午3点半", time(15, 30)), ("08:30:15", time(8, 30, 15)),
    (time(8, 30), time(8, 30)), (0.5, time(12)),
])
def test_times_as_typed(text, expected):
    assert parse_time(text) == expected


def test_datetimes_as_typed():
    assert parse_datetime("2020-02-10 08:30") == datetime(2020, 2, 10, 8, 30)
    assert parse_datetime("2020-02-10T08:30:00") == datetime(2020, 2, 10, 8, 30)
    assert parse_datetime("2月10日 8点半", 2020) == datetime(2020, 2, 10, 8, 30)
    assert parse_datetime("2020/2/10 下午3点") == datetime(2020, 2, 10, 15)


@pytest.mark.parametrize("text, expected", [
    ("B5-1302", ("B5", None, 13, "1302")), ("B5栋1302", ("B5", None, 13, "1302")),
    ("B5栋1单元1302", ("B5", "1", 13, "1302")), ("B5栋1302室", ("B5", None, 13, "1302")),
    ("b5 1302", ("B5", None, 13, "1302")), ("Ｂ５－１３０２", ("B5", None, 13, "1302")),
    ("A1-101", ("A1", None, 1, "101")),
])
def test_addresses_as_typed(text, expected):
    assert parse_address(text) == expected


def test_quantities_and_temperatures_as_typed():
    assert parse_quantity("20斤") == (20, "斤", 10)
    assert parse_quantity("10kg") == (10, "kg", 10)
    assert parse_quantity("3", "箱") == (3, "箱", None)
    assert parse_quantity("4", "公斤") == (4, "公斤", 4)
    assert parse_quantity("20斤", "公斤") == (20, "斤", 10)   # the unit in the cell wins
    assert parse_temperature("37.3℃") == 37.3
    assert parse_temperature("36.8度") == 36.8


def test_fixture_loads_into_contract_tables(fixture_con):
    counts = dict(fixture_con.execute(
        "select 'buildings', count(*) from buildings union all select 'households', count(*) from households"
        " union all select 'volunteers', count(*) from volunteers union all select 'seals', count(*) from seals"
        " union all select 'shifts', count(*) from shifts union all select 'deliveries', count(*) from deliveries"
        " union all select 'medicine_requests', count(*) from medicine_requests"
        " union all select 'medicine_request_events', count(*) from medicine_request_events"
        " union all select 'cases', count(*) from cases union all select 'case_events', count(*) from case_events"
        " union all select 'screenings', count(*) from screenings"
        " union all select 'vehicle_trips', count(*) from vehicle_trips").fetchall())
    assert counts == {"buildings": 2, "households": 9, "volunteers": 4,
                      "seals": 3,  # B5 whole; A1 floors 2 and 3 (the lift updated them)
                      "shifts": 5, "deliveries": 4, "medicine_requests": 4,
                      "medicine_request_events": 5, "cases": 3, "case_events": 4,
                      "screenings": 6, "vehicle_trips": 3}
    # every table carries the compound
    tables = [r[0] for r in fixture_con.execute(
        "select table_name from information_schema.tables").fetchall()]
    for table in tables:
        assert fixture_con.execute(
            "select count(*) from information_schema.columns where table_name = $t and column_name = 'compound'",
            {"t": table}).fetchall()[0][0] == 1, table


def test_codes_units_and_references_are_parsed(fixture_con):
    assert fixture_con.execute(
        "select volunteer_id, kind, \"group\", task_force from volunteers order by 1").fetchall() == [
        ("V01", "party_member", "supply", False), ("V02", "lei_feng", "supply", False),
        ("V03", "stationed_cadre", "security", True), ("V04", "doctor", "medical", False)]
    # the 20:00-08:00 guard shift ran past midnight; 王五 resolves to V03 by name
    assert fixture_con.execute(
        "select volunteer_id, start, \"end\", hours from shifts where task = 'guard'").fetchall() == [
        ("V03", datetime(2020, 2, 6, 20), datetime(2020, 2, 7, 8), 12.0)]
    assert fixture_con.execute(
        "select building, floor, room, quantity, qty_unit, kg from deliveries order by delivered_at").fetchall() == [
        ("B5", 3, "0301", 20.0, "斤", 10.0), ("B5", 3, "0302", 2.0, "箱", None),
        ("A1", 1, "0101", 5.0, "公斤", 5.0), ("A1", 2, "0201", 10.0, "斤", 5.0)]
    assert fixture_con.execute(
        "select symptoms, max_temp_c from screenings where building = 'B5' and date = '2020-02-06' order by room"
    ).fetchall() == [(["fever", "cough"], 37.8), (["none"], 36.6)]


def test_update_rows_update_and_keep_history(fixture_con):
    assert fixture_con.execute(
        "select status, fulfilled_at, medicine, urgency, patient from medicine_requests where request_id = 'M1'"
    ).fetchall() == [("delivered", datetime(2020, 2, 6, 10, 30), "药A", "urgent", "甲某")]
    assert fixture_con.execute(
        "select status from medicine_request_events where request_id = 'M1' order by event_seq").fetchall() == [
        ("open",), ("delivered",)]
    assert fixture_con.execute(
        "select class, reported_on, building from cases where case_id = 'C2'").fetchall() == [
        ("confirmed", date(2020, 2, 7), "A1")]
    assert fixture_con.execute(
        "select building, floor, sealed_until from seals order by building, floor nulls first").fetchall() == [
        ("A1", 2, date(2020, 2, 9)), ("A1", 3, date(2020, 2, 9)), ("B5", None, date(2020, 2, 8))]


def test_english_headers_and_units_in_brackets(tmp_path):
    write(tmp_path / "b.csv", BUILDINGS)
    write(tmp_path / "d.csv", "Delivered At,ADDRESS,category,数量（斤）,qty_unit,source,volunteer\n"
                              "2020-02-10 08:30,B5-1302,vegetables,20,斤,donated,V9\n")
    results = import_files([tmp_path / "b.csv", tmp_path / "d.csv"], store=tmp_path / "s",
                           compound=C, year=2020)
    assert [(r.kind, r.accepted, r.rejected) for r in results] == [("buildings", 2, 0), ("deliveries", 1, 0)]
    assert rows(tmp_path / "s", "select category, source, kg, volunteer, volunteer_id from deliveries") == [
        ("vegetables", "donated", 10.0, "V9", None)]


def test_xlsx_two_kinds_title_row_merged_cells_and_excel_cells(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "楼栋"
    ws.append(["福星城楼栋登记表"])
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["楼栋", "层数", "单元数"])
    ws.append(["B5", 33, 2])
    ws.append(["A1", 11, 3])
    ws2 = book.create_sheet("值班")
    ws2.append(["日期", "志愿者", "开始", "结束", "任务", "楼栋"])
    ws2.append([datetime(2020, 2, 10), "V01", time(7, 0), time(15, 0), "值守", "B5"])
    ws2.append([None, "V02", time(15, 0), time(23, 0), "值守", "B5"])  # merged date below
    ws2.merge_cells("A2:A3")
    book.save(tmp_path / "book.xlsx")
    results = import_files([tmp_path / "book.xlsx"], store=tmp_path / "s", compound=C, year=2020)
    assert [(r.sheet, r.kind, r.rows_read, r.accepted, r.rejected) for r in results] == [
        ("楼栋", "buildings", 2, 2, 0), ("值班", "shifts", 2, 2, 0)]
    assert rows(tmp_path / "s", "select date, volunteer, hours from shifts order by start") == [
        (date(2020, 2, 10), "V01", 8.0), (date(2020, 2, 10), "V02", 8.0)]


def test_gbk_csv(tmp_path):
    write(tmp_path / "b.csv", BUILDINGS, encoding="gb18030")
    results = import_files([tmp_path / "b.csv"], store=tmp_path / "s", compound=C)
    assert results[0].kind == "buildings" and results[0].accepted == 2


def test_bad_rows_are_rejected_with_reasons_and_the_rest_loads(tmp_path):
    write(tmp_path / "b.csv", BUILDINGS)
    write(tmp_path / "s.csv", "日期,地址,最高体温\n"
                              "2020-02-10,B5-1302,36.5\n"      # good
                              "2020-02-10,C9-0101,36.5\n"      # unknown building (row 3)
                              "2020-02-10,B5-3502,36.5\n"      # floor 35 of 33 (row 4)
                              "2020-02-10,B5-1301,45\n"        # temperature out of range (row 5)
                              "2020-02-31,B5-1303,36.5\n"      # no such date (row 6)
                              ",B5-1304,36.5\n")               # missing date (row 7)
    write(tmp_path / "m.csv", "需求编号,登记时间,地址,药品,状态,送达时间\n"
                              "M1,2020-02-10 09:00,B5-1302,药A,已送达,\n"
                              "M2,2020-02-10 09:00,B5-1302,药A,已送达,2020-02-10 08:00\n"
                              "M3,2020-02-10 09:00,B5-1302,药A,待处理,\n")
    results = import_files([tmp_path / p for p in ("b.csv", "s.csv", "m.csv")], store=tmp_path / "s",
                           compound=C, year=2020)
    s, m = results[1], results[2]
    assert (s.rows_read, s.accepted, s.rejected, s.duplicates) == (6, 1, 5, 0)
    assert (m.rows_read, m.accepted, m.rejected, m.duplicates) == (3, 1, 2, 0)
    rejected = rows(tmp_path / "s", "select file, row_number, \"column\", value, reason_code, reason_zh, reason_en"
                                    " from rejected_rows order by file, row_number")
    assert [(f, n, col, v, code) for f, n, col, v, code, _, _ in rejected] == [
        ("m.csv", 2, "送达时间", "", "delivered_without_time"),
        ("m.csv", 3, "送达时间", "2020-02-10 08:00", "delivered_before_request"),
        ("s.csv", 3, "地址", "C9-0101", "unknown_building"),
        ("s.csv", 4, "地址", "B5-3502", "floor_too_high"),
        ("s.csv", 5, "最高体温", "45", "out_of_range"),  # 34–43, from the contract
        ("s.csv", 6, "日期", "2020-02-31", "bad_date"),
        ("s.csv", 7, "日期", "", "missing"),
    ]
    zh, en = rejected[2][5], rejected[2][6]
    assert "s.csv" in zh and "第 3 行" in zh and "地址" in zh and "C9-0101" in zh
    assert "s.csv" in en and "row 3" in en and "C9-0101" in en
    # rows read = accepted + rejected + duplicates, and the history says so
    assert rows(tmp_path / "s", "select file, rows_read, accepted, rejected, duplicates from import_history"
                                " order by file") == [("b.csv", 2, 2, 0, 0), ("m.csv", 3, 1, 2, 0),
                                                      ("s.csv", 6, 1, 5, 0)]


TABLES = ["buildings", "households", "volunteers", "shifts", "deliveries", "medicine_requests",
          "medicine_request_events", "screenings", "cases", "case_events", "seals", "seal_events",
          "vehicle_trips", "rejected_rows"]


def table_digest(folder):
    con = con_of(folder)
    try:
        return {t: con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {t} as t").fetchall()[0]
                for t in TABLES if t != "rejected_rows"} | {
            "rejected_rows": con.execute("select count(*) from rejected_rows").fetchall()[0]}
    finally:
        con.close()


def test_importing_twice_changes_nothing(tmp_path):
    files = sorted(FIXTURE.glob("*.csv"))
    import_files(files, store=tmp_path, compound=C, year=2020)
    before = table_digest(tmp_path)
    again = import_files(files, store=tmp_path, compound=C, year=2020)
    assert all(r.accepted == 0 and r.duplicates == r.rows_read for r in again)
    assert table_digest(tmp_path) == before
    # the same rows in another file are duplicates too
    (tmp_path / "copy.csv").write_bytes((FIXTURE / "deliveries.csv").read_bytes())
    third = import_files([tmp_path / "copy.csv"], store=tmp_path, compound=C, year=2020)
    assert (third[0].accepted, third[0].duplicates) == (0, 4)
    assert table_digest(tmp_path) == before


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


def test_cli_json_summary_and_exit_codes(tmp_path):
    write(tmp_path / "b.csv", BUILDINGS)
    write(tmp_path / "s.csv", "日期,地址,最高体温\n2020-02-10,B5-1302,36.5\n2020-02-10,B5-9901,36.5\n")
    done = run_cli("import", str(tmp_path / "b.csv"), str(tmp_path / "s.csv"), "--store", str(tmp_path / "st"),
                   "--compound", C, "--year", "2020", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"files": [
        {"path": str(tmp_path / "b.csv"), "sheet": None, "kind": "buildings", "rows_read": 2, "accepted": 2,
         "rejected": 0, "duplicates": 0, "refused": None, "refused_code": None},
        {"path": str(tmp_path / "s.csv"), "sheet": None, "kind": "screenings", "rows_read": 2, "accepted": 1,
         "rejected": 1, "duplicates": 0, "refused": None, "refused_code": None}]}
    snapshot = run_cli("snapshot", "--store", str(tmp_path / "st"))
    assert snapshot.returncode == 0 and snapshot.stdout.strip() == str(store.current_path(tmp_path / "st"))

    write(tmp_path / "notes.doc", "hello")
    write(tmp_path / "odd.csv", "甲,乙\n1,2\n")
    refused = run_cli("import", str(tmp_path / "notes.doc"), str(tmp_path / "odd.csv"),
                      "--store", str(tmp_path / "st"), "--json")  # the store's only compound
    assert refused.returncode == 1
    files = json.loads(refused.stdout)["files"]
    assert [f["kind"] for f in files] == [None, None]
    assert "not a CSV" in files[0]["refused"] and "match no kind" in files[1]["refused"]
    assert [f["refused_code"] for f in files] == ["not_spreadsheet", "unknown_kind"]

    assert run_cli("import", "--store", str(tmp_path / "st")).returncode == 2          # no path
    assert run_cli("import", str(tmp_path / "b.csv"), "--kind", "nope").returncode == 2
    assert run_cli("import", str(tmp_path / "b.csv"), "--store", str(tmp_path / "new")).returncode == 2


def test_a_refused_file_writes_nothing(tmp_path):
    import_files([write(tmp_path / "b.csv", BUILDINGS)], store=tmp_path / "s", compound=C)
    before = store.current_path(tmp_path / "s")
    results = import_files([write(tmp_path / "x.csv", "甲,乙\n1,2\n")], store=tmp_path / "s", compound=C)
    assert results[0].refused and store.current_path(tmp_path / "s") == before


def test_forced_kind(tmp_path):
    write(tmp_path / "b.csv", BUILDINGS)
    assert import_files([tmp_path / "b.csv"], store=tmp_path / "s", compound=C, kind="households")[0].refused
    assert import_files([tmp_path / "b.csv"], store=tmp_path / "s", compound=C, kind="buildings")[0].accepted == 2


def test_the_demo_files_use_typing_variants_and_all_load(demo_store, demo_con):
    """The demo is typed the way people type (variants from DATA_CONTRACT), and every row loads."""
    import csv

    text = "".join(p.read_text(encoding="utf-8-sig") for p in (REPO / "data" / "demo").glob("*.csv"))
    for variant in ("点半", "月", "年", "/", "栋", "室", "Ｂ", "℃", "度", "斤", "kg", "下午"):
        assert variant in text, variant
    assert demo_con.execute("select count(*) from rejected_rows").fetchall() == [(0,)]
    assert demo_con.execute(
        "select count(*) from import_history where rows_read <> accepted or duplicates <> 0").fetchall() == [(0,)]
    with open(REPO / "data" / "demo" / "配送记录.csv", encoding="utf-8-sig", newline="") as handle:
        rows_in_file = sum(1 for _ in csv.reader(handle)) - 1
    assert demo_con.execute("select count(*) from deliveries").fetchall() == [(rows_in_file,)]
