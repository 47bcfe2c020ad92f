"""Who may be served: everyone signs in, or the open demo, or nobody.

- A users file (valid) means sign-in for everything.
- Open (no sign-in, every personal field masked, imports previewed but never written) only
  when asked for — `serve --open`, which `make run` passes, sets $SITREP_OPEN=1 for its
  process — AND there is no users file AND every compound in the store is the generated demo
  (`compounds.is_demo`, set only by `python -m sitrep demo`; any other import clears it; read
  from each compound's summary).
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
    try:
        held = imported_compounds(store_dir)
    except Exception as err:  # noqa: BLE001 - a store we cannot read is never served openly
        return Mode("closed", f"the store {store.root(store_dir)} cannot be read ({err})")
    if held:
        return Mode("closed", f"the store {store.root(store_dir)} holds imported data "
                              f"({', '.join(held)}), never served without users: add a user with "
                              f"`python -m sitrep user add NAME --role commander` ({path})")
    return Mode("open")


_imported: dict[tuple, list[str]] = {}


def imported_compounds(store_dir=None) -> list[str]:
    """Compounds of the store that are not the generated demo (a compound without a readable
    summary, or from before the demo mark, counts as imported). Read from the compounds'
    summaries, once per change of any compound (store.cache_key: one stat per call)."""
    from sitrep.store import summary

    key = store.cache_key(store_dir)
    if key not in _imported:
        rows = summary.compound_rows(store_dir)
        if len(_imported) > 64:
            _imported.clear()
        _imported[key] = [name for name in store.compound_names(store_dir)
                          if rows.get(name, {}).get("is_demo") is not True]
    return _imported[key]
