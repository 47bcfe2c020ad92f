"""Sign-in sessions and failed sign-ins: server-side state in SQLite beside the users file
(`users.sessions.db` for `users.toml`).

The browser holds a random token (256 bits) in an HttpOnly cookie; the store keeps only its
SHA-256 with the user, the role, a stamp of the user's role and password hash, when the session
began and when it was last seen. A session ends at log-out, after the idle lifetime without a
request, at the absolute lifetime after sign-in, or as soon as the users file no longer has
that user with that role and password (the CLI also deletes the user's rows). The server and
the CLI are separate processes; SQLite's locking lets both write.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitrep import config

COOKIE = "sitrep_session"            # the browser's session cookie (HttpOnly, SameSite=Strict)
_SCHEMA = """
create table if not exists sessions (
    token_hash text primary key, user text not null, role text not null, stamp text not null,
    created_at real not null, last_seen_at real not null);
create index if not exists sessions_user on sessions (user);
create table if not exists attempts (name_key text primary key, state text not null,
    updated_at real not null);
create table if not exists meta (key text primary key, value text not null);
"""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def clock() -> float:
    """Now, in seconds since the epoch, for session lifetimes and lock-outs (config.clock: a
    test can move it)."""
    return config.clock()


def parse_duration(text: str) -> float:
    """`12h`, `7d`, `90m`, `30s` or plain seconds -> seconds (more than zero)."""
    found = _DURATION.match(str(text))
    if not found or float(found[1]) <= 0:
        raise ValueError(f"not a duration: {text!r} (say 12h, 7d, 90m, 30s or seconds)")
    return float(found[1]) * _UNITS[found[2]]


@dataclass(frozen=True)
class Lifetimes:
    idle_s: float
    max_s: float


def lifetimes() -> Lifetimes:
    """The idle and absolute lifetimes in force ($SITREP_SESSION_IDLE, $SITREP_SESSION_MAX);
    ValueError names the setting that is wrong."""
    values = {}
    for var, default in (("SITREP_SESSION_IDLE", config.SESSION_IDLE), ("SITREP_SESSION_MAX", config.SESSION_MAX)):
        try:
            values[var] = parse_duration(os.environ.get(var) or default)
        except ValueError as err:
            raise ValueError(f"{var}: {err}") from None
    return Lifetimes(values["SITREP_SESSION_IDLE"], values["SITREP_SESSION_MAX"])


def db_path(users: Path | None = None) -> Path:
    """The session store beside a users file (this process's by default)."""
    from sitrep.access.auth import users_path

    path = users or users_path()
    return path.with_name(path.stem + ".sessions.db")


def _db(write: bool = False, path: Path | None = None):
    return private_db(path or db_path(), _SCHEMA, write)


@contextlib.contextmanager
def private_db(path: Path, schema: str, write: bool = False) -> Iterator[sqlite3.Connection]:
    """A transaction on a small SQLite file only its owner may read (0600, made with `schema`):
    the sessions, and the share links (shares.py). Writers take the lock at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    con = sqlite3.connect(path, timeout=15, isolation_level=None)
    try:
        if fresh:
            os.chmod(path, 0o600)
        con.executescript(schema)
        con.execute("begin immediate" if write else "begin")
        yield con
        con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()


def token_hash(token: str) -> str:
    """What is kept of a token (a session's, a share link's): its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_hash = token_hash


def secret() -> bytes:
    """This deployment's random key (created on first use): keyed hashes of typed names, and
    the sign-in form's anti-forgery tokens."""
    with _db(write=True) as con:
        con.execute("insert or ignore into meta values ('secret', ?)", (secrets.token_hex(32),))
        return bytes.fromhex(con.execute("select value from meta where key = 'secret'").fetchone()[0])


def name_key(name: str) -> str:
    """A keyed hash of a typed user name: lock-out counters and the audit trail's "unknown"
    entries, without keeping what was typed."""
    return hmac.new(secret(), name.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    created_at: float
    last_seen_at: float
    token_hash: str


def create(user: str, role: str, stamp: str, now: float | None = None, db: Path | None = None) -> str:
    """A new session; returns the token for the cookie (stored only as its hash). `db`: the
    store of another users file than this process's (the briefing export's own dashboard)."""
    now = clock() if now is None else now
    life = lifetimes()
    token = secrets.token_urlsafe(32)
    with _db(write=True, path=db) as con:
        con.execute("delete from sessions where last_seen_at < ? or created_at < ?",
                    (now - life.idle_s, now - life.max_s))
        con.execute("insert into sessions values (?, ?, ?, ?, ?, ?)", (_hash(token), user, role, stamp, now, now))
    return token


def lookup(token: str | None, users: dict[str, dict] | None, now: float | None = None) -> Session | None:
    """The live session of a cookie's token, or None: unknown, expired (idle or absolute), or
    its user no longer in `users` with the role and password it signed in with. A session in use
    has its last-seen time moved on (at most every minute, or a quarter of the idle lifetime)."""
    from sitrep.access.auth import stamp

    if not token or not users or len(token) > 200:
        return None
    now = clock() if now is None else now
    life = lifetimes()
    key = _hash(token)
    with _db() as con:
        row = con.execute("select user, role, stamp, created_at, last_seen_at from sessions"
                          " where token_hash = ?", (key,)).fetchone()
    if row is None:
        return None
    user, role, signed, created_at, last_seen_at = row
    entry = users.get(user)
    alive = (now - last_seen_at <= life.idle_s and now - created_at <= life.max_s
             and entry is not None and entry["role"] == role and stamp(entry) == signed)
    if not alive:
        revoke_hash(key)
        return None
    if now - last_seen_at >= min(60.0, life.idle_s / 4):
        with _db(write=True) as con:
            con.execute("update sessions set last_seen_at = ? where token_hash = ?", (now, key))
        last_seen_at = now
    return Session(user, role, created_at, last_seen_at, key)


def signout_token(session: Session) -> str:
    """The log-out form's anti-forgery token: bound to the session, unknown to any other site."""
    return hmac.new(secret(), b"signout\0" + session.token_hash.encode(), hashlib.sha256).hexdigest()


def revoke(token: str | None) -> None:
    if token:
        revoke_hash(_hash(token))


def revoke_hash(token_hash: str) -> None:
    with _db(write=True) as con:
        con.execute("delete from sessions where token_hash = ?", (token_hash,))


def revoke_user(name: str) -> int:
    """End every session of a user (password or role changed, user removed)."""
    if not db_path().exists():
        return 0
    with _db(write=True) as con:
        return con.execute("delete from sessions where user = ?", (name,)).rowcount


def count(user: str | None = None) -> int:
    if not db_path().exists():
        return 0
    with _db() as con:
        if user is None:
            return con.execute("select count(*) from sessions").fetchone()[0]
        return con.execute("select count(*) from sessions where user = ?", (user,)).fetchone()[0]


@contextlib.contextmanager
def attempts(name: str) -> Iterator[dict]:
    """Read-modify-write the failed sign-ins of a typed name (keyed hash), in one transaction;
    an emptied dict removes the entry. Entries untouched for a day are dropped."""
    key = name_key(name)
    now = clock()
    with _db(write=True) as con:
        con.execute("delete from attempts where updated_at < ?", (now - 86400,))
        row = con.execute("select state from attempts where name_key = ?", (key,)).fetchone()
        entry = json.loads(row[0]) if row else {}
        yield entry
        if entry:
            con.execute("insert or replace into attempts values (?, ?, ?)", (key, json.dumps(entry), now))
        else:
            con.execute("delete from attempts where name_key = ?", (key,))


def clear_attempts(name: str) -> None:
    with attempts(name) as entry:
        entry.clear()
