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


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fixture_store")
    results = import_files(sorted(FIXTURE.glob("*.csv")), store=folder, compound=FIXTURE_COMPOUND,
                           year=2020, command="test")
    assert all(r.rejected == 0 and r.refused is None for r in results), [r.as_json() for r in results]
    return folder


@pytest.fixture(scope="session")
def fixture_con(fixture_store):
    con = store.connect_readonly(store.current_path(fixture_store))
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """The demo scenario, generated and imported exactly as `python -m sitrep demo` does."""
    from sitrep.cli import main

    folder = tmp_path_factory.mktemp("demo_store")
    out = tmp_path_factory.mktemp("demo_files")
    assert main(["demo", "--store", str(folder), "--out", str(out)]) == 0
    return folder


@pytest.fixture(scope="session")
def demo_con(demo_store):
    con = store.connect_readonly(store.current_path(demo_store))
    yield con
    con.close()
