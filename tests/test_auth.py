"""Users, passwords, lock-out and the audit trail (real files, real bcrypt, the real CLI)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import duckdb
import pytest

from sitrep import audit, auth
from sitrep.queries import run_plain as run

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
    assert user_cli("passwd", "li", "--password-stdin", password="changed-pw\n", env=env).returncode == 0
    assert auth.authenticate("li", "changed-pw").ok and not auth.authenticate("li", "another-pw").ok
    assert user_cli("remove", "li", env=env).returncode == 0
    assert auth.role_of("li") is None and auth.role_of("yu") == "commander"
    assert user_cli("add", "yu", "secret", env=env).returncode == 2   # no password as an argument


def test_five_failures_lock_the_user_out_for_15_minutes_across_a_restart(users_file):
    auth.add_user("wu", "clerk", "right-password")
    now = datetime(2026, 1, 1, 10, 0)
    for _ in range(4):
        assert auth.authenticate("wu", "wrong", now).reason == "bad"
    fifth = auth.authenticate("wu", "wrong", now)
    assert fifth.reason == "locked" and fifth.locked_until == now + timedelta(minutes=15)
    # the right password does not help while locked; the lock is on disk (a restart keeps it)
    assert auth.authenticate("wu", "right-password", now + timedelta(minutes=14)).reason == "locked"
    state = json.loads(users_file.with_name("users.state.json").read_text())
    assert state["wu"]["locked_until"].startswith("2026-01-01T10:15")
    assert auth.authenticate("wu", "right-password", now + timedelta(minutes=16)).ok
    assert auth.authenticate("nobody", "x").reason == "bad"


def test_roles_decide_pages_and_personal_data():
    assert auth.pages_for("commander") == "all" and auth.may_see_personal("commander")
    assert "data_import" not in auth.pages_for("staff") and not auth.may_see_personal("staff")
    assert auth.pages_for("clerk") == ("data_import",)
    assert auth.pages_for("briefing") == ("briefing",)
    assert "audit" not in auth.pages_for(None) and not auth.may_see_personal(None)   # demo mode
    assert "audit" not in auth.pages_for("staff")


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
