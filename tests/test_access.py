"""Access inside the dashboard (AppTest through dashboard.py, a real users file and session
store): the session behind the cookie decides pages and masking; a role not in the table gets
nothing; a revoked, expired or unknown session shows nothing but "sign in again"; the open demo
only over demo data and only when asked. The sign-in page itself is the server's
(tests/test_browser.py)."""
from __future__ import annotations

import pytest

from sitrep.access import audit, auth, sessions
from sitrep.app.nav import EVERY_PAGE

from .conftest import app, sign_in


def ended(at) -> bool:
    """The run shows the "sign in again" screen and nothing of the dashboard."""
    return (not at.exception and [t.value for t in at.title] == ["态势看板"]
            and "登录已结束" in at.info[0].value and not at.metric and not at.dataframe)


def test_without_a_session_nothing_but_sign_in_again(demo_env, users, browser_cookies):
    at = app()
    at.run()
    assert ended(at)
    browser_cookies[sessions.COOKIE] = "forged-token"
    at.run()
    assert ended(at)


def test_a_commander_sees_every_page_and_a_clerk_only_the_import_page(demo_env, users, browser_cookies):
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    assert at.title[0].value == "态势总览"
    assert any("yu" in m.value for m in at.sidebar.markdown)
    at.switch_page("pages/audit.py").run()
    assert at.title[0].value == "审计日志"
    sign_in(browser_cookies, "wu")
    at = app()
    at.run()
    assert at.title[0].value == "数据导入"                # the clerk's only page
    with pytest.raises(ValueError, match=r"Known pages: .*data_import.py'\]"):
        at.switch_page("pages/overview.py")               # not registered: no URL for a clerk
    sign_in(browser_cookies, "bao")
    at = app()
    at.run()
    assert "今日简报" in at.title[0].value               # the briefing role: the briefing only


def test_roles_come_from_the_table_and_nothing_else(demo_env):
    assert auth.pages_for("commander") == tuple(spec.name for spec in EVERY_PAGE)
    for role in ("Clerk", "viewer", "", None, "demo"):
        assert auth.pages_for(role) == () and not auth.may_see_personal(role)


def test_a_new_role_or_password_or_removal_ends_the_session_at_the_next_click(demo_env, users, browser_cookies):
    sign_in(browser_cookies, "li")
    at = app()
    at.run()
    assert at.title[0].value == "态势总览"
    auth.set_role("li", "clerk")
    at.run()
    assert ended(at)
    sign_in(browser_cookies, "li")                        # signed in again: the clerk's page
    at = app()
    at.run()
    assert at.title[0].value == "数据导入"
    auth.set_password("li", "another-pw-1")
    at.run()
    assert ended(at)
    sign_in(browser_cookies, "li")
    auth.remove_user("li")
    at.run()
    assert ended(at)


def test_a_session_changed_behind_the_clis_back_ends_too(demo_env, users, browser_cookies):
    """The users file edited by hand (no CLI to delete the rows): the session's stamp no longer
    matches the user's role and password, so it ends all the same."""
    token = sign_in(browser_cookies, "yu")
    text = users.read_text(encoding="utf-8").replace('role = "commander"', 'role = "staff"', 1)
    users.write_text(text, encoding="utf-8")
    assert sessions.lookup(token, auth.load_users()) is None
    at = app()
    at.run()
    assert ended(at)


def test_idle_and_absolute_expiry(demo_env, users, browser_cookies, monkeypatch):
    monkeypatch.setenv("SITREP_SESSION_IDLE", "2h")
    monkeypatch.setenv("SITREP_SESSION_MAX", "1d")
    entry = auth.load_users()["yu"]
    users_now = auth.load_users()
    start = 1_700_000_000.0
    token = sessions.create("yu", "commander", auth.stamp(entry), now=start)
    # used every hour: alive past the idle lifetime, until the absolute one
    for hour in range(1, 24):
        assert sessions.lookup(token, users_now, now=start + hour * 3600) is not None, hour
    assert sessions.lookup(token, users_now, now=start + 86400 + 1) is None
    token = sessions.create("yu", "commander", auth.stamp(entry), now=start)
    assert sessions.lookup(token, users_now, now=start + 2 * 3600 + 1) is None      # idle
    assert sessions.lookup(token, users_now, now=start + 60) is None                # and gone


def test_a_broken_session_setting_refuses(monkeypatch):
    monkeypatch.setenv("SITREP_SESSION_IDLE", "twelve hours")
    with pytest.raises(ValueError, match="SITREP_SESSION_IDLE"):
        sessions.lifetimes()
    assert sessions.parse_duration("90m") == 5400 and sessions.parse_duration("30s") == 30
    assert sessions.parse_duration("7d") == 7 * 86400 and sessions.parse_duration("45") == 45


def test_open_only_when_asked_and_only_over_demo_data(demo_env, fixture_store, tmp_path, monkeypatch):
    at = app()
    at.run()
    assert at.title[0].value == "态势总览"                # asked for, demo data: open
    monkeypatch.delenv("SITREP_OPEN")
    at = app()
    at.run()
    assert "尚未开放" in at.warning[0].value and not at.metric   # not asked for: closed
    monkeypatch.setenv("SITREP_OPEN", "1")
    from sitrep.ingest.importer import import_files

    from .conftest import FIXTURE, FIXTURE_COMPOUND

    real = tmp_path / "real"
    import_files(sorted(FIXTURE.glob("*.csv")), store=real, compound=FIXTURE_COMPOUND, year=2020)
    monkeypatch.setenv("SITREP_STORE", str(real))
    at = app()
    at.run()
    assert "尚未开放" in at.warning[0].value and not at.metric   # imported data: closed


def test_a_commander_reads_the_audit_trail(demo_env, users, browser_cookies):
    audit.record("login_failed", auth.audit_name("li"), "bad")       # as the sign-in route records
    audit.record("login_failed", auth.audit_name("my-secret-password"), "bad")
    audit.record("login", "yu", "ok")
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception and at.title[0].value == "审计日志"
    log = at.dataframe[0].value
    assert {"登录成功", "登录失败"} <= set(log["事件"])
    assert "my-secret-password" not in " ".join(map(str, log.values.ravel()))
    at.multiselect(key="audit_events").set_value(["login_failed"]).run()
    assert set(at.dataframe[0].value["事件"]) == {"登录失败"}
    sign_in(browser_cookies, "li")
    at = app()
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("pages/audit.py")                        # staff: no such page
