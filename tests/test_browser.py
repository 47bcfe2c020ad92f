"""A real browser: `python -m sitrep serve` (what `make run` starts) on a free loopback port,
opened cold in Debian's Chromium through Playwright. Under CI=true this must run, never skip.
The sign-in and its sessions in the browser: tests/test_sessions_browser.py."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sitrep.app.nav import PAGES

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "artifacts" / "screenshots"
URLS = {"root": "/", "overview_cold_path": "/overview?building=B5&as_of=2020-03-01",
        "overview_en": "/overview?lang=English"}
for _spec in (s for s in PAGES if s.name != "audit"):  # every page's URL cold, ± building filter
    # (the audit page exists only for a signed-in commander: tests/test_access.py)
    URLS[_spec.name] = f"/{_spec.name}"
    URLS[f"{_spec.name}_b5"] = f"/{_spec.name}?building=B5"


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed"
    return None


if _missing():
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run in CI: {_missing()}", pytrace=False)
    pytest.skip(_missing(), allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(open_server):
    return open_server


SERVER_PIDS: dict[str, int] = {}     # a running server's process, by its URL (its CPU time)


def serve(store_dir, *, users: Path | None = None, env: dict | None = None, log_name="server.log"):
    """`python -m sitrep serve` on a free loopback port against a store; yields its URL. With
    `users`, that users file (sign-in); without, the open demo (`--open`, as `make run`)."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("SITREP_USERS", "SITREP_OPEN")}
    base["SITREP_STORE"] = str(store_dir)
    base["SITREP_SCHEDULE"] = "off"      # no scheduled briefing unless a test asks (env)
    if users is not None:
        base["SITREP_USERS"] = str(users)
    log_path = Path(store_dir) / log_name
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "serve", "--port", str(port), "--address", "127.0.0.1",
         "--no-file-watcher", *([] if users else ["--open"])],
        cwd=REPO, env={**base, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("the server did not start: " + log_path.read_text())
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + log_path.read_text())
    SERVER_PIDS[url] = proc.pid
    try:
        yield url
    finally:
        SERVER_PIDS.pop(url, None)
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def users_copy(users_template, folder: Path) -> Path:
    """A users file of one server's own (its session store beside it): conftest.USERS."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users.toml"
    shutil.copy(users_template, path)
    return path


def open_page(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.requests = []  # every request the page makes, to prove none leaves the machine
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=30000)
    # the script has finished when the status widget ("Running…") is gone and a title is drawn
    page.wait_for_selector("h1", timeout=30000)
    page.wait_for_function(SETTLED, timeout=30000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=30000)   # still settled: not between two reruns
    return page


# The script has finished and everything is drawn: no "Running…" status, no skeleton
# placeholders, and every chart has painted (an ECharts chart its SVG shapes, a Plotly one —
# the bench's floor page — its SVG).
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
    && [...document.querySelectorAll('[data-testid="stEChartsChart"]')].every(e => e.querySelector('svg path'))
    && [...document.querySelectorAll('.js-plotly-plot')].every(e => e.querySelector('.main-svg'))"""


@pytest.mark.parametrize("name", list(URLS))
def test_page_loads_cold_without_an_error(server, browser, name):
    page = open_page(browser, server + URLS[name])
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.inner_text("body")
    assert "Traceback" not in text
    if name == "overview_en":
        assert "Overview" in text
    else:
        assert "福星城" in text    # Chinese renders; the compound is named in every heading
    if "b5" in name or "cold_path" in name:
        assert "B5" in page.locator("[data-testid='stCaptionContainer']").first.inner_text()
    outside = [u for u in page.requests
               if not u.startswith(("http://127.0.0.1:", "data:", "blob:", "about:"))]
    assert outside == [], f"requests outside the machine: {outside}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.close()


def test_overview_on_a_phone(server, browser):
    page = open_page(browser, server + "/?building=B5", width=390)
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview_phone.png"), full_page=True)
    page.close()


@pytest.fixture(scope="module")
def import_server(tmp_path_factory, users_template):
    """A server of its own: the import test writes to its store (the team's own data: users)."""
    from sitrep.ingest.importer import import_files

    from .conftest import FIXTURE, FIXTURE_COMPOUND

    folder = tmp_path_factory.mktemp("browser_import_store")
    import_files(sorted(FIXTURE.glob("*.csv")), store=folder, compound=FIXTURE_COMPOUND, year=2020)
    yield from serve(folder, users=users_copy(users_template, folder / "users"))


def test_the_import_page_works_in_the_browser(import_server, browser, tmp_path):
    upload = tmp_path / "配送0207.csv"
    upload.write_text("送达时间,地址,物资,数量,单位\n2020-02-07 09:00,B5-0301,蔬菜,20斤,\n"
                      "2020-02-07 10:00,C9-0101,蔬菜,5,斤\n", encoding="utf-8")
    page = sign_in(browser, import_server, "wu", "clerk-pw-123", path="/data_import")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text("确认导入（1 行）").wait_for(timeout=30000)
    text = page.inner_text("body")
    # tables draw on a canvas: the counts show in the button and the rejected-rows heading
    assert "共 1 行" in text and "预览" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data_import_preview.png"), full_page=True)
    page.get_by_text("确认导入（1 行）").click()
    page.get_by_text("接受 1 行，拒绝 1 行").wait_for(timeout=30000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "data_import_done.png"), full_page=True)
    page.close()


def test_markup_in_a_spreadsheet_stays_text_in_the_browser(browser, tmp_path_factory, tmp_path, users_template):
    from sitrep.ingest.importer import import_files

    from .conftest import FIXTURE, FIXTURE_COMPOUND

    folder = tmp_path_factory.mktemp("browser_markup_store")
    evil = tmp_path / "evil.csv"
    evil.write_text("送达时间,地址,物资,数量,单位,来源\n"
                    "2020-02-07 09:00,B5-0301,<img src=x onerror=window.__xss=1>坏,2,箱,捐赠\n"
                    "2020-02-07 09:30,B5-0302,<script>window.__xss=2</script>脚本,1,箱,捐赠\n",
                    encoding="utf-8")
    import_files([*sorted(FIXTURE.glob("*.csv")), evil], store=folder, compound=FIXTURE_COMPOUND, year=2020)
    for url in serve(folder, users=users_copy(users_template, folder / "users")):
        page = sign_in(browser, url, "li", "staff-pw-123", path="/deliveries?as_of=2020-02-07")
        assert page.evaluate("() => window.__xss") is None          # nothing ran
        page.screenshot(path=str(tmp_path / "markup.png"), full_page=True)
        texts = page.evaluate(
            "() => [...document.querySelectorAll('svg text')].map(e => e.textContent)")   # ECharts' SVG
        assert any("＜script＞" in (text or "") for text in texts), texts  # shown as text (the legend)
        assert page.locator("img[src='x']").count() == 0
        page.close()


def sign_in(browser, url, name, password, path="/?lang=English", context=None):
    """Open `path` on a fresh browser (or `context`), sign in on the server's form, wait for the
    dashboard to settle there."""
    page = context.new_page() if context else browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + path)
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form button").click()
    page.wait_for_selector('[data-testid="stApp"]', timeout=30000)
    page.wait_for_selector("h1", timeout=30000)
    page.wait_for_function(SETTLED, timeout=30000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=30000)
    return page


def nav_titles(page):
    return page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()


@pytest.mark.parametrize("name, password, pages", [
    ("yu", "commander-pw", 10), ("li", "staff-pw-123", 7), ("wu", "clerk-pw-123", 1)])
def test_each_role_signed_in_through_the_browser_sees_its_pages(users_server, browser, name, password, pages):
    page = sign_in(browser, users_server, name, password)
    page.get_by_text(f"Signed in: {name}").wait_for(timeout=30000)
    titles = [t.split("\n")[-1] for t in nav_titles(page)] if pages > 1 else []
    if pages > 1:                        # a single page has no navigation menu
        assert len(titles) == pages, titles
        assert ("Audit trail" in titles) == ("Past briefings" in titles) == (name == "yu")
        assert ("Data import" in titles) == (name != "li")
    else:
        assert page.locator("h1").first.inner_text() == "Data import"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"signed_in_{name}.png"), full_page=True)
    page.close()
