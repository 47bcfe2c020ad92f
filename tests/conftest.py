"""Shared fixtures: a hand-built fixture store (tests/fixture/*.csv) and the demo store,
both built through the real importer into temporary snapshot stores."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitrep import store
from sitrep.importer import import_files

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixture"
FIXTURE_COMPOUND = "测试小区"


def clean_import(folder: Path, fixture_dir: Path, compound: str = FIXTURE_COMPOUND, **settings) -> Path:
    """Import a folder of hand-built CSVs into a store at `folder`; every row must load.
    `settings` are compound settings (lockdown_from, lockdown_until, default_as_of)."""
    results = import_files(sorted(fixture_dir.glob("*.csv")), store=folder, compound=compound, year=2020,
                           command="test", settings=settings or None)
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
    from sitrep.cli import main

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


@pytest.fixture
def fixture_env(fixture_store, monkeypatch):
    """The dashboard reads the hand-built fixture store."""
    monkeypatch.setenv("SITREP_STORE", str(fixture_store))
    return fixture_store


@pytest.fixture
def demo_env(demo_store, monkeypatch):
    """The dashboard reads the demo store."""
    monkeypatch.setenv("SITREP_STORE", str(demo_store))
    return demo_store
