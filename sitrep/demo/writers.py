"""Logs into files as the team keeps them: CSV in a chosen encoding, XLSX workbooks with
optional title rows. Byte-stable: the workbook's properties and every zip entry carry one fixed
time, so the same logs give the same bytes."""
from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from sitrep.demo.logs import Log

FIXED_STAMP = datetime(2020, 3, 14, 0, 0, 0)  # XLSX created/modified and zip entry times


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed time, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_STAMP.timetuple()[:6])
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams worksheets through temporary files, whose mtime would leak in
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(), compress_type, compresslevel)


def write_xlsx(path: Path, sheets: list[tuple[str, Log, str | None]], creator: str) -> None:
    """One sheet per (title, log, banner); a banner is a merged title row, then a blank row."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, log, banner in sheets:
        header = log.header
        ws = wb.create_sheet(title)
        first = 1
        if banner:  # a title row, a blank row, then the header
            ws.cell(row=1, column=1, value=banner).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
            first = 3
        for c, value in enumerate(header, 1):
            ws.cell(row=first, column=c, value=value).font = Font(bold=True)
        for r, row in enumerate(log.rows, first + 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        for c in range(1, len(header) + 1):
            ws.column_dimensions[chr(ord("A") + c - 1)].width = 14
    wb.properties.creator = creator
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()


def write_csv(path: Path, log: Log, encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(log.header)
        writer.writerows(log.rows)
