"""The data import page's work: stage uploaded files, preview an import (a dry run), load it,
and the rejection report as XLSX. Kept out of the page so the page stays thin.

Uploads are staged in private folders (0700, files 0600) under the store's `uploads/`, removed
when the import is confirmed or cancelled, and, if a session left one behind, at the next
start-up once older than STALE_AFTER_S."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from sitrep import store
from sitrep.app.privacy import mask_rejected
from sitrep.i18n import t
from sitrep.ingest.importer import SheetResult, import_files, refusal
from sitrep.ingest.read import Limits

log = logging.getLogger("sitrep")
STALE_AFTER_S = 6 * 3600   # a preview nobody confirmed or cancelled for this long


def uploads_dir() -> Path:
    """The store's private folder of staged uploads (beside snapshots/)."""
    folder = store.store_dir().parent / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def stage(files: list[tuple[str, bytes]]) -> Path:
    """Write uploaded files (name, bytes) to a fresh private folder, names kept."""
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads_dir()))  # mode 0700
    for name, data in files:
        safe = Path(name).name or "upload"
        fd = os.open(folder / safe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    return folder


def discard(folder: Path | None) -> None:
    """Remove a staged upload (only ever a folder inside uploads_dir())."""
    if folder is not None and Path(folder).resolve().parent == uploads_dir().resolve():
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale(max_age_s: float = STALE_AFTER_S) -> int:
    """Remove staged uploads older than max_age_s (left by a session that ended without
    confirming or cancelling); the number removed."""
    removed = 0
    cutoff = time.time() - max_age_s
    for folder in uploads_dir().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def fingerprint(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def run(folder: Path, compound: str, *, dry_run: bool, who: str, max_file_mb: float) -> list[SheetResult]:
    """Preview (dry_run) or load the staged files. Whatever happens, a result per file: rows
    accepted and rejected, or the file refused with a reason (an upload removed meanwhile, the
    store unwritable …), never an exception for the page to show."""
    try:
        paths = sorted(p for p in Path(folder).iterdir() if p.is_file())
    except OSError:
        return [refusal(Path(folder), None, "upload_gone")]
    try:
        results = import_files(paths, compound=compound, command=f"dashboard:{who}", dry_run=dry_run,
                               limits=Limits(max_file_mb=max_file_mb))
    except Exception:  # noqa: BLE001 - the page shows a reason, never a trace
        log.exception("import from the page failed")
        return [refusal(p, None, "import_failed") for p in paths]
    if not dry_run:
        from sitrep.access import audit

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
    data (sitrep/app/privacy.py: addresses down to building · floor, names and phones masked)."""
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
