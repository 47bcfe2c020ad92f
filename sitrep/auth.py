"""Users, roles and logins.

Users live in a TOML file outside git (`users.toml` in the repository, or $SITREP_USERS),
with bcrypt password hashes, managed by `python -m sitrep user ...`. Failed logins are
counted in a state file beside it, so a lock-out survives a restart. With no users file the
dashboard runs in demo mode.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt

from . import config
from .store import REPO

# What each role may use. Personal data (names, phones, rooms) only where `personal`.
ROLES: dict[str, dict] = {
    "commander": {"pages": "all", "personal": True},
    "staff": {"pages": ("overview", "seals", "volunteers", "medicine", "screening", "deliveries",
                        "briefing"), "personal": False},
    "clerk": {"pages": ("data_import",), "personal": False},
    "briefing": {"pages": ("briefing",), "personal": False},
}
# No users file: open, everything masked, and no audit page (nobody signed in to audit).
DEMO_ROLE = {"pages": ("overview", "seals", "volunteers", "medicine", "screening", "deliveries",
                       "data_import", "briefing"), "personal": False}
_DUMMY_HASH = bcrypt.hashpw(b"timing", bcrypt.gensalt(rounds=4))


def users_path() -> Path:
    return Path(os.environ.get("SITREP_USERS") or REPO / "users.toml")


def _state_path() -> Path:
    path = users_path()
    return path.with_name(path.stem + ".state.json")


def load_users() -> dict[str, dict] | None:
    """name -> {"role", "password_hash"}; None when there is no users file (demo mode)."""
    path = users_path()
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        return dict(tomllib.load(handle).get("users", {}))


def _save_users(users: dict[str, dict]) -> None:
    import tomli_w

    path = users_path()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("# sitrep users: bcrypt hashes only; manage with `python -m sitrep user`\n"
                   + tomli_w.dumps({"users": users}), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_new_password(password: str) -> None:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")


def add_user(name: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    check_new_password(password)
    users = load_users() or {}
    if name in users:
        raise ValueError(f"user {name!r} exists (use `user passwd`)")
    users[name] = {"role": role, "password_hash": _hash(password)}
    _save_users(users)


def set_password(name: str, password: str) -> None:
    check_new_password(password)
    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    users[name]["password_hash"] = _hash(password)
    _save_users(users)
    with _state() as state:
        state.pop(name, None)


def remove_user(name: str) -> None:
    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    del users[name]
    _save_users(users)


@contextlib.contextmanager
def _state():
    """Read-modify-write the failed-login state under an exclusive lock."""
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        yield state
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, path)


@dataclass(frozen=True)
class Login:
    ok: bool
    reason: str                      # ok, bad, locked
    role: str | None = None
    locked_until: datetime | None = None


def authenticate(name: str, password: str, now: datetime | None = None) -> Login:
    """Check a login; the fifth failure in a row locks the user out for a while."""
    now = now or datetime.now()
    users = load_users() or {}
    user = users.get(name)
    with _state() as state:
        entry = state.get(name, {})
        locked_until = entry.get("locked_until")
        if locked_until and datetime.fromisoformat(locked_until) > now:
            return Login(False, "locked", locked_until=datetime.fromisoformat(locked_until))
        stored = user["password_hash"].encode("ascii") if user else _DUMMY_HASH
        ok = bcrypt.checkpw(password.encode("utf-8"), stored) and user is not None
        if ok:
            state.pop(name, None)
            return Login(True, "ok", role=user["role"])
        if user is None:  # unknown names are not tracked (and answer as slowly as known ones)
            return Login(False, "bad")
        failures = entry.get("failures", 0) + 1
        entry = {"failures": failures}
        if failures >= config.LOCKOUT["attempts"]:
            until = now + timedelta(minutes=config.LOCKOUT["minutes"])
            entry = {"failures": 0, "locked_until": until.isoformat()}
            state[name] = entry
            return Login(False, "locked", locked_until=until)
        state[name] = entry
        return Login(False, "bad")


def role_of(name: str) -> str | None:
    user = (load_users() or {}).get(name)
    return user["role"] if user else None


def pages_for(role: str | None) -> set[str] | str:
    spec = ROLES.get(role, DEMO_ROLE) if role else DEMO_ROLE
    return spec["pages"]


def may_see_personal(role: str | None) -> bool:
    return bool(role and ROLES.get(role, {}).get("personal"))
