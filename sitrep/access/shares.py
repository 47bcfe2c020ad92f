"""Share links: a read-only link to one compound's briefing images, one per recipient.

    python -m sitrep share add NAME [--days 30] [--compound C | --district] | list | revoke NAME

A link is `<base>/briefing/<compound-id>/latest.png?token=…`: a random token (256 bits) that
reaches the briefing files of that compound (its `compound_id`; "district" for `--district`: the district's briefing) and nothing
else (sitrep/briefing/links.py; the
gate never reads it). The server keeps only the token's SHA-256 with the recipient's name, the
compound, when it was made, when it expires and when it was revoked, in SQLite beside the users
file (`users.shares.db` for `users.toml`), so the CLI and the server share it. A token is
checked against every kept hash with a constant-time comparison (no early exit), and the
number kept is bounded (config.MAX_SHARES).
"""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sitrep import config
from sitrep.access.sessions import private_db, token_hash

NAME = re.compile(r"^[\w.@-]{1,64}$")          # a recipient: 王主任, city-command, group@chat
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")      # secrets.token_urlsafe(32)
_SCHEMA = """
create table if not exists shares (
    name text primary key, token_hash text not null, compound_id text not null,
    created_at real not null, expires_at real not null, revoked_at real);
"""


@dataclass(frozen=True)
class Share:
    name: str
    compound_id: str
    created_at: float
    expires_at: float
    revoked_at: float | None

    def state(self, now: float) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


def db_path(users: Path | None = None) -> Path:
    from sitrep.access.auth import users_path

    path = users or users_path()
    return path.with_name(path.stem + ".shares.db")


def _db(write: bool = False):
    return private_db(db_path(), _SCHEMA, write)


_hash = token_hash


def add(name: str, compound_id: str, days: float = config.SHARE_DAYS) -> str:
    """A new link for `name` (a revoked or expired one of that name is replaced); the token,
    shown once. ValueError: a bad name, days, an active link of that name, or too many links."""
    if not NAME.match(name or ""):
        raise ValueError(f"a recipient's name is 1–64 letters, digits, . @ - or _, not {name!r}")
    if not 0 < days <= 366:
        raise ValueError(f"--days: from 1 to 366, not {days:g}")
    token = secrets.token_urlsafe(32)
    now = config.clock()
    with _db(write=True) as con:
        row = con.execute("select revoked_at, expires_at from shares where name = ?", (name,)).fetchone()
        if row is not None and row[0] is None and row[1] > now:
            raise ValueError(f"{name} has a link already: revoke it first (share revoke {name})")
        if row is None and con.execute("select count(*) from shares").fetchone()[0] >= config.MAX_SHARES:
            raise ValueError(f"{config.MAX_SHARES} links are kept already: revoke some first")
        con.execute("insert or replace into shares values (?, ?, ?, ?, ?, null)",
                    (name, _hash(token), compound_id, now, now + days * 86400))
    return token


def revoke(name: str) -> bool:
    """Revoke the link of `name`; False when there is no such link."""
    with _db(write=True) as con:
        return con.execute("update shares set revoked_at = ? where name = ? and revoked_at is null",
                           (config.clock(), name)).rowcount > 0


def listing() -> list[Share]:
    with _db() as con:
        rows = con.execute("select name, compound_id, created_at, expires_at, revoked_at from shares "
                           "order by created_at").fetchall()
    return [Share(*row) for row in rows]


def check(token: str | None) -> tuple[Share | None, str]:
    """The share a token belongs to if it may be used now, and why not otherwise ("ok",
    "malformed", "unknown", "revoked", "expired"). Every kept hash is compared, in constant time."""
    if not token or not TOKEN.match(token):
        return None, "malformed"
    wanted = _hash(token)
    found = None
    with _db() as con:
        rows = con.execute("select token_hash, name, compound_id, created_at, expires_at, revoked_at "
                           "from shares").fetchall()
    for row in rows:
        if hmac.compare_digest(row[0], wanted):
            found = Share(*row[1:])
    if found is None:
        return None, "unknown"
    state = found.state(config.clock())
    return (found, "ok") if state == "active" else (None, state)
