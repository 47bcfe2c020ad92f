"""`python -m sitrep bench`: render every page through AppTest on the current snapshot,
cold (Streamlit caches cleared) and warm, and print the median seconds per page; and the
briefing export, command to files, with a cold and a running dashboard."""
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


def import_throughput(rows: int) -> dict:
    """Rows per second through the importer for a generated deliveries CSV, next to DuckDB's
    own read_csv of the same file (the floor), and the time to switch snapshots."""
    import tempfile
    from pathlib import Path

    import duckdb

    from .importer import import_files
    from .read import Limits

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "b.csv").write_text("楼栋,层数\nB5,33\nA1,11\n", encoding="utf-8")
        import_files([folder / "b.csv"], store=folder / "store", compound="bench")
        path = folder / "deliveries.csv"
        with open(path, "w", encoding="utf-8") as out:
            out.write("送达时间,地址,物资,数量,单位,来源,配送人\n")
            for i in range(rows):  # every row distinct: a second of its own
                day, second = divmod(i, 86400)
                out.write(f"2020-{2 + day // 28:02d}-{1 + day % 28:02d} {second // 3600:02d}:"
                          f"{second // 60 % 60:02d}:{second % 60:02d},B5-{1 + i % 33}{1 + i % 4:02d},"
                          f"蔬菜,{1 + i % 20},斤,捐赠,V{i % 50:03d}\n")
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        con = duckdb.connect()
        con.execute("create table t as select * from read_csv($p)", {"p": str(path)})
        floor_s = time.perf_counter() - started
        con.close()
        started = time.perf_counter()
        result = import_files([path], store=folder / "store", compound="bench",
                              limits=Limits(max_file_mb=size_mb + 1))[0]
        import_s = time.perf_counter() - started
        assert result.accepted == rows, result.as_json()
        started = time.perf_counter()  # an import of nothing new: copy, commit, switch
        import_files([folder / "b.csv"], store=folder / "store", compound="bench")
        switch_s = time.perf_counter() - started
        snapshot_mb = store.current_path(folder / "store").stat().st_size / 1e6
    return {"rows": rows, "csv_mb": round(size_mb, 1), "importer_s": round(import_s, 2),
            "importer_rows_per_s": round(rows / import_s), "read_csv_s": round(floor_s, 2),
            "read_csv_rows_per_s": round(rows / floor_s), "ratio": round(import_s / floor_s, 1),
            "switch_s": round(switch_s, 2), "snapshot_mb": round(snapshot_mb, 1)}


def briefing_export_times(store_dir=None, runs: int = 3) -> dict[str, float]:
    """Seconds from `python -m sitrep briefing` to its PNG and PDF (a fresh process, as a user
    runs it): with a cold dashboard (the command starts its own) and against a running one
    (`--url`, after one export has warmed it). Medians of `runs`."""
    import subprocess
    import sys
    import tempfile

    from . import briefing

    where = ["--store", str(store_dir)] if store_dir else []

    def once(folder: str, *extra: str) -> float:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "sitrep", "briefing", *where, *extra,
                               "--png", f"{folder}/b.png", "--pdf", f"{folder}/b.pdf"],
                              cwd=store.REPO, capture_output=True, text=True, timeout=300)
        seconds = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"briefing export failed: {done.stderr}")
        return seconds

    with tempfile.TemporaryDirectory() as tmp:
        cold = [once(tmp) for _ in range(runs)]
        with briefing.Dashboard(store_dir, open_demo=True) as server:
            url = server.wait()
            once(tmp, "--url", url)
            warm = [once(tmp, "--url", url) for _ in range(runs)]
    return {"cold_s": round(statistics.median(cold), 2), "warm_s": round(statistics.median(warm), 2),
            "runs": runs}


def sign_in_timing(runs: int = 15) -> dict:
    """Seconds for a wrong password with a real user name and with an unknown one (medians of
    `runs`, interleaved): in `auth.authenticate` and through a running server's sign-in form
    over HTTP. Equal costs mean a name cannot be found by timing (issue 10)."""
    import re
    import subprocess
    import sys
    import tempfile
    import urllib.request
    from http.cookiejar import CookieJar
    from pathlib import Path
    from urllib.parse import urlencode

    from . import auth, briefing

    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / "users.toml"
        saved = os.environ.get("SITREP_USERS")
        os.environ["SITREP_USERS"] = str(users)
        try:
            auth.add_user("bench", "staff", "bench-password")
            direct = {"known": [], "unknown": []}
            for i in range(runs):
                for kind, name in (("known", "bench"), ("unknown", f"nobody{i}")):
                    started = time.perf_counter()
                    auth.authenticate(name, f"wrong-{i}")   # a lock-out after 5 costs the same
                    direct[kind].append(time.perf_counter() - started)
        finally:
            if saved is None:
                os.environ.pop("SITREP_USERS", None)
            else:
                os.environ["SITREP_USERS"] = saved
        port = briefing.free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "SITREP_USERS": str(users)}
        proc = subprocess.Popen([sys.executable, "-m", "sitrep", "serve", "--port", str(port), "--address",
                                 "127.0.0.1", "--no-file-watcher"], cwd=store.REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            http = {"known": [], "unknown": []}
            for i in range(runs):
                for kind, name in (("known", "bench"), ("unknown", f"stranger{i}")):
                    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
                    csrf = re.search(r'name="csrf" value="(\w+)"', opener.open(url + "/signin").read().decode())[1]
                    body = urlencode({"name": name, "password": f"wrong-{i}", "csrf": csrf, "next": "/"}).encode()
                    started = time.perf_counter()
                    try:
                        opener.open(urllib.request.Request(url + "/signin", data=body))
                    except OSError:
                        pass                           # 401: a wrong password
                    http[kind].append(time.perf_counter() - started)
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    def med(values):
        return round(statistics.median(values) * 1000, 1)

    return {"runs": runs, "authenticate_known_ms": med(direct["known"]),
            "authenticate_unknown_ms": med(direct["unknown"]), "http_known_ms": med(http["known"]),
            "http_unknown_ms": med(http["unknown"])}


def main(args) -> int:
    if args.store:
        os.environ["SITREP_STORE"] = str(args.store)
    snapshot = store.current_path()
    if snapshot is None:
        print("no snapshot: run `python -m sitrep demo` first")
        return 1
    _as_a_running_server()
    from .auth import OPEN_PAGES

    os.environ["SITREP_OPEN"] = "1"     # the pages of the open demo; the audit page (commanders) reads a small file
    os.environ["SITREP_USERS"] = "/nonexistent/sitrep-bench-users.toml"   # open: no users file
    open_pages = OPEN_PAGES
    results = {spec.name: render_times(spec.path, args.runs) for spec in PAGES if spec.name in open_pages}
    report = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}",
              "snapshot": snapshot.name, "runs": args.runs, "pages": results}
    print(f"{'page':<16} {'cold median s':>14} {'warm median s':>14}")
    for name, r in results.items():
        print(f"{name:<16} {r['cold_s']:>14.3f} {r['warm_s']:>14.3f}")
    if getattr(args, "briefing", True):
        report["briefing_export"] = exp = briefing_export_times(args.store, min(args.runs, 3))
        print(f"briefing export (command to PNG + PDF): cold dashboard {exp['cold_s']} s, "
              f"running dashboard (--url) {exp['warm_s']} s (median of {exp['runs']})")
    report["sign_in"] = sign = sign_in_timing()
    print(f"sign-in with a wrong password (median of {sign['runs']}): real name "
          f"{sign['authenticate_known_ms']} ms, unknown name {sign['authenticate_unknown_ms']} ms in "
          f"authenticate(); through the server's form {sign['http_known_ms']} ms vs {sign['http_unknown_ms']} ms")
    if args.import_rows:
        report["import"] = imp = import_throughput(args.import_rows)
        print(f"import {imp['rows']:,} rows ({imp['csv_mb']} MB): importer {imp['importer_s']} s "
              f"({imp['importer_rows_per_s']:,} rows/s); DuckDB read_csv {imp['read_csv_s']} s "
              f"({imp['read_csv_rows_per_s']:,} rows/s); {imp['ratio']}x the floor; "
              f"snapshot switch {imp['switch_s']} s ({imp['snapshot_mb']} MB snapshot)")
    print(json.dumps(report, ensure_ascii=False))
    return 0
