"""Read a team spreadsheet (CSV or XLSX) into sheets of raw rows, numbered as the file shows them.

Limits are checked before anything is parsed: the file size, the unzipped size of a workbook
(zip bombs) and the number of rows. XLSX is read in openpyxl's streaming (read-only) mode;
merged cells, which that mode does not report, are read from the sheet's XML with a
streaming parser and filled into every row and column they span.
"""
from __future__ import annotations

import csv
import gc
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from xml.etree.ElementTree import iterparse

import numpy as np

from . import config

ENCODINGS = ("utf-8-sig", "gb18030")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class RefusedFile(Exception):
    """The whole file is refused; `code` names the reason in the catalogs."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = config.MAX_FILE_MB
    max_rows: int = config.MAX_ROWS
    max_xlsx_uncompressed_mb: float = config.MAX_XLSX_UNCOMPRESSED_MB


class Sheet:
    """A sheet's rows: (1-based row number as the spreadsheet shows it, cells).

    A CSV without a quote character is kept as its lines (`lines`, a pyarrow string array;
    row number = line number, cells = the line split at commas, exactly what the csv module
    makes of it) so the importer can work on whole columns; `rows` is built only when asked.
    """

    def __init__(self, name: str | None, rows: list[tuple[int, list]] | None = None, *,
                 lines=None, digest: str | None = None):
        self.name = name                # None for a CSV
        self._rows = rows
        self.lines = lines              # pyarrow string array, or None
        self.digest = digest            # sha256 of the file's bytes, when known

    @property
    def rows(self) -> list[tuple[int, list]]:
        if self._rows is None:
            self._rows = [(number, split_line(line))
                          for number, line in enumerate(self.lines.to_pylist(), start=1)]
        return self._rows

    def __len__(self) -> int:
        return len(self.lines) if self._rows is None else len(self._rows)

    def row(self, index: int) -> tuple[int, list]:
        """The row at this 0-based index."""
        if self._rows is None:
            return index + 1, split_line(self.lines[index].as_py())
        return self._rows[index]

    def iter_rows(self, start: int = 0) -> Iterator[tuple[int, list]]:
        """The rows from this 0-based index on, without building them all first."""
        if self._rows is not None:
            yield from islice(self._rows, start, None)
            return
        for index in range(start, len(self.lines)):
            yield self.row(index)


def split_line(line: str) -> list[str]:
    """One line of a CSV without quotes, as the csv module reads it (an empty line: no cells)."""
    return line.split(",") if line else []


def read_file(path: Path, limits: Limits | None = None) -> list[Sheet]:
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise RefusedFile("not_spreadsheet")
    size_mb = path.stat().st_size / 1e6
    if size_mb > limits.max_file_mb:
        raise RefusedFile("too_large", size=f"{size_mb:.1f}", limit=f"{limits.max_file_mb:g}")
    if suffix == ".csv":
        return [_read_csv(path, limits)]
    return _read_xlsx(path, limits)


def _read_csv(path: Path, limits: Limits) -> Sheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise RefusedFile("not_spreadsheet")
    digest = hashlib.sha256(raw).hexdigest()
    # Without a quote (or NUL) every line is a row: read as lines, column-wise (UTF-8 checked
    # by pyarrow, which accepts exactly what the utf-8 codec accepts; else decoded below).
    simple = b'"' not in raw and b"\x00" not in raw and len(raw) < 1 << 30
    if simple:
        sheet = _csv_lines(raw, digest, limits, bom=True)
        if sheet is not None:
            return sheet
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RefusedFile("bad_encoding")
    if simple and encoding != "utf-8-sig" and '"' not in text and "\x00" not in text:
        sheet = _csv_lines(text.encode("utf-8"), digest, limits, bom=False)
        if sheet is not None:
            return sheet
    rows = []
    paused = gc.isenabled()
    gc.disable()  # a million small lists: the collector would revisit them again and again
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > limits.max_rows + 50:  # + title, notes and header rows
                raise RefusedFile("too_many_rows", limit=limits.max_rows)
            rows.append((number, row))
    finally:
        if paused:
            gc.enable()
    return Sheet(None, rows, digest=digest)


def _csv_lines(data: bytes, digest: str, limits: Limits, bom: bool) -> Sheet | None:
    """UTF-8 bytes of a CSV without quotes as a Sheet of lines (a pyarrow string array):
    lines end at \\n, \\r\\n or \\r, as for csv.reader on io.StringIO(text, newline=""),
    and with `bom` a leading BOM is dropped (the utf-8-sig codec). None when the bytes are not UTF-8, or
    a line could hold a field over the csv module's size limit (it would refuse it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    buffer = pa.py_buffer(data)
    if bom and data.startswith(b"\xef\xbb\xbf"):
        buffer = buffer.slice(3)
    if buffer.size == 0:
        lines = pa.array([], type=pa.string())
    else:
        if data.endswith(b"\n"):
            buffer = buffer.slice(0, buffer.size - 1)
        offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64))
        whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
        try:
            whole = whole.cast(pa.large_string())
        except pa.ArrowInvalid:  # not UTF-8
            return None
        lines = pc.split_pattern(whole, "\n").flatten().cast(pa.string())
    if len(lines) > limits.max_rows + 50:  # + title, notes and header rows
        raise RefusedFile("too_many_rows", limit=limits.max_rows)
    if len(lines) and pc.max(pc.utf8_length(lines)).as_py() > csv.field_size_limit():
        return None
    return Sheet(None, lines=lines, digest=digest)


def _read_xlsx(path: Path, limits: Limits) -> list[Sheet]:
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise RefusedFile("not_spreadsheet")
    with zipfile.ZipFile(path) as archive:
        unzipped_mb = sum(info.file_size for info in archive.infolist()) / 1e6
    if unzipped_mb > limits.max_xlsx_uncompressed_mb:
        raise RefusedFile("zip_bomb", size=f"{unzipped_mb:.0f}",
                          limit=f"{limits.max_xlsx_uncompressed_mb:g}")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # a corrupt or foreign zip
        raise RefusedFile("bad_xlsx", error=str(err)[:200]) from None
    sheets = []
    try:
        with zipfile.ZipFile(path) as archive:
            for ws in book.worksheets:
                grid = []
                for row in ws.iter_rows(values_only=True):
                    if len(grid) >= limits.max_rows + 50:
                        raise RefusedFile("too_many_rows", limit=limits.max_rows)
                    grid.append(list(row))
                # a row left blank stays blank even where a merged cell spans it
                blank = [all(c is None or str(c).strip() == "" for c in row) for row in grid]
                _fill_merged(grid, _merged_ranges(archive, ws._worksheet_path))
                grid = [[] if was_blank else row for row, was_blank in zip(grid, blank, strict=True)]
                sheets.append(Sheet(ws.title, [(i, row) for i, row in enumerate(grid, start=1)]))
    finally:
        book.close()
    return sheets


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[str]:
    """`A1:C1`-style ranges from the sheet XML's <mergeCells>, read as a stream."""
    ranges = []
    with archive.open(member) as handle:
        for _, element in iterparse(handle, events=("end",)):
            if element.tag == _MAIN_NS + "mergeCell":
                ranges.append(element.get("ref"))
            elif element.tag == _MAIN_NS + "row":
                element.clear()  # keep memory flat on large sheets
    return ranges


def _fill_merged(grid: list[list], ranges: list[str]) -> None:
    from openpyxl.utils.cell import range_boundaries

    for ref in ranges:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row > len(grid):
            continue
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = value
