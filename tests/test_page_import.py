"""The data import page through AppTest: upload, preview, confirm or cancel; the overview moves."""
from __future__ import annotations

import io

import openpyxl
import pytest

from sitrep import store
from sitrep.app.upload import report_xlsx
from sitrep.ingest.importer import import_files

from .conftest import FIXTURE, FIXTURE_COMPOUND, app, metrics, sign_in

GOOD_AND_BAD = ("送达时间,地址,物资,数量,单位,来源\n"
                "2020-02-07 09:00,B5-0301,蔬菜,20斤,,捐赠\n"     # good: 10 kg
                "2020-02-07 09:30,A1-0101,水果,4,公斤,团购\n"     # good: 4 kg
                "2020-02-07 10:00,C9-0101,蔬菜,5,斤,捐赠\n"       # unknown building
                "2020-02-07 10:30,B5-1101,蔬菜,5,斤,捐赠\n")      # floor 11 of B5's 10


@pytest.fixture
def own_store(tmp_path, monkeypatch, users, browser_cookies):
    """A store of its own (the page writes to it), built from the hand-built fixture as the
    team's own data; the clerk is signed in."""
    import_files(sorted(FIXTURE.glob("*.csv")), store=tmp_path, compound=FIXTURE_COMPOUND, year=2020)
    monkeypatch.setenv("SITREP_STORE", str(tmp_path))
    sign_in(browser_cookies, "wu")
    return tmp_path


def open_import(**query):
    at = app(**query)
    at.run()
    at.switch_page("pages/data_import.py").run()
    assert not at.exception, at.exception
    return at


def summary(at):
    return at.dataframe[0].value.values.tolist()


def test_upload_preview_confirm_and_the_overview_moves(own_store, browser_cookies):
    before = store.current_path(own_store)
    at = open_import()
    at.file_uploader[0].upload("配送0207.csv", GOOD_AND_BAD.encode("utf-8"), "text/csv").run()
    assert not at.exception
    # preview: 4 read, 2 accepted, 2 rejected, nothing written yet
    assert summary(at) == [["配送0207.csv", "配送记录", 4, 2, 2, 0, ""]]
    rejected = at.dataframe[1].value
    assert rejected["行号"].tolist() == [4, 5]
    assert "C9" in rejected["原因"].iloc[0] and "11" in rejected["原因"].iloc[1]
    # the clerk sees the rejected addresses down to building · floor, in the reason too
    assert rejected["值"].tolist() == ["C9 · 1层", "B5 · 11层"]
    assert not rejected.map(lambda v: "C9-0101" in str(v) or "B5-1101" in str(v)).any().any()
    assert store.current_path(own_store) == before
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert "接受 2 行，拒绝 2 行" in at.success[0].value
    assert store.current_path(own_store) != before
    # the overview on 02-07 now counts the two new deliveries (1 before) and their 14 kg (5 before)
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    got = metrics(at)
    assert (got["今日配送（单）"], got["今日配送（公斤）"]) == ("3", "19.0")
    # the rejected rows stay in the snapshot and are browsable on the page (a commander sees them whole)
    at.switch_page("pages/data_import.py").run()
    assert at.dataframe[-1].value["值"].tolist() == ["C9-0101", "B5-1101"]
    sign_in(browser_cookies, "wu")
    at = open_import()
    kept = at.dataframe[-1].value
    assert kept["行号"].tolist() == [4, 5]
    assert kept["值"].tolist() == ["C9 · 1层", "B5 · 11层"]
    assert not kept.map(lambda v: "C9-0101" in str(v) or "B5-1101" in str(v)).any().any()
    # the import is on the audit trail, and so is a download
    at.download_button(key="import_freshness_download").click().run()
    log = (own_store / "audit.jsonl").read_text(encoding="utf-8")
    assert '"event": "import"' in log and "配送0207.csv" in log
    assert '"event": "download"' in log and "import_freshness.csv" in log
    assert '"compound": "测试小区"' in log.splitlines()[-1]          # with the filters in force


def test_cancel_writes_nothing(own_store):
    before = store.current_path(own_store)
    at = open_import(lang="English")
    at.file_uploader[0].upload("d.csv", GOOD_AND_BAD.encode("utf-8"), "text/csv").run()
    at.button(key="import_cancel").click().run()
    assert not at.exception
    assert store.current_path(own_store) == before
    assert len(at.file_uploader) == 1 and not at.success


def test_a_refused_file_is_shown_with_its_reason(own_store):
    at = open_import(lang="English")
    at.file_uploader[0].upload("notes.csv", "甲,乙\n1,2\n".encode(), "text/csv").run()
    assert "match no kind" in summary(at)[0][-1]


def test_the_open_demo_previews_but_never_writes(demo_env):
    before = store.current_path(demo_env)
    at = open_import()
    at.file_uploader[0].upload("配送0207.csv", GOOD_AND_BAD.replace("A1-0101", "B5-0101").encode("utf-8"),
                               "text/csv").run()
    assert not at.exception
    assert "只做预览" in at.info[0].value
    assert not [b for b in at.button if b.key == "import_confirm"]
    assert store.current_path(demo_env) == before


def test_the_rejection_report_is_an_xlsx_with_every_rejected_row(tmp_path):
    (tmp_path / "b.csv").write_text("楼栋,层数\nB5,10\nA1,6\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text(GOOD_AND_BAD.replace("C9-0101", "=1+1"), encoding="utf-8")
    results = import_files([tmp_path / "b.csv", tmp_path / "d.csv"], store=tmp_path, compound="x",
                           year=2020, dry_run=True)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(results, "zh", personal=True)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "工作表", "行号", "列")
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [("d.csv", 4, "地址", "=1+1"),
                                                          ("d.csv", 5, "地址", "B5-1101")]
    # a value that looks like a formula is stored as text, never run as a formula
    assert book.active.cell(2, 5).data_type == "s"
    # masked (the default): an unreadable address hidden, a room down to its floor, both reasons too
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(results, "zh")))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == ["****", "B5 · 11层"]
    assert not any("B5-1101" in str(cell) for row in rows for cell in row)
