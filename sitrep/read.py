"""Read a team spreadsheet (CSV or XLSX) into sheets of raw rows, numbered as the file shows them."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


class RefusedFile(Exception):
    """The whole file is refused; `code` names the reason in the catalogs."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class Sheet:
    name: str | None                # None for a CSV
    rows: list[tuple[int, list]]    # (1-based row number as the spreadsheet shows it, cells)


def read_file(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise RefusedFile("not_spreadsheet")


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RefusedFile("bad_encoding")
    if "\x00" in text:
        raise RefusedFile("not_spreadsheet")
    rows = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    return Sheet(None, rows)


def _read_xlsx(path: Path) -> list[Sheet]:
    import zipfile

    import openpyxl

    if not zipfile.is_zipfile(path):
        raise RefusedFile("not_spreadsheet")
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # a corrupt or foreign zip
        raise RefusedFile("bad_xlsx", error=str(err)[:200]) from None
    sheets = []
    for ws in book.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        # Merged cells fill every row and column they span.
        for merged in ws.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
        sheets.append(Sheet(ws.title, [(i, row) for i, row in enumerate(grid, start=1)]))
    book.close()
    return sheets
