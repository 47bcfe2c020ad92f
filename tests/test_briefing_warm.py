"""One warm headless Chromium per process (export.Warm): the dashboard's export button and the
schedule render through it. Real Chromium, a real dashboard (the open demo on the demo store);
Chromium's processes are counted in /proc, below this test process. Under CI=true these tests
must run, never skip; locally they skip without Chromium."""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from sitrep.briefing import export

from .test_briefing import needs_browser, png_size

_OTHERS: set[int] = set()    # processes below us that are not the test's (other fixtures' browsers, servers)


def browsers() -> list[int]:
    """The Chromium browser processes (not their renderers, GPU or zygote helpers) started below
    this process by the test (see the `warm` fixture)."""
    mine = [pid for pid in export._children(os.getpid()) if pid not in _OTHERS]
    return [pid for root in mine for pid in export._tree(root)
            if b"chromium" in (cmd := export._cmdline(pid)) and b"--type=" not in cmd]


@pytest.fixture(scope="module")
def url(demo_store):
    with export.Dashboard(demo_store, open_demo=True) as server:
        yield server.wait()


@pytest.fixture
def warm():
    _OTHERS.clear()
    _OTHERS.update(export._children(os.getpid()))
    made = []

    def make(**kwargs) -> export.Warm:
        made.append(export.Warm(**kwargs))
        return made[-1]

    yield make
    for renderer in made:
        renderer.close()
    assert browsers() == [], "a warm browser outlived its close()"


@needs_browser
def test_two_exports_share_one_browser(url, warm):
    renderer = warm()
    assert renderer.launches == 0 and browsers() == []     # lazy: nothing until the first export
    first = renderer.render(url, as_of=export.date(2020, 2, 10))
    running = browsers()
    second = renderer.render(url, as_of=export.date(2020, 2, 10), buildings=["B5"])
    assert renderer.launches == 1 and len(running) == 1 and browsers() == running
    # the first paid for starting Chromium, the second did not; both hold the whole briefing
    assert "launch" in first.phases and "launch" not in second.phases
    for made in (first, second):
        width, height = png_size(made.png)
        assert width == 1080 and height > 3 * 1080 and made.pdf.startswith(b"%PDF-")


@needs_browser
def test_a_crashed_browser_is_replaced(url, warm):
    renderer = warm()
    renderer.render(url)
    [crashed] = browsers()
    os.kill(crashed, signal.SIGKILL)
    made = renderer.render(url)          # the next export starts a new one
    assert renderer.launches == 2 and png_size(made.png)[0] == 1080
    assert crashed not in browsers() and len(browsers()) == 1


@needs_browser
def test_an_idle_browser_is_closed_and_started_again(url, warm):
    renderer = warm(idle_s=0.5)
    renderer.render(url)
    deadline = time.monotonic() + 20
    while browsers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browsers() == [] and not renderer.is_running      # its memory given back
    renderer.render(url)
    assert renderer.launches == 2 and len(browsers()) == 1


@needs_browser
def test_a_hung_browser_is_killed_and_replaced(url, warm, monkeypatch):
    """A browser that stops answering (SIGSTOP: no Playwright timeout covers every call) is
    killed once the render outlives its timeout by HANG_S; the caller hears why."""
    monkeypatch.setattr(export, "HANG_S", 1)
    renderer = warm(waiting=0)
    renderer.render(url)
    [stuck] = browsers()
    os.kill(stuck, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(export.ExportError, match="did not finish within 6 s"):
        renderer.render(url, timeout_s=5)
    assert time.monotonic() - started < 30
    made = renderer.render(url)
    assert renderer.launches == 2 and png_size(made.png)[0] == 1080 and stuck not in browsers()


@needs_browser
def test_one_render_at_a_time_and_a_bounded_queue(url, warm, monkeypatch):
    """Three exports at once with room for one waiting: one renders, one waits its turn, the
    third is refused at once; never two pages rendering together."""
    rendering, most = [0], [0]
    real = export.Renderer.render

    def counted(self, *args, **kwargs):
        rendering[0] += 1
        most[0] = max(most[0], rendering[0])
        try:
            return real(self, *args, **kwargs)
        finally:
            rendering[0] -= 1

    monkeypatch.setattr(export.Renderer, "render", counted)
    renderer = warm(waiting=1)
    outcomes: list = []
    gate = threading.Barrier(3)

    def one():
        gate.wait()
        try:
            outcomes.append(renderer.render(url))
        except export.ExportError as err:
            outcomes.append(err)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    refused = [o for o in outcomes if isinstance(o, export.ExportError)]
    made = [o for o in outcomes if isinstance(o, export.Export)]
    assert len(made) == 2 and len(refused) == 1 and "busy" in str(refused[0])
    assert most[0] == 1 and renderer.launches == 1


# -- the page's button, signed in: against this very dashboard ------------------------------------

def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1].encode()
    return next(int(e.name) for e in os.scandir("/proc") if e.name.isdigit()
                and b"sitrep\0serve\0" in (cmd := export._cmdline(int(e.name))) and b"--port\0" + port + b"\0" in cmd)


@needs_browser
def test_the_button_signed_in_renders_against_this_dashboard(users_server, demo_store, browser, monkeypatch):
    """A commander presses the button: the export renders in the server's warm browser against
    the server itself (no dashboard of its own is started: no second `sitrep serve` appears
    below it), with a session of its own for the viewer, revoked once the render is done; the
    viewer's own session is untouched and the export is on record."""
    import re

    from sitrep.access import sessions
    from sitrep.access.audit import audit_path

    from .conftest import SERVER_USERS
    from .test_browser import sign_in

    monkeypatch.setenv("SITREP_USERS", str(SERVER_USERS[users_server]))
    server = _server_pid(users_server)
    page = sign_in(browser, users_server, "yu", "commander-pw", path="/briefing?lang=English&as_of=2020-02-10")
    assert sessions.count("yu") == 1                          # the viewer's own
    spawned, watching = set(), threading.Event()

    def watch():   # every 50 ms: a dashboard of its own would live for seconds
        while not watching.is_set():
            spawned.update(pid for pid in export._tree(server)[1:] if b"sitrep\0serve" in export._cmdline(pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        page.get_by_role("button", name="Make the briefing image").click()
        page.get_by_role("button", name="Download the image (PNG)").wait_for(timeout=120_000)
    finally:
        watching.set()
        watcher.join()
    assert spawned == set()
    assert page.get_by_text(re.compile(r"Made in \d+\.\d s")).count() == 1
    assert sessions.count("yu") == 1                          # the export's session is gone
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the image (PNG)").click()
    assert png_size(open(download.value.path(), "rb").read())[0] == 1080
    events = [json.loads(line) for line in audit_path(demo_store).read_text(encoding="utf-8").splitlines()]
    last = [e for e in events if e["event"] == "briefing"][-1]
    assert last["who"] == "yu" and last["what"] == "png+pdf (page)"
    page.close()


@needs_browser
def test_a_revoked_export_session_gets_no_briefing(users_server, warm, monkeypatch):
    """Fail closed: the session the button makes is useless once revoked; the export's browser
    then meets the sign-in form and the export refuses, writing nothing."""
    from sitrep.access import auth, sessions

    from .conftest import SERVER_USERS

    monkeypatch.setenv("SITREP_USERS", str(SERVER_USERS[users_server]))
    entry = auth.load_users()["bao"]
    token = sessions.create("bao", entry["role"], auth.stamp(entry))
    sessions.revoke(token)
    with pytest.raises(export.ExportError):
        warm().render(users_server, cookie=token, timeout_s=5)


@needs_browser
def test_a_warm_browser_keeps_no_cookie_from_one_export_to_the_next(users_server, warm, monkeypatch):
    """The warm browser keeps its context (Streamlit's scripts cached) but not a session: an
    export with a session renders; the next, with none, meets the sign-in form and is refused,
    in the blank tab the browser opened meanwhile for the next render (Renderer.prepare)."""
    from sitrep.access import auth, sessions

    from .conftest import SERVER_USERS

    monkeypatch.setenv("SITREP_USERS", str(SERVER_USERS[users_server]))
    entry = auth.load_users()["bao"]
    token = sessions.create("bao", entry["role"], auth.stamp(entry))
    renderer = warm()
    try:
        assert png_size(renderer.render(users_server, cookie=token).png)[0] == 1080
        deadline = time.monotonic() + 10 * export.PREPARE_S + 10
        while renderer._renderer._spare is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert renderer._renderer._spare is not None, "no tab opened ahead of the next render"
        with pytest.raises(export.ExportError):
            renderer.render(users_server, timeout_s=5)
        assert renderer.launches == 1
    finally:
        sessions.revoke(token)
