"""The server's start-up warm-up (sitrep/app/server.py, `warm_up`): as soon as a server listens
it imports the app's modules and runs the start-up housekeeping (`ui.at_start_up`) in a thread,
so a fresh server's first page view does not (issue 13: the cold briefing export). Real servers
(`python -m sitrep serve`), real Chromium. Under CI=true the browser test must run, never skip."""
from __future__ import annotations

import os
import re
import shutil
import time
from datetime import date

from sitrep.briefing import export

from .test_briefing import needs_browser


def _stale_upload(store) -> os.PathLike:
    """A staged upload a session left 7 hours ago (stale after 6: upload.STALE_AFTER_S)."""
    folder = store / "uploads" / "upload-left-behind"
    folder.mkdir(parents=True)
    (folder / "出车记录.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    old = time.time() - 7 * 3600
    os.utime(folder, (old, old))
    return folder


def test_the_housekeeping_runs_at_start_up_before_any_page(demo_store, tmp_path):
    """No page is opened: the stale upload is removed by the warm-up alone, and the log holds
    no warning (no "missing ScriptRunContext" from a cached function called off a page)."""
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    stale = _stale_upload(store)
    with export.Dashboard(store, open_demo=True) as server:
        server.wait()
        deadline = time.monotonic() + 30
        while stale.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = server._log_path.read_text(errors="replace")
    assert not stale.exists(), log
    assert "warm-up failed" not in log and "ScriptRunContext" not in log and "Traceback" not in log, log


def test_without_the_warm_up_the_first_page_does_the_housekeeping(demo_store, tmp_path, monkeypatch):
    """SITREP_WARM_UP=off: nothing happens before a page is opened (so the test above proves the
    warm-up, not something else at start-up)."""
    store = tmp_path / "store"
    shutil.copytree(demo_store, store)
    stale = _stale_upload(store)
    monkeypatch.setenv("SITREP_WARM_UP", "off")
    with export.Dashboard(store, open_demo=True) as server:
        server.wait()
        time.sleep(3)
        assert stale.exists()


def _shown(browser, url: str) -> str:
    """The briefing's text as the export's browser shows it (B5 on 2020-02-10: a phone's width,
    the export's stylesheet) at the server's first page view, without the line saying when it
    was made (its minute may differ between two servers)."""
    import json

    context = browser.new_context(viewport={"width": export.LAYOUT_WIDTH, "height": 900},
                                  device_scale_factor=export.SCALE)
    try:
        context.add_init_script(export._INIT_SCRIPT % json.dumps(export._EXPORT_CSS))
        tab = context.new_page()
        tab.goto(export.page_url(url, as_of=date(2020, 2, 10), buildings=["B5"]))
        export._wait_ready(tab, 60_000)
        text = tab.inner_text('[data-testid="stMain"]')
    finally:
        context.close()
    return re.sub(r"生成于 \d{4}-\d\d-\d\d \d\d:\d\d", "生成于 <now>", text)


@needs_browser
def test_the_warm_up_does_not_change_what_the_briefing_shows(demo_store, browser, monkeypatch):
    """The same briefing, read from two fresh servers, the one warmed up and the other not: the
    same text, word for word (cards, changes, actions, chart titles); and it is the briefing
    (the title, the date and building asked for, the cards' numbers)."""
    shown = {}
    for warm_up in ("on", "off"):
        monkeypatch.setenv("SITREP_WARM_UP", warm_up)
        with export.Dashboard(demo_store, open_demo=True) as server:
            shown[warm_up] = _shown(browser, server.wait())
    assert shown["on"] == shown["off"]
    assert "截至 2020-02-10" in shown["on"] and "仅 B5" in shown["on"] and "今日简报" in shown["on"], shown["on"]
    assert "生成于 <now>" in shown["on"]
    assert len(re.findall(r"\d+", shown["on"])) > 20, shown["on"]


def _plotly_after_build(**env: str) -> str:
    """What `sys.modules` holds for Plotly once a server's app is built (the Streamlit import
    included), in a fresh interpreter with `env`."""
    import subprocess
    import sys

    code = ("import sys; from sitrep.app import server; server.build(); "
            "m = sys.modules.get('plotly', 'absent'); print('blocked' if m is None else m if m == 'absent' else 'loaded')")
    clean = {k: v for k, v in os.environ.items() if k not in ("SITREP_PLOTLY", "SITREP_BENCH_FLOOR")}
    done = subprocess.run([sys.executable, "-c", code], cwd=export.REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_exports_dashboard_starts_without_plotly():
    """SITREP_PLOTLY=off (set by export.Dashboard, whose briefing draws ECharts only): Streamlit's
    import does not load Plotly; any other server does, and so does one serving the bench's floor
    page (one Plotly chart) even when told off."""
    assert _plotly_after_build(SITREP_PLOTLY="off") == "blocked"
    assert _plotly_after_build() == "loaded"
    assert _plotly_after_build(SITREP_PLOTLY="off", SITREP_BENCH_FLOOR="1") == "loaded"
