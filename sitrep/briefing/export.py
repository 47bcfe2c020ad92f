"""The daily briefing as an image: the briefing page of a running dashboard, opened in
headless Chromium and saved as a PNG (1080 px wide, the whole page) and an A4 PDF.

`python -m sitrep briefing` (`--district`: the district's briefing, every compound in scope)
starts a dashboard of its own (`Dashboard`: a private users file
with one briefing-role user, so no password is needed; the briefing shows counts by building
only) or uses `--url` (an open demo dashboard); the
briefing page's button calls `export_here()` against the dashboard it runs in (or, when users
are configured, against a dashboard of its own). The page itself is pages/briefing.py, its
text sitrep/app/briefing_text.py, its charts sitrep/app/figures/briefing.py.

Why not a 1080-px window: a chat shows a 1080-px image across a phone's ~390-pt screen, so
text a browser draws at 14 px in a 1080-px-wide window would be 5 pt there, and Streamlit has
no page-level font size. So the browser window is 432 CSS px wide, a phone's width (Streamlit
then lays the page out for a phone and collapses the sidebar), at device scale factor 2.5: the
image is 1080 px wide and reads like the phone's own screenshot. (CSS `zoom` on a 1080-px
window would look the same but breaks responsive chart widths: charts come out clipped.)
The PDF prints the same 432-px layout scaled to fill the A4 page's width.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]

IMAGE_WIDTH = 1080            # px of the PNG: a phone screenshot's width
LAYOUT_WIDTH = 432            # CSS px the page is laid out at (a phone's width)
SCALE = IMAGE_WIDTH / LAYOUT_WIDTH   # device scale factor: 2.5
A4_WIDTH = 794                # CSS px of an A4 page (210 mm at 96 dpi)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
LANG_PARAM = {"zh": "中文", "en": "English"}   # the language switch's URL values


# -- the export ------------------------------------------------------------------------------

class ExportError(Exception):
    """The export cannot run (no browser, no dashboard, the page did not finish)."""


def find_chromium(path: str | os.PathLike | None = None) -> str:
    """Debian's chromium: the given path, else `chromium` on PATH."""
    candidates = [str(path)] if path else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ExportError(f"no Chromium at {path}" if path else
                      "no Chromium found: install Debian's chromium (apt-get install chromium) "
                      "or pass --chromium PATH")


def page_url(base: str, *, as_of: date | None = None, buildings=(), lang: str = "zh",
             compound: str | None = None, page: str = "briefing", district: bool = False) -> str:
    """The briefing embedded (no sidebar, no toolbar) with the filters in its URL; with
    `district`, the district's briefing (every compound in scope)."""
    query = [("embed", "true")]
    if district:
        query.append(("scope", "district"))
    elif compound:    # the sidebar's compound (a store of several compounds)
        query.append(("compound", compound))
    if as_of:
        query.append(("as_of", as_of.isoformat()))
    query += [("building", b) for b in buildings]
    query.append(("lang", LANG_PARAM.get(lang, LANG_PARAM["zh"])))
    return base.rstrip("/") + f"/{page}?" + urlencode(query)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dashboard:
    """`python -m sitrep serve` on a free loopback port, for the export alone.

    It needs no password: it serves with a users file of its own, in a private temporary
    folder, holding one user of the briefing role (the briefing page only, no personal data)
    whose password nobody knows; the export's browser gets a session made for that user
    (`cookie`). So it works on any store, a deployment with real data and users included.
    With `open_demo`, it is the open demo instead (`serve --open`: the demo store, no
    users file), for a `--url` export to use. It listens on 127.0.0.1 only and lives as long as
    the export. `wait()` returns once it answers, so the browser can start while it boots.
    """

    USER = "briefing-export"

    def __init__(self, store: str | os.PathLike | None = None, *, open_demo: bool = False,
                 role: str = "briefing"):
        """`role`: the role of its one user (the bench renders every page as a commander)."""
        from sitrep.access import auth, sessions

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="sitrep-briefing-")
        env = {k: v for k, v in os.environ.items() if k not in ("SITREP_USERS", "SITREP_OPEN")}
        env["SITREP_SCHEDULE"] = "off"      # the export's dashboard makes no briefing of its own
        # Streamlit collects garbage after every script run (gc.collect(2), holding the GIL, so
        # the run's "finished" message waits for it): ~0.1 s a run with pandas and pyarrow
        # loaded. This server lives for a few renders; its memory is given back when it exits.
        env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "false"
        # it serves the briefing, which draws no Plotly: booting without Plotly's import
        # answers ~0.2 s sooner, on the two cores Chromium is starting on meanwhile
        env["SITREP_PLOTLY"] = "off"
        self.cookie: str | None = None
        if not open_demo:
            import tomli_w

            users = Path(self._tmp.name) / "users.toml"
            entry = {"role": role, "password_hash": auth.DUMMY_HASH}
            users.write_text(tomli_w.dumps({"users": {self.USER: entry}}), encoding="utf-8")
            env["SITREP_USERS"] = str(users)
            self.cookie = sessions.create(self.USER, role, auth.stamp(entry), db=sessions.db_path(users))
        if store:
            env["SITREP_STORE"] = str(Path(store).resolve())
        self._log_path = Path(self._tmp.name) / "streamlit.log"
        self._log = open(self._log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitrep", "serve", "--port", str(self.port), "--address", "127.0.0.1",
             "--no-file-watcher", *(["--open"] if open_demo else [])],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait(self, timeout_s: float = 60) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ExportError(f"the dashboard exited with code {self.proc.returncode}:\n"
                                  + self._log_path.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2):
                    return self.url
            except OSError:
                time.sleep(0.05)
        raise ExportError(f"the dashboard did not start within {timeout_s:.0f} s")

    def close(self, *, kill: bool = False) -> None:
        """Stop it and remove its folder. `kill`: at once (SIGKILL, ~0.05 s instead of uvicorn's
        graceful ~0.2-0.3 s), for a dashboard whose renders have finished: it keeps nothing worth
        a shutdown (read-only snapshots; its log and sessions live in the folder removed here)."""
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
        self._tmp.cleanup()

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def dashboard(store: str | os.PathLike | None = None, timeout_s: float = 60) -> Iterator[str]:
    """The open demo on a dashboard of the export's own, started and answering; yields its URL."""
    with Dashboard(store, open_demo=True) as server:
        yield server.wait(timeout_s)


# Injected before the page's own scripts: let the document, not Streamlit's inner scroll box,
# carry the page's height (so a full-page screenshot and a printed PDF hold all of it), and
# hide the sidebar and its button (in Streamlit 1.67 `?embed=true` hides the toolbar but not
# the sidebar).
_EXPORT_CSS = """
html, body, #root, [data-testid="stApp"], [data-testid="stAppViewContainer"],
[data-testid="stMain"] { height: auto !important; min-height: 0 !important;
  overflow: visible !important; }
[data-testid="stElementContainer"] { break-inside: avoid; }
[data-testid="stSidebar"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem !important; padding-bottom: 1rem !important; }
"""
_INIT_SCRIPT = """
document.addEventListener('DOMContentLoaded', () => {
  const style = document.createElement('style');
  style.id = 'sitrep-export';
  style.textContent = %s;
  document.head.appendChild(style);
});
"""
# The script has finished (the app says so: in embed mode there is no status widget to wait
# out), nothing is still loading, and every chart has painted (Plotly's and ECharts').
_READY = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
  if (![...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
        e => e.querySelector('.js-plotly-plot'))) return false;
  if (![...document.querySelectorAll('.js-plotly-plot')].every(e => e.querySelector('.main-svg')))
    return false;
  return [...document.querySelectorAll('[data-testid="stEChartsChart"]')].every(
    e => e.querySelector('svg path, canvas'));
}"""
_ERROR = """() => {
  const e = document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]');
  return e ? e.innerText : null;
}"""


@dataclass
class Export:
    png: bytes
    pdf: bytes
    seconds: float
    height: int          # CSS px of the page (the PNG is SCALE times that)
    # seconds from the render's start at the end of each step (open, ready, png, pdf), for the bench
    phases: dict[str, float] = field(default_factory=dict)


class Renderer:
    """Headless Chromium through Playwright, started once for one or more exports."""

    def __init__(self, chromium: str | os.PathLike | None = None):
        self.executable = find_chromium(chromium)
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise ExportError("Playwright is not installed (pip install playwright; it drives "
                              "Debian's chromium, no browser download)") from None
        self._pw = sync_playwright().start()
        try:
            self.browser = self._pw.chromium.launch(executable_path=self.executable,
                                                    args=BROWSER_ARGS)
        except Exception as err:
            self._pw.stop()
            raise ExportError(f"Chromium did not start ({self.executable}): {err}") from None
        self._context = None
        self._spare = None      # a blank tab opened ahead of the next render (prepare)

    def prepare(self) -> None:
        """Open the context and a blank tab for the next render now, while nothing waits for
        them (Chromium just started while a dashboard boots; a render just handed over): ~0.1-0.3 s
        less on the next render's path. The tab has no cookie and no page until that render."""
        if self._spare is None:
            self._spare = self._ensure_context().new_page()
            self._spare.emulate_media(media="screen")

    def _ensure_context(self):
        """The browser's one context, kept from export to export so that Streamlit's scripts
        come from its cache (measured: the page loads ~0.5 s sooner than in a new context)."""
        import json

        if self._context is None:
            self._context = self.browser.new_context(viewport={"width": LAYOUT_WIDTH, "height": 900},
                                                     device_scale_factor=SCALE)
            self._context.add_init_script(_INIT_SCRIPT % json.dumps(_EXPORT_CSS))
        return self._context

    def _tab(self):
        """The tab prepared ahead, else a new one."""
        tab, self._spare = self._spare, None
        if tab is None or tab.is_closed():
            tab = self._ensure_context().new_page()
            tab.emulate_media(media="screen")
        return tab

    def _context_for(self, base_url: str, cookie: str | None):
        """The context, holding no cookie but this export's (cleared before and after each)."""
        from sitrep.access.sessions import COOKIE

        self._ensure_context()
        self._context.clear_cookies()
        if cookie:
            self._context.add_cookies([{"name": COOKIE, "value": cookie, "url": base_url,
                                        "httpOnly": True, "sameSite": "Strict"}])
        return self._context

    def render(self, base_url: str, *, as_of: date | None = None, buildings=(), lang: str = "zh",
               png: str | os.PathLike | None = None, pdf: str | os.PathLike | None = None,
               timeout_s: float = 60, cookie: str | None = None, compound: str | None = None,
               page: str = "briefing", district: bool = False) -> Export:
        """`cookie`: a session token for the dashboard (Dashboard.cookie); `compound`: the
        compound of a store of several; `district`: the district's briefing."""
        from playwright.sync_api import Error as PlaywrightError

        started = time.perf_counter()
        phases: dict[str, float] = {}

        def mark(step: str) -> None:
            phases[step] = round(time.perf_counter() - started, 3)

        url = page_url(base_url, as_of=as_of, buildings=buildings, lang=lang, compound=compound,
                       page=page, district=district)
        timeout_ms = timeout_s * 1000
        context = tab = None
        try:
            context = self._context_for(base_url, cookie)
            tab = self._tab()
            mark("context")
            tab.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
            mark("loaded")
            _wait_ready(tab, timeout_ms)
            mark("ready")
            _check_shown(tab, as_of, buildings)
            height = tab.evaluate("() => document.documentElement.scrollHeight")
            png_bytes = tab.screenshot(full_page=True, type="png", timeout=timeout_ms)
            mark("png")
            # A4: the same 432-px layout, scaled to the paper's width
            pdf_bytes = tab.pdf(format="A4", print_background=True,
                                scale=round(A4_WIDTH / LAYOUT_WIDTH, 3))
            mark("pdf")
        except PlaywrightError as err:
            raise ExportError(f"the browser could not render {url}: {err}") from None
        finally:
            with contextlib.suppress(PlaywrightError):   # a browser that died meanwhile
                if tab is not None:
                    tab.close()
                if context is not None:
                    context.clear_cookies()
        for path, data in ((png, png_bytes), (pdf, pdf_bytes)):
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                Path(path).write_bytes(data)
        return Export(png_bytes, pdf_bytes, time.perf_counter() - started, height, phases)

    def is_connected(self) -> bool:
        return self.browser.is_connected()

    def close(self) -> None:
        try:
            self.browser.close()
        except Exception:   # noqa: BLE001 - a browser that crashed or was killed is closed already
            pass
        finally:
            self._pw.stop()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def export(base_url: str, *, chromium: str | os.PathLike | None = None, **kwargs) -> Export:
    """Open the briefing of the dashboard at `base_url` and make its PNG and PDF (written to
    `png` / `pdf` when given, and returned). kwargs: as_of, buildings, lang, png, pdf, district."""
    started = time.perf_counter()
    with Renderer(chromium) as renderer:
        made = renderer.render(base_url, **kwargs)
    made.seconds = time.perf_counter() - started
    return made


# -- one warm browser per process ---------------------------------------------------------------

IDLE_S = 300          # a warm browser left idle this long is closed (its ~150 MB given back)
WAITING = 2           # exports that may wait behind the one rendering; one more is refused
HANG_S = 30           # beyond its own timeout, how long a render may take before the browser is killed


_LAUNCH = "launch"    # Warm's job that only starts the browser
PREPARE_S = 0.25      # after a render, a blank tab is opened for the next once this long passes idle


class Warm:
    """One headless Chromium for the whole process, started at the first export, kept for the next.

    The dashboard's export button (every session's script thread) and the schedule share it.
    Playwright's sync API belongs to the thread that started it, so the browser lives in a
    thread of its own that renders one export at a time, in order; `WAITING` more may queue,
    another is refused at once (ExportError) rather than pile up. Idle for `idle_s`, the browser
    is closed and the thread ends; the next export starts both again. A browser that crashed or
    was closed is started again for the next export. A render that outlives its timeout by
    `HANG_S` (a hung browser: Playwright's own timeouts did not fire) has its browser killed,
    which ends the stuck call; the caller gets an ExportError and the next export a new browser.
    `launches`: how many times Chromium was started (the tests count it)."""

    def __init__(self, chromium: str | os.PathLike | None = None, *, idle_s: float = IDLE_S,
                 waiting: int = WAITING):
        self.chromium = chromium
        self.idle_s = idle_s
        self.launches = 0
        self.waiting = waiting
        self._slots = threading.BoundedSemaphore(1 + waiting)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._renderer: Renderer | None = None
        self._driver: list[int] = []      # the Playwright driver's process tree (killed on a hang)
        self._killed = False              # its driver was killed: Playwright may not know yet

    def render(self, base_url: str, *, timeout_s: float = 60, **kwargs) -> Export:
        """As Renderer.render, in the warm browser; waits for the exports ahead of it."""
        if not self._slots.acquire(blocking=False):
            raise ExportError("the browser is busy with other exports: try again in a minute")
        done: Future = Future()
        began: list[float] = []       # when the thread took the job (after those ahead of it)
        bound = timeout_s + HANG_S
        asked = time.monotonic()
        queued_until = asked + bound * (1 + self.waiting)   # each one ahead bounded alike
        try:
            with self._lock:
                self._jobs.put((done, began, base_url, timeout_s, kwargs))
                self._ensure_thread()
            while True:
                try:
                    return _waited(done.result(timeout=0.5), began[0] - asked)
                except FutureTimeout:
                    now = time.monotonic()
                    if (began and now - began[0] > bound) or now > queued_until:
                        break
            self._kill()
            raise ExportError(f"the browser did not finish within {bound:.0f} s; "
                              "it was stopped and starts again for the next export")
        finally:
            if not done.done():   # the thread must not release a slot for a job nobody waits for
                done.cancel()
            self._slots.release()

    def start(self) -> None:
        """Start the browser now, in the background, for an export about to be asked for (while
        a dashboard boots); a failure here is met again, and said, by that export."""
        with self._lock:
            self._jobs.put(_LAUNCH)
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="sitrep-briefing-browser", daemon=True)
            self._thread.start()

    @property
    def is_running(self) -> bool:
        renderer = self._renderer
        return renderer is not None and not self._killed and renderer.is_connected()

    def close(self) -> None:
        """Close the browser now (the process is ending); the next export starts it again."""
        with self._lock:
            thread = self._thread
            if thread is not None:
                self._jobs.put(None)
        if thread is not None:
            thread.join(timeout=10)

    def _work(self) -> None:
        prepared = True           # the next render's tab is open (or there is no browser yet)
        while True:
            try:
                job = self._jobs.get(timeout=self.idle_s if prepared else PREPARE_S)
            except queue.Empty:
                if not prepared:      # a render ended a moment ago and nothing followed it
                    prepared = True
                    self._prepare()
                    continue
                with self._lock:      # no job arrived: close, unless one arrives right now
                    if not self._jobs.empty():
                        continue
                    self._thread = None
                self._stop_browser()
                return
            if job is None:           # close()
                with self._lock:
                    self._thread = None
                self._stop_browser()
                return
            if job is _LAUNCH:
                if not self.is_running:
                    with contextlib.suppress(Exception):
                        self._launch()
                self._prepare()
                continue
            done, began, base_url, timeout_s, kwargs = job
            if not done.set_running_or_notify_cancel():
                continue
            began.append(time.monotonic())
            try:
                done.set_result(self._render(base_url, timeout_s, kwargs))
            except BaseException as err:   # noqa: BLE001 - handed to the caller's thread
                done.set_exception(err)
            prepared = False      # the next render's tab, unless a job (or close) comes first

    def _prepare(self) -> None:
        """A blank tab for the next render (Renderer.prepare); a browser that fails here is met,
        and said, by that render."""
        if self.is_running:
            with contextlib.suppress(Exception):
                self._renderer.prepare()

    def _render(self, base_url: str, timeout_s: float, kwargs: dict) -> Export:
        started = time.perf_counter()
        launches = self.launches
        if not self.is_running:     # not started yet, idle-closed, or found dead last time
            self._launch()
        try:
            made = self._renderer.render(base_url, timeout_s=timeout_s, **kwargs)
        except Exception:
            if self.is_running:     # the page's fault (an error box, a timeout): said as it is
                raise
            # the browser died while idle (Playwright learns it at the next call): once more
            self._launch()
            made = self._renderer.render(base_url, timeout_s=timeout_s, **kwargs)
        before = time.perf_counter() - started - made.seconds
        made.seconds += before
        if self.launches != launches:   # this export paid for starting Chromium
            made.phases = {"launch": round(before, 3), **{k: round(v + before, 3) for k, v in made.phases.items()}}
        return made

    def _launch(self) -> None:
        self._stop_browser()
        before = set(_children(os.getpid()))
        self._killed = False
        self._renderer = Renderer(self.chromium)
        self.launches += 1
        # the Playwright driver this launch started (its Chromium runs below it)
        self._driver = [pid for pid in set(_children(os.getpid())) - before
                        if b"playwright" in _cmdline(pid)]

    def _stop_browser(self) -> None:
        renderer, self._renderer = self._renderer, None
        if renderer is not None:
            try:
                renderer.close()
            except Exception:   # noqa: BLE001 - a dead driver: its processes are killed below
                self._kill()
        self._driver = []

    def _kill(self) -> None:
        self._killed = True
        for root in self._driver:
            for pid in reversed(_tree(root)):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def _waited(made: Export, seconds: float) -> Export:
    """`made` timed from the moment it was asked for: the wait for the browser thread (Chromium
    still starting, exports ahead of it) is its first step, "waited", and every later step moves
    by it (before, a command's steps after Chromium's start were early by that start, which its
    "closed" step then seemed to take)."""
    if seconds >= 0.001:
        made.seconds += seconds
        made.phases = {"waited": round(seconds, 3), **{k: round(v + seconds, 3) for k, v in made.phases.items()}}
    return made


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += _children(current)
    return out


_shared: Warm | None = None
_shared_lock = threading.Lock()


def warm() -> Warm:
    """This process's warm browser (see Warm), made at the first call, closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Warm()
            atexit.register(_shared.close)
        return _shared


def _wait_ready(page, timeout_ms: float) -> None:
    """The script has finished, every chart has painted, and the fonts are loaded."""
    # checked at every animation frame: no polling interval to wait out
    page.wait_for_function(_READY, timeout=timeout_ms, polling="raf")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    # a second look a moment later: a rerun may start right after a run ends
    page.wait_for_timeout(50)
    page.wait_for_function(_READY, timeout=timeout_ms, polling="raf")


def _check_shown(page, as_of: date | None, buildings) -> None:
    """The page drew the briefing asked for: no error box, and the date and buildings asked
    for are those printed (a date outside the data or an unknown building would otherwise
    fall back silently to the defaults)."""
    problem = page.evaluate(_ERROR)
    if problem:
        raise ExportError(f"the briefing page shows an error: {problem.strip()}")
    shown = page.inner_text('[data-testid="stMain"]')
    missing = [v for v in ([as_of.isoformat()] if as_of else []) + list(buildings) if v not in shown]
    if missing:
        raise ExportError(f"the dashboard did not show the briefing for {', '.join(missing)} "
                          "(a login form? a date or building it does not have?)")


def own_url() -> str:
    """The dashboard this Streamlit process serves, reached over loopback."""
    import streamlit as st

    address = st.get_option("server.address") or ""
    host = address if address not in ("", "0.0.0.0", "::", "localhost") else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{st.get_option('server.port')}" + (f"/{base}" if base else "")


def export_here(f) -> Export:
    """The page's button: the same export, in this process's warm browser (Warm), against this
    very dashboard. With sign-in, the export's browser gets a session of its own for the viewer
    (their name and role as the users file has them now), made here, sent to no browser but the
    export's, and revoked as soon as the render ends: the viewer's own cookie never leaves their
    browser. A viewer removed or changed meanwhile gets no session (ExportError); a session the
    gate refuses shows the sign-in form, which the export refuses too (fail closed)."""
    from sitrep.access import auth, sessions
    from sitrep.access import mode as access
    from sitrep.app import session
    from sitrep.app.filters import District

    district = isinstance(f, District)
    kwargs = {"as_of": f.as_of, "buildings": list(f.buildings), "lang": f.lang, "district": district,
              "compound": None if district else f.compound}
    if session.is_open_demo():
        return warm().render(own_url(), **kwargs)
    user, role = session.current_user()
    mode = access.current()
    entry = (mode.users or {}).get(user) if mode.kind == "users" and user else None
    if entry is None or entry.get("role") != role:
        raise ExportError("the viewer's account changed or was removed: sign in again")
    token = sessions.create(user, role, auth.stamp(entry))
    try:
        return warm().render(own_url(), cookie=token, **kwargs)
    finally:
        sessions.revoke(token)


def filters_record(as_of: date | None, buildings, lang: str, compound: str | None = None, *,
                   district: bool = False) -> dict:
    """The filters of a briefing, as the audit trail keeps them."""
    record = {"as_of": as_of.isoformat() if as_of else None, "building": list(buildings), "lang": lang}
    if compound:
        record["compound"] = compound
    if district:
        record["scope"] = "district"
    return record
