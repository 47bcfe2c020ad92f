"""Readers that cannot be made to allocate (sitrep/ingest/read.py): every limit is checked while reading,
before the allocation it guards, and a file over it is refused whole with a reason naming it.
UTF-16 and tab-separated text (Excel's "Unicode text") are read; repeated headers are refused."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import datetime

import openpyxl
import pytest

from sitrep import store
from sitrep.ingest.importer import import_files
from sitrep.ingest.read import Limits, read_file

from .conftest import REPO

C = "测试小区"
BUILDINGS = "楼栋,层数\nA1,11\nB5,33\n"
DELIVERIES = "送达时间,地址,物资,数量,单位\n"


def load(tmp_path, *paths, **kw):
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    return import_files([tmp_path / "b.csv", *paths], store=tmp_path / "store", compound=C, year=2020, **kw)[1:]


def outcome(result) -> tuple:
    return result.kind, result.rows_read, result.accepted, result.rejected, result.refused_code


# -- XLSX, written by hand: only the parts a reader needs ----------------------------------

def xlsx(path, sheet: str, *, shared: list[str] | None = None, styles: str | None = None,
         workbook_pr: str = "", raw_shared: str | None = None, shared_doc: str | None = None):
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}">{workbook_pr}'
                   '<sheets><sheet name="配送" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}">{sheet}</worksheet>')
        if shared is not None or raw_shared is not None:
            body = raw_shared or "".join(f"<si><t>{s}</t></si>" for s in shared)
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{body}</sst>')
        elif shared_doc is not None:
            z.writestr("xl/sharedStrings.xml", shared_doc)
        if styles:
            z.writestr("xl/styles.xml", f'<styleSheet xmlns="{main}">{styles}</styleSheet>')
    return path


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = ('<row r="1">' + "".join(inline(f"{c}1", h) for c, h in zip("ABCDE", DELIVERIES.strip().split(","),
                                                                          strict=True)) + "</row>")


def delivery_row(n, when="2020-02-10 08:00", extra=""):
    return (f'<row r="{n}">{inline(f"A{n}", when)}{inline(f"B{n}", "B5-1302")}{inline(f"C{n}", "蔬菜")}'
            f'<c r="D{n}"><v>{n % 100}</v></c>{inline(f"E{n}", "斤")}{extra}</row>')


# -- reproduction 2: a 4.7 KB XLSX exhausted memory -----------------------------------------

def in_a_small_process(tmp_path, path) -> dict:
    """Import `path` in a child process that may not use more than 2 GB of address space (the
    declared dimension once made the reader pad ~1M x 16,384 cells: MemoryError)."""
    code = ("import json, resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "from sitrep.ingest.importer import import_files\n"
            "r = import_files([sys.argv[1]], store=sys.argv[2], compound='x', year=2020)\n"
            "print(json.dumps([x.as_json() for x in r]))\n")
    (tmp_path / "b.csv").write_text(BUILDINGS, encoding="utf-8")
    import_files([tmp_path / "b.csv"], store=tmp_path / "small", compound="x", year=2020)
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "small")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads(done.stdout)[0]


def test_a_declared_dimension_allocates_nothing(tmp_path):
    """Cells at A1 and XFD1048576 under <dimension ref="A1:XFD1048576"/>: the far cell is past the
    column limit, so the file is refused (naming its row), at once."""
    book = openpyxl.Workbook()
    book.active["A1"] = "楼栋"
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "dim.xlsx")
    assert (tmp_path / "dim.xlsx").stat().st_size < 10_000
    with zipfile.ZipFile(tmp_path / "dim.xlsx") as z:
        assert b'<dimension ref="A1:XFD1048576"' in z.read("xl/worksheets/sheet1.xml")
    got = in_a_small_process(tmp_path, tmp_path / "dim.xlsx")
    assert got["refused_code"] == "too_many_columns" and "row 1048576" in got["refused"]


def test_only_the_cells_that_exist_are_read(tmp_path):
    """The same declared dimension over a real sheet (and one far row): read as its rows."""
    sheet = ('<dimension ref="A1:XFD1048576"/><sheetData>' + HEADER_ROW + delivery_row(2) + delivery_row(3)
             + delivery_row(1048576) + "</sheetData>")
    got = in_a_small_process(tmp_path, xlsx(tmp_path / "d.xlsx", sheet))
    assert (got["kind"], got["rows_read"], got["accepted"], got["refused"]) == ("deliveries", 3, 3, None)
    (sheet,) = read_file(tmp_path / "d.xlsx")
    assert [n for n, _ in sheet.rows] == [1, 2, 3, 1048576]    # the rows that exist, numbered as Excel shows
    assert max(len(cells) for _, cells in sheet.rows) == 5     # no padding to column XFD


def test_workbook_limits_are_checked_while_reading(tmp_path):
    rows = "".join(delivery_row(n, f"2020-02-10 {8 + n // 60:02d}:{n % 60:02d}") for n in range(2, 62))
    path = xlsx(tmp_path / "d.xlsx", "<sheetData>" + HEADER_ROW + rows + "</sheetData>")
    assert outcome(load(tmp_path, path)[0]) == ("deliveries", 60, 60, 0, None)
    # (a sheet may have up to 50 title, note and header rows above its max_rows rows)
    assert load(tmp_path, path, limits=Limits(max_rows=10))[0].refused_code == "too_many_rows"
    assert load(tmp_path, path, limits=Limits(max_cells=100))[0].refused_code == "too_many_cells"
    assert load(tmp_path, path, limits=Limits(max_columns=4))[0].refused_code == "too_many_columns"
    long_cell = xlsx(tmp_path / "long.xlsx", "<sheetData>" + HEADER_ROW + delivery_row(
        2, extra=inline("F2", "x" * 32_768)) + "</sheetData>")
    refused = load(tmp_path, long_cell)[0]
    assert refused.refused_code == "cell_too_long" and "row 2" in refused.refused and "32,767" in refused.refused
    many_chars = xlsx(tmp_path / "chars.xlsx", "<sheetData>" + HEADER_ROW + delivery_row(
        2, extra='<c r="F2" t="s"><v>0</v></c>') + "</sheetData>", shared=["y" * 30_000])
    assert load(tmp_path, many_chars, limits=Limits(max_chars=20_000))[0].refused_code == "too_many_chars"


def test_an_entity_declaration_refuses_the_file(tmp_path):
    """A DTD never occurs in a real workbook; an entity bomb ("billion laughs") needs one."""
    bomb = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>')
    path = xlsx(tmp_path / "bomb.xlsx", "<sheetData>" + HEADER_ROW + "</sheetData>", shared_doc=bomb)
    assert load(tmp_path, path)[0].refused_code == "bad_xlsx"


def test_excel_cells_are_read_as_openpyxl_reads_them(tmp_path):
    """Shared strings (rich runs, phonetic guides left out), inline strings, cached formula
    results, booleans, date cells by number format, the 1904 date system, merged cells."""
    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d h:mm"/></numFmts>'
              '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>')
    shared = ('<si><t>送达时间</t></si><si><r><t>地</t></r><r><t>址</t></r><rPh><t>dizhi</t></rPh></si>'
              '<si><t>物资</t></si><si><t>数量</t></si><si><t>蔬菜</t></si>')
    sheet = ('<sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
             '<c r="D1" t="s"><v>3</v></c></row>'
             '<row r="2"><c r="A2" s="1"><v>43871.5</v></c><c r="B2" t="str"><f>"B5-"&amp;"1302"</f><v>B5-1302</v></c>'
             '<c r="C2" t="s"><v>4</v></c><c r="D2"><v>3</v></c></row>'
             '<row r="3"><c r="A3" s="2"><v>43871</v></c><c r="B3" t="inlineStr"><is><t>B5-1303</t></is></c>'
             '<c r="C3" t="s"><v>4</v></c><c r="D3" t="b"><v>1</v></c></row>'
             '<row r="4"><c r="A4" s="1"><v>43872.25</v></c><c r="B4"><v>1</v></c></row>'
             '</sheetData><mergeCells count="1"><mergeCell ref="C3:C4"/></mergeCells>')
    (sheet_,) = read_file(xlsx(tmp_path / "a.xlsx", sheet, raw_shared=shared, styles=styles))
    assert sheet_.rows == [
        (1, ["送达时间", "地址", "物资", "数量"]),
        (2, [datetime(2020, 2, 10, 12), "B5-1302", "蔬菜", 3]),
        (3, [datetime(2020, 2, 10), "B5-1303", "蔬菜", True]),
        (4, [datetime(2020, 2, 11, 6), 1, "蔬菜"]),   # C4 filled from the merged C3:C4
    ]
    (in_1904,) = read_file(xlsx(tmp_path / "b.xlsx", sheet, raw_shared=shared, styles=styles,
                                workbook_pr='<workbookPr date1904="1"/>'))
    assert in_1904.rows[1][1][0] == datetime(2024, 2, 11, 12)   # 43871.5 days after 1904-01-01


# -- CSV and text ---------------------------------------------------------------------------

def test_a_quoted_cell_over_the_csv_modules_limit_is_refused_not_a_crash(tmp_path):
    """Reproduction 3b: a quoted cell of 131,073 characters raised _csv.Error."""
    path = tmp_path / "d.csv"
    path.write_text(DELIVERIES + f'2020-02-10 08:00,B5-1302,"{"x" * 131_073}",1,斤\n', encoding="utf-8")
    refused = load(tmp_path, path)[0]
    assert refused.refused_code == "cell_too_long" and "row 2" in refused.refused


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_cell_over_excels_limit_refuses_the_file_a_long_one_under_it_rejects_the_row(tmp_path, quoted):
    q = '"' if quoted else ""
    long = tmp_path / "long.csv"
    long.write_text(DELIVERIES + "2020-02-10 08:00,B5-1302,蔬菜,1,斤\n"
                    f"2020-02-10 08:01,B5-1302,{q}{'x' * 32_768}{q},1,斤\n", encoding="utf-8")
    refused = load(tmp_path, long)[0]
    assert refused.refused_code == "cell_too_long" and "row 3" in refused.refused
    under = tmp_path / "under.csv"
    under.write_text(DELIVERIES + f"2020-02-10 08:01,B5-1302,{q}{'x' * 32_767}{q},1,斤\n", encoding="utf-8")
    assert outcome(load(tmp_path, under)[0]) == ("deliveries", 1, 0, 1, None)   # text over 1,000: rejected


def test_very_wide_lines_are_refused_at_once(tmp_path):
    """The 9 MB file of 15 very wide lines (it took 42 s of header matching before it was refused):
    refused by the column limit while reading."""
    path = tmp_path / "wide.csv"
    path.write_text("".join(",".join(["送达时间"] * 46_500) + "\n" for _ in range(15)), encoding="utf-8")
    assert path.stat().st_size > 9e6
    refused = load(tmp_path, path, limits=Limits(max_file_mb=20))[0]
    assert refused.refused_code == "too_many_columns" and "row 1 " in refused.refused
    ok = tmp_path / "ok.csv"
    ok.write_text(DELIVERIES.strip() + "," * 251 + "\n2020-02-10 08:00,B5-1302,蔬菜,1,斤\n", encoding="utf-8")
    assert outcome(load(tmp_path, ok)[0]) == ("deliveries", 1, 1, 0, None)       # 256 columns: fine
    ok.write_text(DELIVERIES.strip() + "," * 252 + "\n2020-02-10 08:00,B5-1302,蔬菜,1,斤\n", encoding="utf-8")
    assert load(tmp_path, ok)[0].refused_code == "too_many_columns"            # 257


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excels_unicode_text_is_read(tmp_path, encoding):
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated, quoted where a cell holds a tab or
    a line break; .txt (and without a BOM too)."""
    text = ("福星城配送登记表\n送达时间\t地址\t物资\t数量\t单位\n"
            "2020-02-10 08:00\tB5-1302\t蔬菜\t20\t斤\n"
            '2020-02-10 08:30\tB5-1303\t"生活\t用品"\t2\t箱\n')
    path = tmp_path / "配送.txt"
    path.write_bytes(text.encode(encoding))
    (result,) = load(tmp_path, path)
    assert outcome(result) == ("deliveries", 2, 2, 0, None)
    con = store.connect_readonly(store.current_path(tmp_path / "store"))
    assert con.execute("select room, category, kg from deliveries order by room").fetchall() == [
        ("1302", "vegetables", 10.0), ("1303", "daily_goods", None)]   # 生活用品, a tab inside
    con.close()


def test_a_utf16_csv_with_commas_is_read(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes((DELIVERIES + "2020-02-10 08:00,B5-1302,蔬菜,20,斤\n").encode("utf-16"))
    assert outcome(load(tmp_path, path)[0]) == ("deliveries", 1, 1, 0, None)


def test_repeated_header_columns_are_refused_naming_them(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("送达时间,地址,物资,送达时间,delivered_at,数量\n2020-02-10 08:00,B5-1302,蔬菜,,,1\n",
                    encoding="utf-8")
    (refused,) = load(tmp_path, path)
    assert refused.refused_code == "repeated_headers"
    assert "送达时间 (A, D, E)" in refused.refused and "送达时间 (A, D, E)" in refused.refused_zh
