"""Shared fixtures: a hand-built fixture store (tests/fixture/*.csv) and the demo store,
both built through the real importer into temporary snapshot stores."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitrep import store
from sitrep.ingest.importer import import_files

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixture"
FIXTURE_COMPOUND = "测试小区"


def clean_import(folder: Path, fixture_dir: Path, compound: str = FIXTURE_COMPOUND, **settings) -> Path:
    """Import a folder of hand-built CSVs into a store at `folder`; every row must load.
    `settings` are compound settings (lockdown_from, lockdown_until, default_as_of). The
    hand-built fixtures are made-up data like the demo's, marked so (`is_demo`): the dashboard
    may show them without users. Stores imported otherwise hold "real" data."""
    results = import_files(sorted(fixture_dir.glob("*.csv")), store=folder, compound=compound, year=2020,
                           command="test", settings={"is_demo": True, **settings})
    assert all(r.rejected == 0 and r.refused is None for r in results), [r.as_json() for r in results]
    return folder


def readonly(folder: Path):
    """A read-only connection to a store's current snapshot, closed after the test (a generator
    for fixtures: `yield from readonly(folder)`)."""
    con = store.connect_readonly(store.current_path(folder))
    yield con
    con.close()


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory) -> Path:
    return clean_import(tmp_path_factory.mktemp("fixture_store"), FIXTURE)


@pytest.fixture(scope="session")
def fixture_con(fixture_store):
    yield from readonly(fixture_store)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> Path:
    """The demo scenario's spreadsheets (read them, do not change them)."""
    from sitrep import demo

    out = tmp_path_factory.mktemp("demo_files")
    demo.generate(out)
    return out


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """The demo scenario, generated and imported exactly as `python -m sitrep demo` does."""
    from sitrep.ops.cli import main

    folder = tmp_path_factory.mktemp("demo_store")
    out = tmp_path_factory.mktemp("demo_store_files")
    assert main(["demo", "--store", str(folder), "--out", str(out)]) == 0
    return folder


@pytest.fixture(scope="session")
def demo_con(demo_store):
    yield from readonly(demo_store)


# -- the dashboard through AppTest --------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_pages_folder_mode(monkeypatch):
    """AppTest resets Streamlit's pages/-folder detection before every run, so each rerun
    would first run the page file alone (see filters.current) and lose a button's click.
    A real server leaves that mode after its first request; make AppTest behave the same.
    (The browser tests cover the first request of a real server.)"""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


APP = str(REPO / "dashboard.py")  # anchored on the repo: a relative path resolves against the test file


def app(store=None, **query):
    """An AppTest of dashboard.py opened with these URL query parameters (e.g. building="B5")."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def metrics(at) -> dict[str, str]:
    """Metric label -> shown value."""
    return {m.label: m.value for m in at.metric}


def open_demo(monkeypatch, store_dir, tmp_path) -> None:
    """The dashboard serves `store_dir` as `serve --open` does: no users file, open allowed."""
    monkeypatch.setenv("SITREP_STORE", str(store_dir))
    monkeypatch.setenv("SITREP_USERS", str(tmp_path / "no-users.toml"))
    monkeypatch.setenv("SITREP_OPEN", "1")


@pytest.fixture
def fixture_env(fixture_store, monkeypatch, tmp_path):
    """The dashboard reads the hand-built fixture store, open (it holds made-up data only)."""
    open_demo(monkeypatch, fixture_store, tmp_path)
    return fixture_store


@pytest.fixture
def demo_env(demo_store, monkeypatch, tmp_path):
    """The dashboard reads the demo store, open (as `make run` serves it)."""
    open_demo(monkeypatch, demo_store, tmp_path)
    return demo_store


# -- signed-in viewers for AppTest ---------------------------------------------------------
USERS = {"yu": ("commander", "commander-pw"), "li": ("staff", "staff-pw-123"),
         "wu": ("clerk", "clerk-pw-123"), "bao": ("briefing", "brief-pw-123"),
         "zhao": ("staff", "staff-pw-456")}


@pytest.fixture(scope="session")
def users_template(tmp_path_factory) -> Path:
    """A users file with one user per role, hashed once for the whole run (bcrypt cost 12)."""
    import os

    from sitrep.access import auth

    path = tmp_path_factory.mktemp("users_template") / "users.toml"
    old = os.environ.get("SITREP_USERS")
    os.environ["SITREP_USERS"] = str(path)
    try:
        for name, (role, password) in USERS.items():
            auth.add_user(name, role, password)
    finally:
        if old is None:
            os.environ.pop("SITREP_USERS", None)
        else:
            os.environ["SITREP_USERS"] = old
    return path


@pytest.fixture
def users(users_template, tmp_path, monkeypatch) -> Path:
    """A users file of this test's own (and so a session store of its own): USERS."""
    import shutil

    path = tmp_path / "users" / "users.toml"
    path.parent.mkdir()
    shutil.copy(users_template, path)
    monkeypatch.setenv("SITREP_USERS", str(path))
    monkeypatch.delenv("SITREP_OPEN", raising=False)
    return path


@pytest.fixture(autouse=True)
def browser_cookies(monkeypatch) -> dict:
    """The cookies a browser would send. Streamlit gives a script the cookies of the browser's
    websocket handshake (`st.context.cookies`); AppTest has no browser, so this jar stands in
    for that one header. Everything behind it (session store, expiry, users file) is real."""
    import streamlit.runtime.context as context

    jar: dict[str, str] = {}

    class Client:
        cookies = jar
        headers = ()
        remote_ip = None

    monkeypatch.setattr(context, "_get_client_context", lambda: Client)
    return jar


def sign_in(jar: dict, name: str) -> str:
    """A session for a user of USERS, made as the sign-in route makes it, its token in `jar`."""
    from sitrep.access import auth, sessions

    entry = auth.load_users()[name]
    jar[sessions.COOKIE] = sessions.create(name, entry["role"], auth.stamp(entry))
    return jar[sessions.COOKIE]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (no browser download), one for the whole run."""
    import shutil

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


# -- servers for the browser tests, one of each for the whole run ---------------------------
SERVER_USERS: dict = {}          # a users server's users file, for the CLI to change


@pytest.fixture(scope="session")
def open_server(demo_store):
    """`python -m sitrep serve --open` on the demo store (what `make run` serves)."""
    from .test_browser import serve

    yield from serve(demo_store, log_name="open_server.log")


@pytest.fixture(scope="session")
def users_server(demo_store, tmp_path_factory, users_template):
    """The demo store behind sign-in (USERS), its users file and session store of its own; the
    server runs on UTC, as servers do, so times shown must be converted to the compound's."""
    from .test_browser import serve, users_copy

    users = users_copy(users_template, tmp_path_factory.mktemp("users_server"))
    for url in serve(demo_store, users=users, env={"TZ": "UTC"}, log_name="users_server.log"):
        SERVER_USERS[url] = users
        yield url


# -- a store of three compounds, for the district page ---------------------------------------
TINY_COMPOUND = "小区甲"


def import_tiny(folder: Path, compound: str = TINY_COMPOUND) -> None:
    """A hand-made compound: three households of A1; lockdown 02-04 to 02-07 (reopened);
    screenings only (fever: 37.3 °C or more):
        02-03  101 37.5 (fever)
        02-05  101 36.5 · 201 37.6 (fever)
        02-06  101 37.4 (fever) · 101 36.6 · 201 37.9 (fever) · 301 38.0 (fever)
    Made-up (is_demo), marked synthetic, placed on the grid at B3."""
    from datetime import date

    from sitrep.store import settings

    files = folder.parent / f"{folder.name}-tiny"
    files.mkdir(exist_ok=True)
    (files / "b.csv").write_text("楼栋,层数\nA1,3\n", encoding="utf-8")
    (files / "h.csv").write_text("楼栋,单元,房号\nA1,1,101\nA1,1,201\nA1,1,301\n", encoding="utf-8")
    (files / "s.csv").write_text(
        "日期,地址,最高体温\n2020-02-03,A1-0101,37.5\n2020-02-05,A1-0101,36.5\n2020-02-05,A1-0201,37.6\n"
        "2020-02-06,A1-0101,37.4\n2020-02-06,A1-0101,36.6\n2020-02-06,A1-0201,37.9\n2020-02-06,A1-0301,38.0\n",
        encoding="utf-8")
    results = import_files([files / n for n in ("b.csv", "h.csv", "s.csv")], store=folder, compound=compound,
                           year=2020, command="test",
                           settings={"lockdown_from": date(2020, 2, 4), "lockdown_until": date(2020, 2, 7),
                                     "is_demo": True})
    assert [r.accepted for r in results] == [1, 3, 7]
    settings.change(folder, compound, is_synthetic=True, grid_cell="B3")


@pytest.fixture(scope="session")
def district_store(tmp_path_factory, demo_store) -> Path:
    """Three compounds: the demo (福星城, placed by lat/lon), the hand-built fixture (测试小区,
    also by lat/lon) and the tiny synthetic one (小区甲, on the grid)."""
    import shutil

    from sitrep.store import settings

    folder = tmp_path_factory.mktemp("district") / "store"
    shutil.copytree(demo_store, folder)
    clean_import(folder, FIXTURE)
    import_tiny(folder)
    settings.change(folder, "福星城", lat=29.846, lon=114.322)
    settings.change(folder, FIXTURE_COMPOUND, lat=29.861, lon=114.301)
    return folder
