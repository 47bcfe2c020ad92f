"""The data import page's work: stage uploaded files, preview an import (a dry run), load it,
and the rejection report as XLSX. Kept out of the page so the page stays thin."""
from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

from .i18n import t
from .importer import SheetResult, import_files
from .read import Limits

PERSONAL_HEADERS = {"姓名", "电话", "联系电话", "患者", "住址", "name", "phone", "patient", "home"}


def stage(files: list[tuple[str, bytes]]) -> Path:
    """Write uploaded files (name, bytes) to a fresh temporary folder, names kept."""
    folder = Path(tempfile.mkdtemp(prefix="sitrep-upload-"))
    for name, data in files:
        safe = Path(name).name or "upload"
        (folder / safe).write_bytes(data)
    return folder


def fingerprint(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def run(folder: Path, compound: str, *, dry_run: bool, who: str, max_file_mb: float) -> list[SheetResult]:
    paths = sorted(p for p in folder.iterdir() if p.is_file())
    results = import_files(paths, compound=compound, command=f"dashboard:{who}", dry_run=dry_run,
                           limits=Limits(max_file_mb=max_file_mb))
    if not dry_run:
        from . import audit

        audit.record("import", who, ", ".join(p.name for p in paths), {
            "compound": compound, "accepted": sum(r.accepted for r in results),
            "rejected": sum(r.rejected for r in results),
            "duplicates": sum(r.duplicates for r in results)})
    return results


def summary_rows(results: list[SheetResult], lang: str) -> list[dict]:
    return [{
        "file": Path(r.path).name + (f" · {r.sheet}" if r.sheet else ""),
        "kind": t(f"kind.{r.kind}", lang) if r.kind else "—",
        "rows_read": r.rows_read, "accepted": r.accepted, "rejected": r.rejected,
        "duplicates": r.duplicates,
        "refused": (r.refused_zh if lang == "zh" else r.refused) or "",
    } for r in results]


def mask_value(column: str, value: str) -> str:
    """A rejected cell in a personal column is shown masked."""
    if column.strip() in PERSONAL_HEADERS and value:
        return value[0] + "*" * max(len(value) - 1, 1)
    return value


def rejection_rows(results: list[SheetResult], lang: str) -> list[dict]:
    return [{
        "file": rej["file"], "sheet": rej["sheet"] or "", "row": rej["row_number"],
        "column": rej["column"], "value": mask_value(rej["column"], rej["value"]),
        "reason": rej["reason_zh"] if lang == "zh" else rej["reason_en"],
    } for r in results for rej in r.rejections]


def report_xlsx(results: list[SheetResult], lang: str) -> bytes:
    """The full rejection report: one row per rejected row, with its reason in both languages."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = t("import.report_sheet", lang)
    keys = ["file", "sheet", "row", "column", "value", "reason_zh", "reason_en"]
    sheet.append([t(f"import.col.{k}", lang) for k in keys])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in results:
        for rej in r.rejections:
            row = [rej["file"], rej["sheet"] or "", rej["row_number"], rej["column"],
                   mask_value(rej["column"], rej["value"]), rej["reason_zh"], rej["reason_en"]]
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
