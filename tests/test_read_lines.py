"""A CSV without quotes is not held as its lines (read.FileLines): the reader keeps where each
line is and reads a part again from the file when the importer asks. Same rows as the csv
module, with chunks, checks and blocks small enough that every border falls inside a line
break; the limits still checked before anything is kept; a file changed after it was read is
never mixed into an import."""
from __future__ import annotations

import csv
import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.ingest import read
from sitrep.ingest.importer import import_files
from sitrep.ingest.read import FileLines, Limits, RefusedFile, read_file

C = "测试小区"


@pytest.fixture
def small_blocks(monkeypatch):
    """Chunks of 3 bytes, checks of 2 lines, blocks of 2 lines: every border crosses a line."""
    monkeypatch.setattr(FileLines, "CHUNK", 3)
    monkeypatch.setattr(FileLines, "CHECK", 2)
    monkeypatch.setattr(FileLines, "BLOCK", 2)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=["a", ",", "\n", "\r", " ", "中", "\t", "\u2028", "\x85"], max_size=40),
       bom=st.booleans())
def test_lines_read_from_the_file_are_the_csv_modules_rows(tmp_path_factory, text, bom):
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FileLines, "CHUNK", 3)
        mp.setattr(FileLines, "CHECK", 2)
        mp.setattr(FileLines, "BLOCK", 2)
        (sheet,) = read_file(path, Limits())
        assert isinstance(sheet.lines, FileLines)
        assert sheet.delimiter == ("\t" if text.count("\t") > text.count(",") else ",")  # from the whole start
        expected = list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sheet.delimiter), start=1))
        assert [sheet.row(i) for i in range(len(sheet))] == expected
        assert list(sheet.iter_rows()) == expected
        # every part the importer may take, read from the file, is those lines
        for start in range(len(sheet) + 1):
            for length in (1, 3, None):
                got = sheet.lines.slice(start, length).to_pylist()
                assert [read.split_line(line, sheet.delimiter) for line in got] == \
                    [cells for _, cells in expected[start:None if length is None else start + length]]
        assert sheet.rows == expected
        assert sheet.digest == hashlib.sha256(data).hexdigest()


def test_what_is_kept_is_where_the_lines_are(tmp_path):
    """1,000 lines of 40 bytes: kept are 2 × 8 bytes a line (16,000 bytes), never the 40,000."""
    path = tmp_path / "d.csv"
    path.write_text("".join(f"2020-02-01 08:00,B5-101,蔬菜,{i:5d},斤\r\n" for i in range(1000)), encoding="utf-8")
    (sheet,) = read_file(path, Limits())
    assert isinstance(sheet.lines, FileLines)
    assert sheet.lines.starts.nbytes + sheet.lines.ends.nbytes == 1000 * 2 * 8
    assert sheet.row(999) == (1000, ["2020-02-01 08:00", "B5-101", "蔬菜", "  999", "斤"])  # no \r kept


def test_the_limits_are_checked_on_every_part_before_anything_is_kept(tmp_path, small_blocks):
    """A cell over the limit on line 7 and too many columns on line 9 are found by the checks of
    2 lines at a time, and named by their line in the file."""
    lines = ["a,b"] * 10
    lines[6] = "a," + "x" * 11
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RefusedFile) as refused:
        read_file(path, Limits(max_cell_chars=10))
    assert (refused.value.code, refused.value.details["row"]) == ("cell_too_long", 7)
    lines[6], lines[8] = "a,b", ",".join("c" * 6)  # 6 columns on line 9, over 5
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RefusedFile) as refused:
        read_file(path, Limits(max_columns=5))
    assert (refused.value.code, refused.value.details["row"]) == ("too_many_columns", 9)
    path.write_text("a\n" * 61, encoding="utf-8")  # 61 lines > max_rows 10 + 50 (title, notes, header)
    with pytest.raises(RefusedFile) as refused:
        read_file(path, Limits(max_rows=10))
    assert refused.value.code == "too_many_rows"


def test_a_file_not_utf8_or_quoted_is_read_whole_as_before(tmp_path, small_blocks):
    """GB18030 (a chunk of it is not UTF-8) and a quoted CSV are not FileLines: read as before."""
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("楼栋,层数\nA1,11\n".encode("gb18030"))
    (sheet,) = read_file(gbk, Limits())
    assert not isinstance(sheet.lines, FileLines)
    assert list(sheet.iter_rows()) == [(1, ["楼栋", "层数"]), (2, ["A1", "11"])]
    quoted = tmp_path / "q.csv"
    quoted.write_text('楼栋,层数\n"A1",11\n', encoding="utf-8")
    (sheet,) = read_file(quoted, Limits())
    assert sheet.lines is None and sheet.rows == [(1, ["楼栋", "层数"]), (2, ["A1", "11"])]


def test_a_file_changed_after_it_was_read_is_never_mixed_into_an_import(tmp_path, monkeypatch):
    """The lines are read again part by part; a file rewritten in between (another size or
    time) is never mixed in: changed before its header is found, the file is refused alone
    (unreadable); changed while its rows load, the import fails whole, nothing written."""
    from sitrep.ingest.importer import Importer

    (tmp_path / "b.csv").write_text("楼栋,层数\nB5,33\n", encoding="utf-8")
    import_files([tmp_path / "b.csv"], store=tmp_path / "store", compound=C, year=2020)
    path = tmp_path / "d.csv"
    header = "送达时间,地址,物资,数量,单位\n"
    rows = "".join(f"2020-02-01 08:{i:02d},B5-{101 + i},蔬菜,1,斤\n" for i in range(50))

    def grow():
        path.write_text(header + rows + rows.replace("蔬菜", "肉"), encoding="utf-8")

    path.write_text(header + rows, encoding="utf-8")
    original = read.read_file

    def read_then_change(p, limits=None):
        sheets = original(p, limits)
        if p == path:
            grow()
        return sheets

    with monkeypatch.context() as mp:
        mp.setattr("sitrep.ingest.importer.read_file", read_then_change)
        (result,) = import_files([path], store=tmp_path / "store", compound=C, year=2020)
    assert result.refused_code == "unreadable" and result.accepted == 0

    path.write_text(header + rows, encoding="utf-8")
    load_sheet = Importer.load_sheet

    def change_then_load(self, *args, **kwargs):
        grow()
        return load_sheet(self, *args, **kwargs)

    with monkeypatch.context() as mp:
        mp.setattr(Importer, "load_sheet", change_then_load)
        (result,) = import_files([path], store=tmp_path / "store", compound=C, year=2020)
    assert result.refused_code == "import_failed" and result.accepted == 0
    (again,) = import_files([path], store=tmp_path / "store", compound=C, year=2020)
    assert (again.accepted, again.duplicates) == (100, 0)  # the file as it is now, into a store untouched


def test_a_line_is_read_again_only_from_the_file_it_was_found_in(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\nc,d\n", encoding="utf-8")
    (sheet,) = read_file(path, Limits())
    stat = path.stat()
    path.write_text("a,b\nc,e\n", encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(read.FileChanged):
        sheet.row(1)
