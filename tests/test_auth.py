"""Users, passwords, lock-out and the audit trail (real files, real bcrypt, the real CLI)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import duckdb
import pytest

from sitrep import config
from sitrep.access import audit, auth, sessions
from sitrep.app.nav import EVERY_PAGE
from sitrep.store.queries import run_plain as run

from .conftest import REPO


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("SITREP_USERS", str(path))
    return path


def user_cli(*args, password=None, env=None):
    return subprocess.run([sys.executable, "-m", "sitrep", "user", *args], input=password, text=True,
                          capture_output=True, cwd=REPO, env=env, timeout=60)


def test_the_cli_manages_users_with_bcrypt_hashes_and_never_takes_a_password_in_argv(users_file):
    env = {**os.environ, "SITREP_USERS": str(users_file)}
    done = user_cli("add", "yu", "--role", "commander", "--password-stdin", password="secret-123\n", env=env)
    assert done.returncode == 0, done.stderr
    text = users_file.read_text(encoding="utf-8")
    assert "secret-123" not in text and "$2b$" in text
    assert oct(users_file.stat().st_mode & 0o777) == "0o600"
    assert user_cli("add", "li", "--role", "staff", "--password-stdin", password="another-pw\n",
                    env=env).returncode == 0
    assert user_cli("list", env=env).stdout.split("\n")[:2] == ["li\tstaff", "yu\tcommander"]
    assert user_cli("add", "x", "--role", "staff", "--password-stdin", password="short\n",
                    env=env).returncode == 2
    assert user_cli("add", "x", "--role", "king", "--password-stdin", password="long-enough\n",
                    env=env).returncode == 2
    token = sessions.create("li", "staff", auth.stamp(auth.load_users()["li"]))
    assert user_cli("passwd", "li", "--password-stdin", password="changed-pw\n", env=env).returncode == 0
    assert sessions.count("li") == 0 and sessions.lookup(token, auth.load_users()) is None  # ended
    assert auth.authenticate("li", "changed-pw").ok and not auth.authenticate("li", "another-pw").ok
    sessions.create("li", "staff", auth.stamp(auth.load_users()["li"]))
    assert user_cli("role", "li", "--role", "clerk", env=env).returncode == 0
    assert sessions.count("li") == 0 and auth.role_of("li") == "clerk"
    sessions.create("li", "clerk", auth.stamp(auth.load_users()["li"]))
    assert user_cli("remove", "li", env=env).returncode == 0
    assert sessions.count("li") == 0
    assert auth.role_of("li") is None and auth.role_of("yu") == "commander"
    assert oct(sessions.db_path().stat().st_mode & 0o777) == "0o600"
    assert user_cli("add", "yu", "secret", env=env).returncode == 2   # no password as an argument


def test_five_failures_lock_the_user_out_for_15_minutes_across_a_restart(users_file):
    auth.add_user("wu", "clerk", "right-password")
    now = 1_800_000_000.0
    for _ in range(4):
        assert auth.authenticate("wu", "wrong", now).reason == "bad"
    fifth = auth.authenticate("wu", "wrong", now)
    assert fifth.reason == "locked" and fifth.locked_until == now + 15 * 60
    # the right password does not help while locked; the lock is on disk (a restart keeps it),
    # under a keyed hash of the name, never the name as typed
    assert auth.authenticate("wu", "right-password", now + 14 * 60).reason == "locked"
    state = sqlite3.connect(sessions.db_path()).execute("select name_key, state from attempts").fetchall()
    assert state == [(sessions.name_key("wu"), json.dumps({"locked_until": now + 900}))]
    assert auth.authenticate("wu", "right-password", now + 16 * 60).ok


def test_an_unknown_name_gets_the_same_answers_as_a_real_one(users_file):
    """Same messages, same lock-out, same bcrypt work: an unknown name tells nothing."""
    auth.add_user("wu", "clerk", "right-password")
    now = 1_800_000_000.0
    for name in ("wu", "nobody"):
        answers = [auth.authenticate(name, "wrong", now).reason for _ in range(6)]
        assert answers == ["bad"] * 4 + ["locked"] * 2, name
    assert auth.DUMMY_HASH.startswith(f"$2b${config.BCRYPT_COST}$")
    # a password longer than bcrypt reads is refused at creation and harmless at sign-in
    with pytest.raises(ValueError, match="72 bytes"):
        auth.add_user("long", "staff", "密" * 30)
    assert auth.authenticate("wu", "x" * 300, now + 3600).reason == "bad"


def test_the_audit_trail_names_only_known_users(users_file):
    auth.add_user("wu", "clerk", "right-password")
    assert auth.audit_name("wu") == "wu"
    typed = auth.audit_name("hunter2-my-password")
    assert typed.startswith("unknown:") and len(typed) == len("unknown:") + 8
    assert "hunter2" not in typed and typed == auth.audit_name("hunter2-my-password")


GOOD_HASH = "$2b$12$" + "a" * 53


@pytest.mark.parametrize("text, line, problem", [
    (f'[users.yu]\nrole = "commander"\npassword_hash = "{GOOD_HASH}"\n\n[users.li]\nrole = "Clerk"\n'
     f'password_hash = "{GOOD_HASH}"\n', 6, "unknown role 'Clerk'"),
    (f'[users.li]\npassword_hash = "{GOOD_HASH}"\nrole = "viewer"\n', 3, "unknown role 'viewer'"),
    ('[users.li]\nrole = "staff"\npassword_hash = "secret"\n', 3, "not a bcrypt hash"),
    ('[users.li]\nrole = "staff"\npassword_hash = "$2b$04$%s"\n' % ("a" * 53), 3, "bcrypt cost 4"),
    ('[users.li]\nrole = "staff"\n', 1, "has no password_hash"),
    (f'[users.li]\nrole = "staff"\npassword_hash = "{GOOD_HASH}"\nadmin = true\n', 4, "unknown key 'admin'"),
    ('[users]\nli = "staff"\n', 2, "must be a table"),
    (f'[users."li wei"]\nrole = "staff"\npassword_hash = "{GOOD_HASH}"\n', 1, "user name 'li wei'"),
    ('[users.li]\nrole = staff\n', 2, "not valid TOML"),
    ('open = true\n', 1, "unknown setting 'open'"),
])
def test_a_bad_users_file_is_refused_with_its_line(users_file, text, line, problem):
    users_file.write_text(text, encoding="utf-8")
    with pytest.raises(auth.UsersFileError) as err:
        auth.load_users()
    assert err.value.line == line and problem in str(err.value), str(err.value)
    assert f"{users_file}, line {line}: " in str(err.value)


def test_roles_decide_pages_and_personal_data():
    assert auth.pages_for("commander") == tuple(spec.name for spec in EVERY_PAGE) and auth.may_see_personal("commander")
    assert "data_import" not in auth.pages_for("staff") and not auth.may_see_personal("staff")
    assert auth.pages_for("clerk") == ("data_import",)
    assert auth.pages_for("briefing") == ("briefing",)
    assert "audit" not in auth.pages_for("staff") and "audit" not in auth.OPEN_PAGES
    assert auth.pages_for(None) == () and not auth.may_see_personal(None)      # fails closed


def test_the_audit_trail_is_appended_and_queried(tmp_path):
    audit.record("login", "yu", "ok", store=tmp_path)
    audit.record("download", "yu", "medicine_overdue.csv", {"building": ["B5"], "as_of": "2020-02-10"},
                 store=tmp_path)
    audit.record("login_failed", "wu", "", store=tmp_path)
    with pytest.raises(ValueError):
        audit.record("tamper", "x", store=tmp_path)
    con = duckdb.connect()
    today = date.today()
    params = {"path": str(audit.audit_path(tmp_path)), "date_from": today - timedelta(days=1),
              "date_to": today + timedelta(days=1), "limit": 100}
    frame = run(con, "audit_log", events=[], who="", **params)
    assert frame["event"].tolist() == ["login_failed", "download", "login"]      # newest first
    downloads = run(con, "audit_log", events=["download"], who="yu", **params)
    assert downloads["what"].tolist() == ["medicine_overdue.csv"]
    assert json.loads(downloads["filters"].iloc[0]) == {"building": ["B5"], "as_of": "2020-02-10"}
    assert run(con, "audit_log", events=[], who="nobody", **params).empty
