"""`python -m sitrep bench`: render every page through AppTest on the current snapshot,
cold (Streamlit caches cleared) and warm, and print the median seconds per page."""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from datetime import date

from . import store
from .nav import PAGES


def _as_a_running_server() -> None:
    """AppTest re-detects the pages/ folder on every run; a running server does not (see
    tests/conftest.py). Measure what a running server does."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def render_times(page: str, runs: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    app = str(store.REPO / "dashboard.py")
    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(app, default_timeout=120)
        at.switch_page(page)
        started = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    return {"cold_s": round(statistics.median(cold), 3), "warm_s": round(statistics.median(warm), 3)}


def main(args) -> int:
    if args.store:
        os.environ["SITREP_STORE"] = str(args.store)
    snapshot = store.current_path()
    if snapshot is None:
        print("no snapshot: run `python -m sitrep demo` first")
        return 1
    _as_a_running_server()
    results = {spec.name: render_times(spec.path, args.runs) for spec in PAGES}
    report = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}",
              "snapshot": snapshot.name, "runs": args.runs, "pages": results}
    print(f"{'page':<16} {'cold median s':>14} {'warm median s':>14}")
    for name, r in results.items():
        print(f"{name:<16} {r['cold_s']:>14.3f} {r['warm_s']:>14.3f}")
    print(json.dumps(report, ensure_ascii=False))
    return 0
