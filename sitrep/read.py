"""Read a team spreadsheet (CSV or XLSX) into sheets of raw rows, numbered as the file shows them.

Limits are checked before anything is parsed: the file size, the unzipped size of a workbook
(zip bombs) and the number of rows. XLSX is read in openpyxl's streaming (read-only) mode;
merged cells, which that mode does not report, are read from the sheet's XML with a
streaming parser and filled into every row and column they span.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import iterparse

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


@dataclass
class Sheet:
    name: str | None                # None for a CSV
    rows: list[tuple[int, list]]    # (1-based row number as the spreadsheet shows it, cells)


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
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RefusedFile("bad_encoding")
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if number > limits.max_rows + 50:  # + title, notes and header rows
            raise RefusedFile("too_many_rows", limit=limits.max_rows)
        rows.append((number, row))
    return Sheet(None, rows)


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
