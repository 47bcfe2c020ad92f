"""Users scoped to compounds: the users file's `compounds`, the CLI, and the query layer.

A store of three compounds, each the hand-built fixture imported under its own name (real
importer, real DuckDB files); real users files, real sessions behind the cookie, the real
dashboard through AppTest. A user limited to some compounds gets no row of another one: not
through the sidebar, not through the URL, not through a forged widget state, not through
`ui.query` itself.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sitrep import store
from sitrep.access import auth, sessions

from .conftest import FIXTURE, FIXTURE_COMPOUND, REPO, app, clean_import, metrics, sign_in

A, B, C = FIXTURE_COMPOUND, "乙小区", "丙小区"


@pytest.fixture(scope="session")
def three_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three_compounds")
    for name in (A, B, C):
        clean_import(folder, FIXTURE, compound=name)
    assert store.compound_names(folder) == sorted([A, B, C])
    return folder


@pytest.fixture
def scoped(three_store, users, monkeypatch, browser_cookies):
    """li (staff) limited to B and C; wu (clerk) to B alone; yu (commander) sees all."""
    monkeypatch.setenv("SITREP_STORE", str(three_store))
    auth.set_scope("li", [B, C])
    auth.set_scope("wu", [B])
    return three_store


def headings(at) -> str:
    return " ".join(c.value for c in at.caption)


# -- the users file ---------------------------------------------------------------------------
HASH = "$2b$12$" + "a" * 53


def users_text(compounds_line: str) -> str:
    return ("# users\n"
            "[users.yu]\n"
            "role = \"commander\"\n"
            f"password_hash = \"{HASH}\"\n"
            "\n"
            "[users.li]\n"
            "role = \"staff\"\n"
            f"password_hash = \"{HASH}\"\n"
            f"{compounds_line}\n")


@pytest.mark.parametrize("line, problem", [
    ("compounds = []", "is empty"),
    ("compounds = \"福星城\"", "must be a list"),
    ("compounds = [1]", "must hold compound names"),
    ("compounds = [\"福星城\", \"福星城\"]", "names a compound twice"),
    ("compounds = [\" 福星城\"]", "is not a compound name"),
    ("compounds = {name = \"福星城\"}", "must be a list"),
])
def test_a_bad_scope_is_refused_with_its_line(tmp_path, line, problem):
    with pytest.raises(auth.UsersFileError) as err:
        auth.parse_users(users_text(line), tmp_path / "users.toml")
    assert err.value.line == 9, "the `compounds` line: 9th of the file"
    assert problem in err.value.problem and "'li'" in err.value.problem


def test_a_scope_is_read_and_absent_means_every_compound(tmp_path):
    users = auth.parse_users(users_text("compounds = [\"福星城\", \"模拟·东方花园\"]"), tmp_path / "u.toml")
    assert auth.scope_of(users["li"]) == ("福星城", "模拟·东方花园")
    assert auth.scope_of(users["yu"]) is None


def test_a_hand_edited_scope_ends_the_session(users):
    entry = auth.load_users()["li"]
    token = sessions.create("li", "staff", auth.stamp(entry))
    assert sessions.lookup(token, auth.load_users()) is not None
    text = users.read_text(encoding="utf-8")
    users.write_text(text.replace('role = "staff"\n', 'role = "staff"\ncompounds = ["乙小区"]\n', 1),
                     encoding="utf-8")
    assert auth.scope_of(auth.load_users()["li"]) == (B,)
    assert sessions.lookup(token, auth.load_users()) is None, "the stamp covers the scope"


# -- the CLI ------------------------------------------------------------------------------------
def user_cli(*args, env, password=None):
    return subprocess.run([sys.executable, "-m", "sitrep", "user", *args], input=password, text=True,
                          capture_output=True, cwd=REPO, env=env, timeout=60)


def test_the_cli_scopes_users_and_ends_their_sessions(tmp_path, monkeypatch, three_store):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("SITREP_USERS", str(path))
    env = {**os.environ, "SITREP_USERS": str(path), "SITREP_STORE": str(three_store)}
    done = user_cli("add", "wu", "--role", "clerk", "--compounds", f"{B}，{C}", "--password-stdin",
                    env=env, password="clerk-pw-123\n")
    assert done.returncode == 0, done.stderr
    assert user_cli("list", env=env).stdout == f"wu\tclerk\t{B},{C}\n"
    # a compound the store does not hold (yet) is allowed, and said
    token = sessions.create("wu", "clerk", auth.stamp(auth.load_users()["wu"]))
    done = user_cli("scope", "wu", f"{B},模拟·新区", env=env)
    assert done.returncode == 0 and "holds no compound 模拟·新区" in done.stderr
    assert auth.scope_of(auth.load_users()["wu"]) == (B, "模拟·新区")
    assert sessions.lookup(token, auth.load_users()) is None and sessions.count("wu") == 0
    # a new role keeps the scope unless --compounds says otherwise; `all` lifts it
    sessions.create("wu", "clerk", auth.stamp(auth.load_users()["wu"]))
    assert user_cli("role", "wu", "--role", "staff", env=env).returncode == 0
    assert auth.scope_of(auth.load_users()["wu"]) == (B, "模拟·新区") and sessions.count("wu") == 0
    assert user_cli("role", "wu", "--role", "staff", "--compounds", "all", env=env).returncode == 0
    assert auth.scope_of(auth.load_users()["wu"]) is None
    assert user_cli("list", env=env).stdout == "wu\tstaff\n"
    # refused: an empty name in the list, an unknown user; the file is left as it was
    before = path.read_text(encoding="utf-8")
    assert user_cli("scope", "wu", f"{B},,{C}", env=env).returncode == 2
    assert user_cli("scope", "nobody", B, env=env).returncode == 2
    assert path.read_text(encoding="utf-8") == before


# -- the dashboard --------------------------------------------------------------------------------
def test_the_sidebar_lists_only_the_compounds_in_scope(scoped, browser_cookies):
    sign_in(browser_cookies, "li")
    at = app()
    at.run()
    assert not at.exception
    assert at.selectbox(key="compound").options == [C, B] or \
        sorted(at.selectbox(key="compound").options) == sorted([B, C])
    assert A not in at.selectbox(key="compound").options
    assert metrics(at), "her own compound's overview"
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()   # a commander of every compound lands on the district page: a compound's page has the list
    at.switch_page("pages/overview.py").run()
    assert sorted(at.selectbox(key="compound").options) == sorted([A, B, C])


def test_a_deep_link_to_another_compound_is_refused(scoped, browser_cookies):
    sign_in(browser_cookies, "li")
    at = app(compound=A)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] and "无权查看" in at.error[0].value and A in at.error[0].value
    assert not metrics(at) and not at.dataframe and A not in headings(at)
    # a compound the store does not hold: the same refusal (no hint of which compounds exist)
    at = app(compound="不存在的小区")
    at.run()
    assert at.error and "不存在的小区" in at.error[0].value and not metrics(at)
    # the key twice, hers and another: refused too
    at = app(compound=[B, A])
    at.run()
    assert at.error and not metrics(at)
    # her own compound by the same link shows its data
    at = app(compound=B)
    at.run()
    assert not at.error and metrics(at) and B in headings(at)


def test_a_forged_widget_state_gets_no_rows(scoped, browser_cookies):
    sign_in(browser_cookies, "li")
    at = app()
    at.session_state["compound"] = A            # the widget's state set to another compound
    at.run()
    assert not at.exception
    # Streamlit puts a value outside the options back to an option: her own compound is shown
    assert at.selectbox(key="compound").value in (B, C) and A not in headings(at)
    assert at.query_params.get("compound") != [A]


def _query_other_compound():
    """A script that signs in through the real gate, then asks ui.query for each compound."""
    import streamlit as st

    from sitrep.app import session, ui

    session.gate("zh")
    for name in ("测试小区", "乙小区"):
        try:
            frame = ui.query("buildings", compound=name)
            st.text(f"{name}: {len(frame)} rows")
        except ui.OutOfScope as err:
            st.text(f"{name}: refused {err.compound}")


def test_query_itself_refuses_a_compound_outside_the_scope(scoped, browser_cookies):
    from streamlit.testing.v1 import AppTest

    sign_in(browser_cookies, "li")
    at = AppTest.from_function(_query_other_compound, default_timeout=60).run()
    # the fixture has two buildings (tests/fixture/buildings.csv)
    assert [t.value for t in at.text] == ["测试小区: refused 测试小区", "乙小区: 2 rows"]
    sign_in(browser_cookies, "yu")
    at = AppTest.from_function(_query_other_compound, default_timeout=60).run()
    assert [t.value for t in at.text] == ["测试小区: 2 rows", "乙小区: 2 rows"]


def test_a_clerk_imports_only_into_her_compound(scoped, browser_cookies, tmp_path, monkeypatch):
    import shutil

    # a store of its own: the page writes
    own = tmp_path / "store"
    shutil.copytree(scoped, own)
    monkeypatch.setenv("SITREP_STORE", str(own))
    before = {name: store.current_path(own, name) for name in (A, B, C)}
    sign_in(browser_cookies, "wu")
    at = app()
    at.run()
    at.switch_page("pages/data_import.py").run()
    assert not at.exception
    assert [s.key for s in at.selectbox] == ["lang"], "one compound in scope: none to pick"
    assert B in headings(at)
    rows = "送达时间,地址,物资,数量,单位,来源\n2020-02-07 09:00,B5-0301,蔬菜,20斤,,捐赠\n"
    at.file_uploader[0].upload("配送.csv", rows.encode("utf-8"), "text/csv").run()
    at.button(key="import_confirm").click().run()
    assert not at.exception and at.success
    after = {name: store.current_path(own, name) for name in (A, B, C)}
    assert after[B] != before[B] and (after[A], after[C]) == (before[A], before[C])
    # a forged compound on the import page: refused before anything is read or written
    at = app(compound=A)
    at.run()
    assert at.error and not at.file_uploader


def test_a_scoped_commander_sees_the_audit_of_her_compounds_only(scoped, browser_cookies, tmp_path, monkeypatch):
    import shutil

    from sitrep.access import audit

    own = tmp_path / "store"                     # the trail lives beside the store: one of its own
    shutil.copytree(scoped, own)
    monkeypatch.setenv("SITREP_STORE", str(own))
    audit.record("import", "wu", "甲.csv", {"compound": A})
    audit.record("import", "wu", "乙.csv", {"compound": B})
    auth.set_scope("yu", [B])
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert "乙.csv" in shown.values and "甲.csv" not in shown.values
