"""`python -m sitrep bench --browser`: every page of the open demo in real Chromium, next to the
floor page (sitrep/ops/floor.py: a plain Streamlit page with one Plotly chart, served by the
same server), so each number is also a ratio that holds on a noisy machine.

What is timed, from the start of the navigation (or the key press) to the page's last paint:
- cold: a new browser context (nothing cached in the browser, a new session) on a server just
  started (its caches empty; the first page of a round also opens the snapshot);
- warm: a new tab in a context that has loaded the page before, on the warm server;
- repaint: on a loaded overview, a building picked in the sidebar filter (the first pick of
  the session, then a second one).
Samples alternate floor and page; medians of `runs` rounds.

"Settled": the app says its script is not running (stApp's data-test-script-state), no status
widget or skeleton is shown, a heading is drawn, and no DOM mutation (MutationObserver on the
whole document) has happened for QUIET_MS; the settle time is the time of the last mutation.
The settle is seen (reported) QUIET_MS or a little more after that; the page is then watched
for WATCH_MS: any DOM mutation or WebGL draw call after the report (the site plan is a deck.gl
canvas, which a MutationObserver cannot see) is a late paint, reported with how long after the
report it came; the last WebGL draw is also reported against the last mutation.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

QUIET_MS = 500
WATCH_MS = 3000
TIMEOUT_MS = 120_000
TARGET_RATIO = 1.15          # every page settles within 1.15x the floor, cold and warm
TARGET_REPAINT_S = 0.3

# Installed before any page script: the time of the last DOM mutation and of the last WebGL
# draw call, and their counts.
_RECORDER = """
(() => {
  const b = window.__bench = {dom: 0, domCount: 0, gl: 0, glCount: 0, what: ''};
  const where = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    const owner = el && el.closest('[data-testid^="st"]');
    return owner ? owner.dataset.testid : (el ? el.tagName.toLowerCase() : '?');
  };
  new MutationObserver((records) => {
    b.dom = performance.now(); b.domCount++; b.what = where(records[records.length - 1].target);
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced',
                        'drawRangeElements']) {
      const draw = C.prototype[name];
      if (!draw) continue;
      C.prototype[name] = function (...args) {
        b.gl = performance.now(); b.glCount++;
        return draw.apply(this, args);
      };
    }
  }
})();
"""
# Settled since `since` (ms): the time of the last mutation, or false.
_SETTLED = """([since, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('h1')) return false;
  const b = window.__bench;
  const now = performance.now();
  if (b.dom <= since || now - b.dom < quiet) return false;
  return [b.dom, now];
}"""
_STATE = "() => ({...window.__bench, now: performance.now()})"


def _settle(page, since: float = 0.0) -> tuple[float, float]:
    """Wait until the page has settled: the ms (page clock) of its last mutation, and of the
    moment the settle was seen (at least QUIET_MS later)."""
    handle = page.wait_for_function(_SETTLED, arg=[since, QUIET_MS], polling=50, timeout=TIMEOUT_MS)
    last, seen = handle.json_value()
    return last, seen


def _late(page, last: float, seen: float) -> dict:
    """Watch for WATCH_MS after the settle was seen: paints after that moment (ms after it; 0:
    none), and the last WebGL draw's time after the last mutation (the site plan's canvas)."""
    page.wait_for_timeout(WATCH_MS)
    state = page.evaluate(_STATE)
    return {"dom_ms": round(state["dom"] - seen) if state["dom"] > seen else 0,
            "dom_where": state["what"] if state["dom"] > seen else None,
            "gl_ms": round(state["gl"] - seen) if state["gl"] > seen else 0,
            "gl_after_last_mutation_ms": round(state["gl"] - last) if state["glCount"] else None,
            "gl_draws": state["glCount"]}


def _load(context, url: str, watch: bool) -> dict:
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    last, seen = _settle(page)
    out = {"s": last / 1000}
    if watch:
        out["late"] = _late(page, last, seen)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"{url}: the page shows an error")
    page.close()
    return out


def _repaint(context, url: str, url_bound: bool = True) -> tuple[float, float]:
    """Seconds from pressing Enter on a building in the sidebar filter to the settled page:
    the session's first pick (B5), then a second (A1). `url_bound`: the picks must show in the
    URL (the dashboard's filter; the floor's picker is not)."""
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    _settle(page)
    times = []
    for building in ("B5", "A1"):
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input').first
        box.click()
        box.fill(building)
        page.wait_for_timeout(200)
        started = page.evaluate("() => performance.now()")
        page.keyboard.press("Enter")
        times.append((_settle(page, started)[0] - started) / 1000)
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    if url_bound and ("B5" not in page.url or "A1" not in page.url):   # URL-bound: both picked
        raise RuntimeError(f"the building filter did not take both picks: {page.url}")
    page.close()
    return times[0], times[1]


def _context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_RECORDER)
    return context


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run(store_dir=None, runs: int = 5, pages: list[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    from sitrep import store
    from sitrep.access.auth import OPEN_PAGES
    from sitrep.app.nav import PAGES
    from sitrep.briefing import export
    from sitrep.ops import floor

    names = pages or [spec.name for spec in PAGES if spec.name in OPEN_PAGES]
    # (a copy of the store: the open demo's start-up housekeeping may write beside it)
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-browser-") as tmp:
        shutil.copytree(store.compounds_dir(store_dir), Path(tmp) / "compounds")
        os.environ[floor.ENV] = "1"      # the floor page, for the servers started below only
        try:
            return _rounds(Path(tmp), runs, names, export, sync_playwright)
        finally:
            os.environ.pop(floor.ENV, None)


def _rounds(folder: Path, runs: int, names: list[str], export, sync_playwright) -> dict:
    floor_url = "/?bench=floor"
    cold = {name: [] for name in ["floor", *names]}
    warm = {name: [] for name in ["floor", *names]}
    late = {name: [] for name in names}
    repaint_first, repaint_again = [], []
    floor_first, floor_again = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=export.find_chromium(None),
                                     args=["--headless", *export.BROWSER_ARGS])
        for round_ in range(runs):
            started = time.perf_counter()
            with export.Dashboard(folder, open_demo=True) as server:
                url = server.wait()
                for name in names:       # cold, alternating with the floor
                    for key, path in (("floor", floor_url), (name, f"/{name}")):
                        context = _context(browser)
                        result = _load(context, url + path, watch=key != "floor")
                        context.close()
                        cold[key].append(result["s"])
                        if key != "floor":
                            late[key].append(result["late"])
                context = _context(browser)
                _load(context, url + floor_url, watch=False)   # the browser's cache filled once
                for name in names:       # warm: a new tab on the warm server (it served the page cold)
                    for key, path in (("floor", floor_url), (name, f"/{name}")):
                        warm[key].append(_load(context, url + path, watch=False)["s"])
                first, again = _repaint(context, url + "/?bench=repaint", url_bound=False)
                floor_first.append(first)
                floor_again.append(again)
                first, again = _repaint(context, url + "/overview")
                repaint_first.append(first)
                repaint_again.append(again)
                context.close()
            print(f"  round {round_ + 1} of {runs}: {time.perf_counter() - started:.0f} s", flush=True)
        browser.close()
    floor_cold, floor_warm = _median(cold["floor"]), _median(warm["floor"])
    out = {"runs": runs, "quiet_ms": QUIET_MS, "watch_ms": WATCH_MS,
           "floor": {"cold_s": floor_cold, "warm_s": floor_warm,
                     "cold_range": [min(cold["floor"]), max(cold["floor"])],
                     "warm_range": [min(warm["floor"]), max(warm["floor"])]},
           "pages": {}, "repaint": {"first_s": _median(repaint_first), "again_s": _median(repaint_again),
                                    "first_range": [min(repaint_first), max(repaint_first)],
                                    "again_range": [min(repaint_again), max(repaint_again)],
                                    "floor_first_s": _median(floor_first), "floor_again_s": _median(floor_again)}}
    for name in names:
        out["pages"][name] = {
            "cold_s": _median(cold[name]), "warm_s": _median(warm[name]),
            "cold_ratio": round(_median(cold[name]) / floor_cold, 2),
            "warm_ratio": round(_median(warm[name]) / floor_warm, 2),
            "cold_range": [round(min(cold[name]), 3), round(max(cold[name]), 3)],
            "warm_range": [round(min(warm[name]), 3), round(max(warm[name]), 3)],
            "late_dom_ms": max(x["dom_ms"] for x in late[name]),
            "late_dom_where": sorted({x["dom_where"] for x in late[name] if x.get("dom_where")}),
            "late_gl_ms": max(x["gl_ms"] for x in late[name]),
            "gl_draws": max(x["gl_draws"] for x in late[name]),
            "gl_after_last_mutation_ms": max((x["gl_after_last_mutation_ms"] for x in late[name]
                                              if x.get("gl_after_last_mutation_ms") is not None), default=None),
        }
    return out


def report(result: dict) -> None:
    f = result["floor"]
    print(f"in Chromium, medians of {result['runs']} alternating samples (settled: script idle and "
          f"{result['quiet_ms']} ms without a DOM mutation); target <= {TARGET_RATIO}x the floor")
    print(f"{'page':<14} {'cold s':>7} {'x floor':>8} {'warm s':>7} {'x floor':>8}  late paints after settling")
    print(f"{'floor':<14} {f['cold_s']:>7.2f} {'1.00':>8} {f['warm_s']:>7.2f} {'1.00':>8}")
    for name, r in result["pages"].items():
        late = []
        if r["late_dom_ms"]:
            late.append(f"DOM +{r['late_dom_ms']} ms ({', '.join(r['late_dom_where']) or '?'})")
        if r["late_gl_ms"]:
            late.append(f"WebGL +{r['late_gl_ms']} ms")
        note = ""
        if r["gl_after_last_mutation_ms"] is not None:
            note = (f" (site plan: last of {r['gl_draws']} WebGL draws {r['gl_after_last_mutation_ms']:+d} ms "
                    "from the last DOM mutation)")
        print(f"{name:<14} {r['cold_s']:>7.2f} {r['cold_ratio']:>7.2f}{'*' if r['cold_ratio'] > TARGET_RATIO else ' '}"
              f" {r['warm_s']:>7.2f} {r['warm_ratio']:>7.2f}{'*' if r['warm_ratio'] > TARGET_RATIO else ' '}  "
              + (", ".join(late) or "none") + note)
    rp = result["repaint"]
    print(f"building filter repaint: first {rp['first_s']:.2f} s, again {rp['again_s']:.2f} s "
          f"(target <= {TARGET_REPAINT_S} s); the floor's (a bare page's picker, one chart): "
          f"first {rp['floor_first_s']:.2f} s, again {rp['floor_again_s']:.2f} s")
