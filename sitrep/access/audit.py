"""The audit trail: an append-only JSON Lines file beside the snapshots (`audit.jsonl`).

A file, not a table: snapshots are replaced by every import, while the trail must be written
by every login and download without creating a snapshot. Appends take a lock and are fsynced;
nothing ever rewrites the file. Read it with the named query `audit_log` (DuckDB read_json).
"""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from sitrep.config import local_now
from sitrep.store import store_dir

EVENTS = ("login", "login_failed", "logout", "import", "briefing", "download",
          # the scheduled briefing (sitrep/briefing/schedule.py), its links and share tokens
          "briefing_render", "briefing_push", "briefing_fetch", "share")


def audit_path(store=None) -> Path:
    return store_dir(store).parent / "audit.jsonl"


def record(event: str, who: str | None, what: str = "", filters: dict | None = None, store=None) -> None:
    if event not in EVENTS:
        raise ValueError(event)
    line = json.dumps({"logged_at": local_now().isoformat(sep=" "), "who": who or "", "event": event,
                       "what": what, "filters": filters or {}}, ensure_ascii=False, default=str)
    path = audit_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
        fcntl.flock(handle, fcntl.LOCK_UN)


def read(*, events: list[str], who: str, date_from, date_to, limit: int = 2000, store=None,
         compounds: list[str] | None = None):
    """The trail through the named query `audit_log` (an in-memory DuckDB reads the file);
    None when nothing has been recorded yet. `compounds`: only the events of these compounds
    (and those of none, such as sign-ins); None: all."""
    import duckdb

    from sitrep.store.queries import run_plain

    path = audit_path(store)
    if not path.exists():
        return None
    con = duckdb.connect()
    try:
        return run_plain(con, "audit_log", path=str(path), events=list(events), who=who,
                   date_from=date_from, date_to=date_to, limit=limit,
                   compounds=None if compounds is None else list(compounds))
    finally:
        con.close()
