"""Plausible values, by rule from the contract (sitrep/ingest/contract.py "Bounds"): every date inside the
compound's window, every number in its range, text capped and free of control characters. Outside
them a row is rejected with a reason that states the bound; both import paths reject the same rows
the same way, in CSV and XLSX; nothing ever ends in a traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from sitrep import store
from sitrep.config import local_now
from sitrep.ingest import importer
from sitrep.ingest.importer import import_files

from .conftest import REPO

C = "测试小区"
BUILDINGS = "楼栋,层数\nA1,11\nB5,33\n"
TODAY = local_now().date()


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def workbook(path, rows):
    """An XLSX of these rows, cells as given (numbers, dates and text stay Excel cells)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def load(folder, files, *, fast=True, monkeypatch=None, **kw):
    if monkeypatch is not None:
        monkeypatch.setattr(importer, "FAST_PATH", fast)
    return import_files(files, store=folder, compound=C, **{"year": 2020, **kw})


def rejected(folder):
    con = store.connect_readonly(store.current_path(folder))
    try:
        return con.execute("select row_number, \"column\", value, reason_code, reason_zh, reason_en"
                           " from rejected_rows order by file, row_number").fetchall()
    finally:
        con.close()


def rows(folder, sql):
    con = store.connect_readonly(store.current_path(folder))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- reproduction 1: one accepted row dated 9999-12-31 took four pages down ----------------

@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-row"])
def test_a_delivery_dated_9999_or_1900_is_rejected_with_the_window(tmp_path, monkeypatch, fast):
    b = write(tmp_path / "b.csv", BUILDINGS)
    d = write(tmp_path / "d.csv", "送达时间,地址,物资,数量,单位,来源,配送人\n"
                                  "9999-12-31 23:59,B5-2002,蔬菜,1,斤,捐赠,V001\n"
                                  "1900-01-01 00:00,B5-2002,蔬菜,1,斤,捐赠,V001\n"
                                  "2020-02-10 08:30,B5-2002,蔬菜,1,斤,捐赠,V001\n")
    results = load(tmp_path / "s", [b, d], fast=fast, monkeypatch=monkeypatch)
    assert (results[1].accepted, results[1].rejected) == (1, 2)
    # year 2020, no lockdown set: the window opens on 2020-01-01 - 30 days = 2019-12-02 and
    # closes the day after the import
    last = (TODAY + timedelta(days=1)).isoformat()
    got = rejected(tmp_path / "s")
    assert [(n, col, value, code) for n, col, value, code, _, _ in got] == [
        (2, "送达时间", "9999-12-31 23:59", "outside_window"), (3, "送达时间", "1900-01-01 00:00", "outside_window")]
    assert f"2019-12-02 to {last}" in got[0][5] and f"2019-12-02 至 {last}" in got[0][4]
    assert rows(tmp_path / "s", "select min(delivered_at), max(delivered_at) from deliveries") == [
        (datetime(2020, 2, 10, 8, 30), datetime(2020, 2, 10, 8, 30))]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-row"])
def test_the_window_follows_the_compound_settings(tmp_path, monkeypatch, fast):
    b = write(tmp_path / "b.csv", BUILDINGS)
    days = [date(2020, 1, 4), date(2020, 1, 5), date(2020, 2, 3), TODAY, TODAY + timedelta(days=1),
            TODAY + timedelta(days=2)]
    s = write(tmp_path / "s.csv", "日期,地址\n" + "".join(f"{d.isoformat()},B5-1302\n" for d in days))

    def accepted(folder, **kw):
        load(folder, [b, s], fast=fast, monkeypatch=monkeypatch, **kw)
        return [r[0] for r in rows(folder, "select date from screenings order by date")]

    # lockdown 2020-02-04, default margin 30 days: from 2020-01-05; to the day after the import
    assert accepted(tmp_path / "a", settings={"lockdown_from": date(2020, 2, 4)}) == days[1:5]
    # the margin is the compound's own setting
    assert accepted(tmp_path / "b", settings={"lockdown_from": date(2020, 2, 4), "window_margin_days": 0}) \
        == days[3:5]
    # neither a lockdown nor a year: from a year (365 days) and the margin before the import day
    assert accepted(tmp_path / "c", year=None) == days[3:5]


# -- reproduction 3: integers >= 2^31 crashed the whole import ----------------------------

SCREENINGS_BIG = ("日期,地址,测温人数,最高体温\n"
                  "2020-02-10,B5-1301,2147483648,36.5\n"            # 2: > 50 (and > 2^31)
                  "2020-02-10,B5-1302,99999999999999999999,36.5\n"  # 3: > 2^64
                  "2020-02-10,B5-1303,50,36.5\n"                    # 4: the bound itself: fine
                  "2020-02-10,B5-1304,51,36.5\n"                    # 5
                  "2020-02-10,B5-1305,-1,36.5\n"                    # 6: not a count
                  "2020-02-10,B5-1306,2,43.1\n"                     # 7: 43.0 at most
                  "2020-02-10,B5-1307,2,34.0\n"                     # 8: the bound: fine
                  "2020-02-10,B5-1308,1e400,36.5\n")                # 9: not a finite number


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-row"])
def test_numbers_beyond_their_range_are_rejected_rows_not_a_crash(tmp_path, monkeypatch, fast):
    b = write(tmp_path / "b.csv", BUILDINGS)
    s = write(tmp_path / "s.csv", SCREENINGS_BIG)
    h = write(tmp_path / "h.csv", "楼栋,房号,人数\nB5,1302,2147483648\nB5,1303,3\n")
    results = load(tmp_path / "s", [b, h, s], fast=fast, monkeypatch=monkeypatch)
    assert [(r.kind, r.accepted, r.rejected) for r in results] == [
        ("buildings", 2, 0), ("households", 1, 1), ("screenings", 2, 6)]
    got = [(n, col, code) for n, col, _, code, _, _ in rejected(tmp_path / "s")]
    assert got == [(2, "人数", "out_of_range"),
                   (2, "测温人数", "out_of_range"), (3, "测温人数", "out_of_range"),
                   (5, "测温人数", "out_of_range"), (6, "测温人数", "bad_number"),
                   (7, "最高体温", "out_of_range"), (9, "测温人数", "bad_number")]
    reasons = [en for _, _, _, _, _, en in rejected(tmp_path / "s")]
    assert reasons[1] == "s.csv row 2, column '测温人数', value '2147483648': must be between 0 and 50"
    assert reasons[5].endswith("value '43.1': must be between 34 and 43")


def test_numbers_in_xlsx_cells_are_checked_alike(tmp_path):
    b = write(tmp_path / "b.csv", BUILDINGS)
    x = workbook(tmp_path / "x.xlsx", [
        ["楼栋", "层数"], ["C1", 81], ["C2", 80], ["C3", 2**31],                      # floors 1-80
    ])
    d = workbook(tmp_path / "d.xlsx", [
        ["送达时间", "地址", "物资", "数量", "单位"],
        [datetime(2020, 2, 10, 8), "B5-1302", "蔬菜", 100_001, "斤"],                # over 100,000
        [datetime(2020, 2, 10, 9), "B5-1302", "蔬菜", 100_000, "斤"],
        [datetime(9999, 12, 31), "B5-1302", "蔬菜", 1, "斤"],                       # outside the window
        [date(1900, 1, 1), "B5-1302", "蔬菜", 1, "斤"],
    ])
    results = load(tmp_path / "s", [b, x, d])
    assert [(r.accepted, r.rejected) for r in results] == [(2, 0), (1, 2), (1, 3)]
    assert [(col, code) for _, col, _, code, _, _ in rejected(tmp_path / "s")] == [
        ("数量", "out_of_range"), ("送达时间", "outside_window"), ("送达时间", "outside_window"),
        ("层数", "out_of_range"), ("层数", "out_of_range")]


def test_the_cli_ends_with_a_json_summary_never_a_traceback(tmp_path):
    b = write(tmp_path / "b.csv", BUILDINGS)
    s = write(tmp_path / "s.csv", SCREENINGS_BIG)
    done = subprocess.run([sys.executable, "-m", "sitrep", "import", str(b), str(s), "--store", str(tmp_path / "st"),
                           "--compound", C, "--year", "2020", "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    files = json.loads(done.stdout)["files"]
    assert [(f["kind"], f["accepted"], f["rejected"]) for f in files] == [("buildings", 2, 0), ("screenings", 2, 6)]


# -- text: capped, control characters out --------------------------------------------------

@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-row"])
def test_text_is_capped_and_control_characters_are_removed(tmp_path, monkeypatch, fast):
    b = write(tmp_path / "b.csv", BUILDINGS)
    d = tmp_path / "d.csv"
    d.write_text("送达时间,地址,物资,配送人\n"
                 f"2020-02-10 08:00,B5-1302,{'菜' * 1000},V01\n"                  # 1,000 characters: fine
                 f"2020-02-10 08:01,B5-1302,{'菜' * 1001},V01\n"                  # 1,001: rejected
                 "2020-02-10 08:02,B5-1302,蔬\x00菜\u200b,\u202e张三\x07\n"        # NUL, zero-width, bidi
                 '2020-02-10 08:03,B5-1302,"水\n果",李\t四\n', encoding="utf-8")  # line break, tab
    results = load(tmp_path / "s", [b, d], fast=fast, monkeypatch=monkeypatch)
    assert (results[1].accepted, results[1].rejected) == (3, 1)
    (n, col, value, code, _, en), = rejected(tmp_path / "s")
    assert (n, col, code) == (3, "物资", "too_long") and "longer than 1,000 characters" in en
    assert value == "菜" * 200 + "…"          # a rejected cell is kept cut short
    # (蔬菜 and 水果 are known categories: stored as their codes)
    assert rows(tmp_path / "s", "select length(category), volunteer from deliveries order by delivered_at") == [
        (1000, "V01"), (len("vegetables"), "张三"), (len("fruit"), "李 四")]


def test_the_templates_state_the_bounds(tmp_path):
    from io import BytesIO

    from sitrep.ingest.templates import template_bytes

    book = openpyxl.load_workbook(BytesIO(template_bytes("screenings")))
    note = book.active["A1"].value
    assert "测温人数 0 至 50" in note and "最高体温 34 至 43" in note and "1,000" in note and "前 30 天" in note
    assert [c.value for c in book.active[2]][:2] == ["日期*", "地址*"]   # the header row follows
