"""Access through the dashboard: the login form, roles decide pages and masking, lock-out,
log-out, and the audit trail (AppTest through dashboard.py with a real users file)."""
from __future__ import annotations

import pytest

from sitrep import auth
from sitrep.audit import audit_path

from .conftest import app


@pytest.fixture
def users(tmp_path, monkeypatch, demo_env):
    monkeypatch.setenv("SITREP_USERS", str(tmp_path / "users.toml"))
    auth.add_user("yu", "commander", "commander-pw")
    auth.add_user("li", "staff", "staff-pw-123")
    auth.add_user("wu", "clerk", "clerk-pw-123")
    auth.add_user("bao", "briefing", "brief-pw-123")
    return tmp_path


def sign_in(name, password, **query):
    at = app(**query)
    at.run()
    assert at.title[0].value == "登录"
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_nothing_but_the_login_form_before_signing_in(users):
    at = app()
    at.run()
    assert [t.value for t in at.title] == ["登录"]
    assert not at.metric and not at.dataframe


def test_a_commander_sees_every_page_and_a_clerk_only_the_import_page(users):
    at = sign_in("yu", "commander-pw")
    assert at.title[0].value == "态势总览"
    assert any("yu" in m.value for m in at.sidebar.markdown)
    at = sign_in("wu", "clerk-pw-123")
    assert at.title[0].value == "数据导入"                # the clerk's only page
    with pytest.raises(ValueError, match=r"Known pages: .*data_import.py'\]"):
        at.switch_page("pages/overview.py")               # not registered: no URL for a clerk
    at = sign_in("bao", "brief-pw-123")
    assert "今日简报" in at.title[0].value               # the briefing role: the briefing only


def test_wrong_passwords_lock_out_and_are_audited(users, demo_env):
    for _ in range(4):
        at = sign_in("li", "wrong")
        assert "不正确" in at.error[0].value
    at = sign_in("li", "wrong")
    assert "锁定" in at.error[0].value
    at = sign_in("li", "staff-pw-123")                    # the right password, still locked
    assert "锁定" in at.error[0].value
    log = audit_path(demo_env).read_text(encoding="utf-8")
    assert log.count('"login_failed"') >= 6


def test_sign_out(users):
    at = sign_in("yu", "commander-pw")
    at.button(key="auth_sign_out").click().run()
    assert [t.value for t in at.title] == ["登录"]


def test_a_commander_reads_the_audit_trail(users):
    sign_in("li", "wrong")                                      # a failure on record
    at = sign_in("yu", "commander-pw")
    at.switch_page("pages/audit.py").run()
    assert not at.exception and at.title[0].value == "审计日志"
    log = at.dataframe[0].value
    assert {"登录成功", "登录失败"} <= set(log["事件"])
    at.multiselect(key="audit_events").set_value(["login_failed"]).run()
    assert set(at.dataframe[0].value["事件"]) == {"登录失败"}
    at = sign_in("li", "staff-pw-123")
    with pytest.raises(ValueError):
        at.switch_page("pages/audit.py")                        # staff: no such page
