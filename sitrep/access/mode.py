"""Who may be served: everyone signs in, or the open demo, or nobody.

- A users file (valid) means sign-in for everything.
- Open (no sign-in, every personal field masked, imports previewed but never written) only
  when asked for — `serve --open`, which `make run` passes, sets $SITREP_OPEN=1 for its
  process — AND there is no users file AND every compound in the store is the generated demo
  (`compounds.is_demo`, set only by `python -m sitrep demo`; any other import clears it).
- Anything else is closed: a broken users file, or a store with imported data and no users.

`serve` checks this at start and refuses to start unless it is open or users, with one line
that says why. The server and the dashboard check it again on every request and every script
run, so a user added to an open demo, or real data imported into it, ends open access at once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from sitrep import store
from sitrep.access import auth

OPEN_ENV = "SITREP_OPEN"


@dataclass(frozen=True)
class Mode:
    kind: str                      # "users", "open" or "closed"
    reason: str = ""               # why it is closed (English, for the log and the start line)
    users: dict | None = None      # the valid users (kind "users")


def current(store_dir=None) -> Mode:
    try:
        users = auth.load_users()
    except auth.UsersFileError as err:
        return Mode("closed", str(err))
    if users is not None:
        return Mode("users", users=users)
    path = auth.users_path()
    if os.environ.get(OPEN_ENV) != "1":
        return Mode("closed", f"no users file at {path}: add a user with `python -m sitrep user add "
                              "NAME --role commander` (or serve the demo openly with --open)")
    held = imported_compounds(store_dir)
    if held:
        return Mode("closed", f"the store {store.store_dir(store_dir).parent} holds imported data "
                              f"({', '.join(held)}), never served without users: add a user with "
                              f"`python -m sitrep user add NAME --role commander` ({path})")
    return Mode("open")


_imported: dict[str, list[str]] = {}


def imported_compounds(store_dir=None) -> list[str]:
    """Compounds of the current snapshot that are not the generated demo (a snapshot from
    before the demo mark counts as imported). Snapshots never change: cached per path."""
    path = store.current_path(store_dir)
    if path is None:
        return []
    if str(path) not in _imported:
        con = store.connect_readonly(path)
        try:
            columns = {r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'compounds'").fetchall()}
            if "is_demo" in columns:
                rows = con.execute("select compound from compounds where not coalesce(is_demo, false)"
                                   " order by 1").fetchall()
            else:
                rows = con.execute("select compound from compounds order by 1").fetchall()
        finally:
            con.close()
        _imported[str(path)] = [r[0] for r in rows]
    return _imported[str(path)]
