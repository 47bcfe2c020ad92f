"""The data import page's work: stage uploaded files, preview an import (a dry run), load it,
and the rejection report as XLSX. Kept out of the page so the page stays thin."""
from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

from .i18n import t
from .importer import SheetResult, import_files
from .privacy import mask_rejected
from .read import Limits


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


def shown_rejection(rej: dict, lang: str, personal: bool) -> tuple[str, str]:
    """A rejected row's cell and reason in `lang`, masked unless the viewer may see personal
    data (sitrep/privacy.py: addresses down to building · floor, names and phones masked)."""
    reason = rej["reason_zh"] if lang == "zh" else rej["reason_en"]
    if personal:
        return rej["value"] or "", reason
    return mask_rejected(rej.get("kind"), rej["column"] or "", rej["value"] or "", reason, lang)


def rejection_rows(results: list[SheetResult], lang: str, personal: bool = False) -> list[dict]:
    rows = []
    for r in results:
        for rej in r.rejections:
            value, reason = shown_rejection(rej, lang, personal)
            rows.append({"file": rej["file"], "sheet": rej["sheet"] or "", "row": rej["row_number"],
                         "column": rej["column"], "value": value, "reason": reason})
    return rows


def report_xlsx(results: list[SheetResult], lang: str, personal: bool = False) -> bytes:
    """The full rejection report: one row per rejected row, with its reason in both languages
    (masked as on the page unless the viewer may see personal data)."""
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
            value, reason_zh = shown_rejection(rej, "zh", personal)
            reason_en = shown_rejection(rej, "en", personal)[1]
            row = [rej["file"], rej["sheet"] or "", rej["row_number"], rej["column"], value,
                   reason_zh, reason_en]
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
