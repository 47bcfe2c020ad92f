"""Users, roles and sign-in checks.

Users live in a TOML file outside git (`users.toml` in the repository, or $SITREP_USERS), one
`[users.NAME]` table each with `role`, a bcrypt `password_hash` and, for a user limited to some
compounds, `compounds = ["福星城", ...]` (absent: every compound), managed by
`python -m sitrep user ...`. The file is checked whole whenever it is read: an unknown role, a
malformed entry or a bad hash is a `UsersFileError` naming its line, and the server refuses to
start (sitrep/access/mode.py). A role reaches pages and personal data only through the explicit
table ROLES; anything else gets nothing.

Every sign-in costs one bcrypt check of the same cost, for unknown names too (against a
stand-in hash), and failures are counted per name, known or not, in the session store
(sitrep/access/sessions.py): an unknown name gets the same messages, lock-out and timing as a real one.
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from sitrep import config
from sitrep.app.nav import ALL_PAGES, DISTRICT
from sitrep.store import REPO

ANALYSIS = ("overview", "seals", "volunteers", "medicine", "screening", "deliveries", "briefing")


@dataclass(frozen=True)
class Role:
    pages: tuple[str, ...]      # page names (sitrep/app/nav.py) this role may open
    personal: bool              # sees names, phones and rooms unmasked


# What each role may use; a role not in this table gets no page and no data.
ROLES: dict[str, Role] = {
    "commander": Role(tuple(spec.name for spec in ALL_PAGES), personal=True),
    "staff": Role(ANALYSIS, personal=False),
    "clerk": Role(("data_import",), personal=False),
    "briefing": Role(("briefing",), personal=False),
}
# The open demo (no users, demo data only; sitrep/access/mode.py): every page but the audit trail,
# masked; the import page previews but never writes. The district page (every compound on one
# screen) is the commanders' and the open demo's: staff work in their compound's pages.
OPEN_PAGES = (DISTRICT.name, *ANALYSIS[:-1], "data_import", "briefing")

NAME = re.compile(r"^[\w.@-]{1,64}$")          # \w is Unicode: 余为民 is a user name
_HASH = re.compile(r"^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$")
# Checked for names that are not users, so they cost the same bcrypt work as real ones: a hash
# of a random secret thrown away when it was made (nobody knows a password for it).
DUMMY_HASH = "$2b$12$OaJloV0u2dj4tW4JJIA1/OKrSuvT8DpEFfoPQ1Z8nBs5g9X1Oq7HC"
MAX_PASSWORD_BYTES = 72                        # bcrypt reads no further


class UsersFileError(ValueError):
    """The users file is not usable: the message names the file and line."""

    def __init__(self, path: Path, line: int | None, problem: str):
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{path}{f', line {line}' if line else ''}: {problem}")


def users_path() -> Path:
    return Path(os.environ.get("SITREP_USERS") or REPO / "users.toml")


def users_path_is_explicit() -> bool:
    return bool(os.environ.get("SITREP_USERS"))


_cache: dict[tuple, dict[str, dict]] = {}


def load_users() -> dict[str, dict] | None:
    """name -> {"role", "password_hash"}; None when there is no users file. Raises
    UsersFileError when the file is there but not valid (read again when it changes)."""
    path = users_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if key not in _cache:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UsersFileError(path, None, "not UTF-8 text") from None
        _cache.clear()
        _cache[key] = parse_users(text, path)
    return {name: dict(entry) for name, entry in _cache[key].items()}


def parse_users(text: str, path: Path) -> dict[str, dict]:
    """The users of a users file's text, every entry checked; UsersFileError names the line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        raise UsersFileError(path, int(found[1]) if found else None, f"not valid TOML ({err})") from None
    for key in data:
        if key != "users":
            raise UsersFileError(path, _line_of(text, key), f"unknown setting {key!r}: the file holds "
                                 "only [users.NAME] tables")
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise UsersFileError(path, _line_of(text, "users"), "`users` must be tables [users.NAME]")
    for name, entry in users.items():
        line = _line_of(text, "users", name)
        if not NAME.match(name):
            raise UsersFileError(path, line, f"user name {name!r}: letters, digits, . _ - @, at most 64")
        if not isinstance(entry, dict):
            raise UsersFileError(path, line, f"user {name!r} must be a table with role and password_hash")
        unknown = sorted(set(entry) - {"role", "password_hash", "compounds"})
        if unknown:
            raise UsersFileError(path, _line_of(text, "users", name, unknown[0]) or line,
                                 f"user {name!r}: unknown key {unknown[0]!r} (only role, password_hash, "
                                 "compounds)")
        if "compounds" in entry:
            problem = scope_problem(entry["compounds"])
            if problem:
                raise UsersFileError(path, _line_of(text, "users", name, "compounds") or line,
                                     f"user {name!r}: compounds {problem}")
        for key in ("role", "password_hash"):
            if key not in entry:
                raise UsersFileError(path, line, f"user {name!r} has no {key}")
        role, hashed = entry["role"], entry["password_hash"]
        if not isinstance(role, str) or role not in ROLES:
            raise UsersFileError(path, _line_of(text, "users", name, "role") or line,
                                 f"user {name!r}: unknown role {role!r} (one of {', '.join(ROLES)})")
        found = _HASH.match(hashed) if isinstance(hashed, str) else None
        if not found:
            raise UsersFileError(path, _line_of(text, "users", name, "password_hash") or line,
                                 f"user {name!r}: password_hash is not a bcrypt hash "
                                 f"(set it with `python -m sitrep user passwd {name}`)")
        if int(found[1]) != config.BCRYPT_COST:
            raise UsersFileError(path, _line_of(text, "users", name, "password_hash") or line,
                                 f"user {name!r}: bcrypt cost {int(found[1])}, not {config.BCRYPT_COST} "
                                 f"(every name must cost the same; `python -m sitrep user passwd {name}`)")
    return users


MAX_SCOPE = 1000    # compounds named in one user's scope


def scope_problem(value) -> str | None:
    """Why a `compounds` value is not a scope (None when it is one): a non-empty list of
    distinct compound names. An empty list would be a user who sees nothing, more likely a
    mistake than meant: it is refused, as is any other shape (fail closed)."""
    from sitrep.store import check_name

    if not isinstance(value, list):
        return f"must be a list of compound names such as [\"福星城\"], not {type(value).__name__}"
    if not value:
        return "is empty: leave the key out for every compound, or name at least one"
    if len(value) > MAX_SCOPE:
        return f"names more than {MAX_SCOPE} compounds"
    for item in value:
        if not isinstance(item, str):
            return f"must hold compound names (text), not {item!r}"
        try:
            check_name(item)
        except ValueError as err:
            return f"{item!r} is not a compound name ({err})"
    if len(set(value)) != len(value):
        return "names a compound twice"
    return None


def scope_of(entry: dict) -> tuple[str, ...] | None:
    """A user's compounds, or None for every compound."""
    return tuple(entry["compounds"]) if "compounds" in entry else None


def _line_of(text: str, *want: str) -> int | None:
    """The line where the key path `want` is written (a table header or a key), or None."""
    section: tuple = ()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            try:
                section = _path(tomllib.loads(stripped))
            except tomllib.TOMLDecodeError:
                continue
            here = section
        else:
            key = re.match(r"^([^=]+?)\s*=", stripped)
            try:
                here = section + _path(tomllib.loads(f"{key[1]} = 0")) if key else ()
            except tomllib.TOMLDecodeError:
                continue
        if here[:len(want)] == want:
            return number
    return None


def _path(tree) -> tuple:
    """The key path of a one-key-per-level dict (a parsed header or key)."""
    path: list[str] = []
    while isinstance(tree, dict) and len(tree) == 1:
        key = next(iter(tree))
        path.append(key)
        tree = tree[key]
    return tuple(path)


def stamp(entry: dict) -> str:
    """A short fingerprint of a user's role, password hash and compounds: a session carries the
    stamp of its sign-in, so a new password, role or scope ends it even if its row were not
    deleted (a user without `compounds` keeps the stamp it had before scopes existed)."""
    scope = "" if "compounds" not in entry else "\0" + "\x1f".join(entry["compounds"])
    return hashlib.sha256(f"{entry['role']}\0{entry['password_hash']}{scope}".encode()).hexdigest()[:32]


def _save_users(users: dict[str, dict]) -> None:
    import tomli_w

    path = users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# sitrep users: bcrypt hashes only; manage with `python -m sitrep user`\n"
            + tomli_w.dumps({"users": users}))
    parse_users(text, path)                     # never write a file the server would refuse
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(config.BCRYPT_COST)).decode("ascii")


def check_new_password(password: str) -> None:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ValueError(f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no further)")


def _check_name(name: str) -> None:
    if not NAME.match(name):
        raise ValueError(f"user name {name!r}: letters, digits, . _ - @, at most 64 characters")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")


def check_scope(compounds) -> None:
    if compounds is not None and (problem := scope_problem(list(compounds))):
        raise ValueError(f"compounds {problem}")


def add_user(name: str, role: str, password: str, compounds: list[str] | None = None) -> None:
    """A new user; `compounds` limits them to those compounds (None: every compound)."""
    _check_name(name)
    _check_role(role)
    check_scope(compounds)
    check_new_password(password)
    users = load_users() or {}
    if name in users:
        raise ValueError(f"user {name!r} exists (use `user passwd` or `user role`)")
    users[name] = {"role": role, "password_hash": _hash(password)}
    if compounds is not None:
        users[name]["compounds"] = list(compounds)
    _save_users(users)


def set_password(name: str, password: str) -> None:
    """A new password ends every session of the user and clears their lock-out."""
    from sitrep.access import sessions

    check_new_password(password)
    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    users[name]["password_hash"] = _hash(password)
    _save_users(users)
    sessions.revoke_user(name)
    sessions.clear_attempts(name)


def set_role(name: str, role: str) -> None:
    """A new role ends every session of the user (they sign in again into the new role)."""
    from sitrep.access import sessions

    _check_role(role)
    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    users[name]["role"] = role
    _save_users(users)
    sessions.revoke_user(name)


def set_scope(name: str, compounds: list[str] | None) -> None:
    """Limit a user to these compounds (None: every compound); ends every session of the user,
    as a new role does."""
    from sitrep.access import sessions

    check_scope(compounds)
    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    users[name].pop("compounds", None)
    if compounds is not None:
        users[name]["compounds"] = list(compounds)
    _save_users(users)
    sessions.revoke_user(name)


def remove_user(name: str) -> None:
    from sitrep.access import sessions

    users = load_users() or {}
    if name not in users:
        raise ValueError(f"no user {name!r}")
    del users[name]
    _save_users(users)
    sessions.revoke_user(name)


@dataclass(frozen=True)
class Login:
    ok: bool
    reason: str                      # ok, bad, locked
    role: str | None = None
    locked_until: float | None = None   # epoch seconds
    stamp: str | None = None


def _matches(password: str, hashed: str) -> bool:
    # bcrypt reads 72 bytes (and bcrypt 5 refuses more): longer input is cut, for every name alike
    return bcrypt.checkpw(password.encode("utf-8")[:MAX_PASSWORD_BYTES], hashed.encode("ascii"))


def authenticate(name: str, password: str, now: float | None = None) -> Login:
    """Check a sign-in. The same bcrypt work for every name; the fifth failure in a row for a
    name (known or not) locks it for a while. Raises UsersFileError if the file is broken."""
    from sitrep.access import sessions

    now = sessions.clock() if now is None else now
    users = load_users() or {}
    user = users.get(name)
    ok = _matches(password, user["password_hash"] if user else DUMMY_HASH) and user is not None

    with sessions.attempts(name) as entry:
        locked_until = entry.get("locked_until")
        if locked_until and locked_until > now:
            return Login(False, "locked", locked_until=locked_until)
        if ok:
            entry.clear()
            return Login(True, "ok", role=user["role"], stamp=stamp(user))
        failures = entry.get("failures", 0) + 1
        entry.clear()
        if failures >= config.LOCKOUT["attempts"]:
            entry["locked_until"] = now + config.LOCKOUT["minutes"] * 60
            return Login(False, "locked", locked_until=entry["locked_until"])
        entry["failures"] = failures
        return Login(False, "bad")


def audit_name(name: str) -> str:
    """Who an attempt is recorded as: a known user's name, else "unknown:" and a keyed hash
    (whatever was typed, a password in the wrong field included, never reaches the trail)."""
    from sitrep.access import sessions

    try:
        known = name in (load_users() or {})
    except UsersFileError:
        known = False
    return name if known else "unknown:" + sessions.name_key(name)[:8]


def role_of(name: str) -> str | None:
    user = (load_users() or {}).get(name)
    return user["role"] if user else None


def pages_for(role: str | None) -> tuple[str, ...]:
    """The pages of a role; nothing for anything not in ROLES."""
    return ROLES[role].pages if role in ROLES else ()


def may_see_personal(role: str | None) -> bool:
    return role in ROLES and ROLES[role].personal
