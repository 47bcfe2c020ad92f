"""One warm headless Chromium per process (export.Warm): the dashboard's export button and the
schedule render through it. Real Chromium, a real dashboard (the open demo on the demo store);
Chromium's processes are counted in /proc, below this test process. Under CI=true these tests
must run, never skip; locally they skip without Chromium."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from sitrep.briefing import export

from .test_briefing import needs_browser, png_size


def browsers() -> list[int]:
    """The Chromium browser processes (not their renderers, GPU or zygote helpers) below us."""
    return [pid for pid in export._tree(os.getpid())[1:]
            if b"chromium" in (cmd := export._cmdline(pid)) and b"--type=" not in cmd]


@pytest.fixture(scope="module")
def url(demo_store):
    with export.Dashboard(demo_store, open_demo=True) as server:
        yield server.wait()


@pytest.fixture
def warm():
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
