"""Sign-in like a web app, in Debian's Chromium against `python -m sitrep serve` (issue 10):
nothing before sign-in but the form; reload, new tab, deep link and a link from another site
keep the sign-in and land on the page and filters asked for; log-out, a new password and expiry
end the session on the server; unknown names answer like real ones; a bad users file or
imported data without users stop the server from starting."""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from sitrep.app.nav import PAGES

from .conftest import FIXTURE, FIXTURE_COMPOUND, REPO, SERVER_USERS
from .test_browser import ARTIFACTS, SERVER_PIDS, SETTLED, serve, sign_in, users_copy

PAGE_TITLES = ["态势总览", "封控楼层", "志愿者工时", "药品需求", "排查趋势", "物资配送", "数据导入", "今日简报", "审计日志"]


def settle(page):
    page.wait_for_selector('[data-testid="stApp"]', timeout=30000)
    page.wait_for_selector("h1", timeout=30000)
    page.wait_for_function(SETTLED, timeout=30000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=30000)
    return page


def on_sign_in_form(page) -> bool:
    return page.locator("form[action='/signin'] #password").count() == 1


def caption(page) -> str:
    return page.locator("[data-testid='stCaptionContainer']").first.inner_text()


def dialogs(page) -> list[str]:
    return page.locator('[role="dialog"]').all_inner_texts()


# -- finding 4: nothing before sign-in -----------------------------------------------------------

def test_nothing_but_the_form_before_sign_in_on_a_fresh_server(demo_store, tmp_path, users_template, browser):
    """The first request of a fresh server (Streamlit's old pages/ mode used to list every page
    there, the audit trail included), then every page's URL: the form, and nothing else."""
    for url in serve(demo_store, users=users_copy(users_template, tmp_path / "u"), log_name="fresh.log"):
        for path in ["/audit", "/", *(f"/{spec.name}?building=B5" for spec in PAGES)]:
            page = browser.new_page()
            requests = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.goto(url + path)
            page.wait_for_timeout(300)
            text = page.inner_text("body")
            assert on_sign_in_form(page), path
            assert page.locator('[data-testid="stSidebarNav"], [data-testid="stApp"]').count() == 0
            assert "福星城" not in text and not re.search(r"\d", text), (path, text)
            assert not any(title in text for title in PAGE_TITLES), (path, text)
            assert requests == [url + path], requests     # the page itself: no script, no asset
            page.close()
        # Streamlit's endpoints and websocket answer nothing; health says "ok" and no more
        assert urllib.request.urlopen(url + "/_stcore/health").read() == b"ok"
        for path, code in (("/_stcore/metrics", 404), ("/_stcore/host-config", 403),
                           ("/_stcore/stream", 403), ("/media/x.png", 403), ("/_stcore/upload_file/x", 403)):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(urllib.request.Request(url + path, headers={"Accept": "*/*"}))
            assert err.value.code == code, path
        page = browser.new_page()
        page.goto(url + "/?lang=English")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sign_in_en.png"), full_page=True)
        page.close()


# -- finding 1 and 6: reload, new tab, deep link, shared link -------------------------------------

def test_a_deep_link_survives_sign_in_and_reload_new_tab_and_bookmarks_keep_it(users_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(browser, users_server, "yu", "commander-pw", path="/medicine?building=B5&as_of=2020-02-09",
                   context=context)
    assert page.url.endswith("/medicine?building=B5&as_of=2020-02-09")
    assert page.locator("h1").first.inner_text() == "药品需求" and "B5" in caption(page)
    for _ in range(2):                                  # reload: still signed in, same view
        page.reload()
        settle(page)
        assert page.locator("h1").first.inner_text() == "药品需求" and "2020-02-09" in caption(page)
    for path, title in (("/overview?building=B5", "态势总览"), ("/audit", "审计日志")):
        # new tabs on a warm server: no "Page not found"
        tab = settle(_goto(context.new_page(), users_server + path))
        assert tab.locator("h1").first.inner_text() == title, path
        assert dialogs(tab) == [] and tab.url.endswith(path)
        tab.close()
    root = settle(_goto(context.new_page(), users_server + "/?building=B5&as_of=2020-02-08"
                        "&range=2020-02-04&range=2020-02-20"))      # "/" moves on to the first page
    assert root.locator("h1").first.inner_text() == "态势总览" and dialogs(root) == []
    assert root.url.endswith("/overview?building=B5&as_of=2020-02-08&range=2020-02-04&range=2020-02-20")
    assert "2020-02-08" in caption(root) and "B5" in caption(root)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / "signed_in_overview.png"), full_page=True)
    context.close()


def _goto(page, url):
    page.goto(url)
    return page


def test_a_new_tab_on_a_warm_open_demo_lands_on_its_page(open_server, browser):
    """Finding 6 on the open demo: the server has served someone, then /overview in a new tab."""
    first = settle(_goto(browser.new_page(), open_server + "/"))
    assert first.locator("h1").first.inner_text() == "态势总览"
    for path in ("/overview", "/overview?building=B5"):
        tab = settle(_goto(browser.new_page(), open_server + path))
        tab.wait_for_timeout(500)
        assert dialogs(tab) == [], path
        assert tab.locator("h1").first.inner_text() == "态势总览" and tab.url.endswith(path)
        tab.close()
    first.close()


def test_a_link_shared_from_another_site_keeps_the_sign_in(users_server, browser):
    """A link clicked in a chat or a mail comes from another site, so the browser leaves the
    SameSite=Strict cookie out; the server's page loads itself again and the cookie comes."""
    context = browser.new_context()
    sign_in(browser, users_server, "li", "staff-pw-123", path="/", context=context).close()
    other = context.new_page()
    other.set_content(f'<a id="shared" href="{users_server}/screening?building=B5">B5</a>')
    other.click("#shared")
    settle(other)
    assert other.locator("h1").first.inner_text() == "排查趋势" and "B5" in caption(other)
    context.close()


# -- log-out, revocation, expiry ----------------------------------------------------------------

def test_sign_out_ends_the_session_on_the_server(users_server, browser, demo_store):
    context = browser.new_context()
    page = sign_in(browser, users_server, "li", "staff-pw-123", path="/seals", context=context)
    token = next(c["value"] for c in context.cookies() if c["name"] == "sitrep_session")
    cookie = next(c for c in context.cookies() if c["name"] == "sitrep_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # another site's page posting to /signout: no session's token, no cookie: nothing changes
    evil = context.new_page()
    evil.set_content(f'<form id="f" method="post" action="{users_server}/signout">'
                     '<input name="csrf" value="x"></form>')
    evil.evaluate("document.getElementById('f').submit()")
    evil.wait_for_load_state()
    page.reload()
    settle(page)
    assert page.locator("h1").first.inner_text() == "封控楼层"
    page.locator('[data-testid="sitrep-sign-out"]').click()
    page.wait_for_url("**/signin?signed_out=1")
    assert on_sign_in_form(page) and "已退出登录" in page.inner_text("body")
    assert not [c for c in context.cookies() if c["name"] == "sitrep_session"]
    context.close()
    # the old token, replayed in another browser, opens nothing: the session is gone
    replay = browser.new_context()
    replay.add_cookies([{"name": "sitrep_session", "value": token, "url": users_server}])
    page = _goto(replay.new_page(), users_server + "/seals")
    assert on_sign_in_form(page) and "登录已过期" in page.inner_text("body")
    replay.close()
    log = (demo_store / "audit.jsonl").read_text(encoding="utf-8")
    assert '"who": "li", "event": "logout"' in log


def test_a_new_password_ends_the_session_in_an_open_tab(users_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(browser, users_server, "zhao", "staff-pw-456", path="/seals", context=context)
    done = subprocess.run([sys.executable, "-m", "sitrep", "user", "passwd", "zhao", "--password-stdin"],
                          input="new-staff-pw-1\n", text=True, capture_output=True, cwd=REPO, timeout=60,
                          env={**os.environ, "SITREP_USERS": str(SERVER_USERS[users_server])})
    assert done.returncode == 0, done.stderr
    page.get_by_role("link", name="志愿者工时").click()   # the next click in the open tab
    page.get_by_text("登录已结束").wait_for(timeout=30000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0 and dialogs(page) == []
    assert page.locator('[data-testid="stMetric"], [data-testid="stPlotlyChart"]').count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "session_ended.png"), full_page=True)
    page.get_by_text("重新登录").last.click()            # back to the same page after signing in
    page.wait_for_selector("#password")
    page.locator("#name").fill("zhao")
    page.locator("#password").fill("staff-pw-456")        # the old password: refused
    page.locator("form button").click()
    page.wait_for_selector("p.message")
    page.locator("#name").fill("zhao")
    page.locator("#password").fill("new-staff-pw-1")
    page.locator("form button").click()
    settle(page)
    assert page.locator("h1").first.inner_text() == "志愿者工时" and page.url.endswith("/volunteers")
    context.close()


def test_sessions_expire_when_idle_and_at_their_absolute_end(demo_store, tmp_path, users_template, browser):
    """A session in use outlives its idle lifetime but not its absolute one; an idle session ends
    after the idle lifetime. The server's clock is moved by hours through $SITREP_CLOCK_FILE, so
    nothing here waits on the wall clock (a loaded machine cannot make it flaky)."""
    clock = tmp_path / "clock"
    clock.write_text("0")
    env = {"SITREP_SESSION_IDLE": "1h", "SITREP_SESSION_MAX": "3h", "SITREP_CLOCK_FILE": str(clock)}

    def at(minutes: float) -> None:
        clock.write_text(str(minutes * 60))

    for url in serve(demo_store, users=users_copy(users_template, tmp_path / "u"), env=env, log_name="expiry.log"):
        context = browser.new_context()
        page = sign_in(browser, url, "li", "staff-pw-123", path="/overview", context=context)
        for minutes in (50, 100, 150):                 # in use every 50 min: alive past the 1 h idle
            at(minutes)
            page.reload()
            settle(page)
            assert page.locator("h1").first.inner_text() == "态势总览", minutes
        at(185)                                        # 35 min since last seen, but 3 h 5 min old
        page.reload()
        page.wait_for_selector("#password")
        assert on_sign_in_form(page)
        assert "登录已过期" in page.inner_text("body")

        page.locator("#name").fill("li")               # signed in again at 185 min
        page.locator("#password").fill("staff-pw-123")
        page.locator("form button").click()
        settle(page)
        at(185 + 59)                                   # 59 min idle: still alive
        page.reload()
        settle(page)
        assert page.locator("h1").first.inner_text() == "态势总览"
        at(185 + 59 + 61)                              # 61 min idle since: ended by the server
        page.reload()
        page.wait_for_selector("#password")
        assert on_sign_in_form(page)
        assert "登录已过期" in page.inner_text("body")
        context.close()


# -- finding 3: unknown names; 7: lock-out time, audit ------------------------------------------

def _post_sign_in(url: str, name: str, password: str) -> tuple[float, str]:
    """A sign-in through the server's form over plain HTTP: (the server's CPU seconds for it,
    page text)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url + "/signin").read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form)[1]
    body = urlencode({"name": name, "password": password, "csrf": csrf, "next": "/"}).encode()
    before = _cpu_s(url)
    try:
        text = opener.open(urllib.request.Request(url + "/signin", data=body)).read().decode()
    except urllib.error.HTTPError as err:
        text = err.read().decode()
    return _cpu_s(url) - before, text


def _cpu_s(url: str) -> float:
    """The server process's CPU time so far (all its threads: user + system), from /proc."""
    fields = Path(f"/proc/{SERVER_PIDS[url]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until_idle(url: str, timeout_s: float = 30) -> None:
    """Wait until the server spends no CPU for 0.3 s (its start-up warm-up has finished)."""
    deadline = time.monotonic() + timeout_s
    last = _cpu_s(url)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = _cpu_s(url)
        if now == last:
            return
        last = now


def test_an_unknown_name_costs_as_much_as_a_real_one(users_server):
    """A coarse bound (the measured wall times are in `python -m sitrep bench`): the medians of
    the server's CPU time for a wrong password under a real name and under an unknown one are
    within a factor of 1.6. CPU time, not wall time: the cost is the bcrypt check, and a
    loaded machine (the suite's other worker) stretches wall times by chance, one request more
    than another; once the server's start-up warm-up is over, nothing else runs in it."""
    _until_idle(users_server)
    known, unknown = [], []
    for i in range(5):
        known.append(_post_sign_in(users_server, "bao", f"wrong-{i}")[0])   # bao: locked after this
        unknown.append(_post_sign_in(users_server, f"nobody{i}", f"wrong-{i}")[0])
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 1 / 1.6 < ratio < 1.6, (known, unknown)
    assert min(unknown) > 0.05, unknown                # bcrypt of cost 12, not a shortcut


def test_an_unknown_name_is_locked_out_too_in_beijing_time_and_kept_off_the_audit_trail(
        users_server, browser, demo_store):
    _post_sign_in(users_server, "bao", "wrong")          # a real name's failure, for comparison
    page = browser.new_page()
    page.goto(users_server + "/")
    typed = "chen-typo-password-1"                      # e.g. a password typed into the name field
    for attempt in range(5):
        page.locator("#name").fill(typed)
        page.locator("#password").fill("wrong")
        page.locator("form button").click()
        page.wait_for_selector("p.message")
        message = page.locator("p.message").inner_text()
        assert ("锁定" in message) == (attempt == 4), message
    until = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=15)
    shown = re.search(r"锁定至 (\d\d:\d\d)（北京时间）", message)[1]
    assert shown in {(until - timedelta(minutes=d)).strftime("%H:%M") for d in (0, 1)}, (shown, until)
    page.close()
    log = [json.loads(line) for line in (demo_store / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert typed not in json.dumps(log, ensure_ascii=False)
    failed = [e["who"] for e in log if e["event"] == "login_failed"]
    assert any(who.startswith("unknown:") for who in failed) and "bao" in failed


def test_a_failed_sign_in_keeps_the_typed_name_as_text(users_server, browser):
    """A phone user whose password was wrong does not type the name again; what was typed comes
    back as a field's value, never as markup, and the cursor waits in the password field."""
    page = browser.new_page()
    page.goto(users_server + "/overview")
    typed = '<b onmouseover="x">li</b>'
    page.locator("#name").fill(typed)
    page.locator("#password").fill("wrong")
    page.locator("form button").click()
    page.wait_for_selector("p.message")
    assert page.locator("#name").input_value() == typed
    assert page.locator("b").count() == 0
    assert page.evaluate("document.activeElement.id") == "password"
    page.close()


# -- finding 2 and 5: what may be served, decided at start ---------------------------------------

def _serve(env: dict, *args) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SITREP_USERS", "SITREP_OPEN")}
    return subprocess.run([sys.executable, "-m", "sitrep", "serve", "--port", "1", "--address", "127.0.0.1",
                           *args], cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=60)


def test_a_bad_users_file_or_real_data_without_users_refuses_to_start(demo_store, tmp_path, users_template):
    from sitrep.ingest.importer import import_files

    users = users_copy(users_template, tmp_path / "u")
    users.write_text(users.read_text(encoding="utf-8").replace('role = "clerk"', 'role = "Clerk"'),
                     encoding="utf-8")
    line = users.read_text(encoding="utf-8").splitlines().index('role = "Clerk"') + 1
    done = _serve({"SITREP_STORE": str(demo_store), "SITREP_USERS": str(users)}, "--open")
    assert done.returncode == 2
    assert f"{users}, line {line}: user 'wu': unknown role 'Clerk'" in done.stderr
    # a mistyped SITREP_USERS: never the open demo, not even with --open
    done = _serve({"SITREP_STORE": str(demo_store), "SITREP_USERS": str(tmp_path / "userz.toml")}, "--open")
    assert done.returncode == 2 and "userz.toml, which does not exist" in done.stderr
    # no users and not asked to be open
    done = _serve({"SITREP_STORE": str(demo_store), "SITREP_USERS": ""})
    assert done.returncode == 2 and "no users file" in done.stderr
    # imported data and no users: refused even with --open (what `make run` passes)
    real = tmp_path / "real"
    import_files(sorted(FIXTURE.glob("*.csv")), store=real, compound=FIXTURE_COMPOUND, year=2020)
    done = _serve({"SITREP_STORE": str(real), "SITREP_USERS": ""}, "--open")
    assert done.returncode == 2 and f"holds imported data ({FIXTURE_COMPOUND})" in done.stderr
    # a malformed session setting
    done = _serve({"SITREP_STORE": str(demo_store), "SITREP_USERS": str(users_template),
                   "SITREP_SESSION_IDLE": "forever"})
    assert done.returncode == 2 and "SITREP_SESSION_IDLE" in done.stderr
