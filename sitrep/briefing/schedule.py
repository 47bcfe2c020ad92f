"""The daily briefing, made by itself: at each compound's briefing time the running dashboard
renders the briefing as of the day before, 24:00 (PNG and PDF), into a dated folder beside the
store, records it in the audit trail and, when an administrator set one, posts the PNG to a
webhook.

    <store>/briefings/<key>/YYYY-MM-DD/    key: the compound's id (store.compound_id), or
        briefing.png  briefing.pdf          "district" for the district's briefing; the date is
        thumb.png     meta.json             the as-of day the briefing is for

`meta.json` says what was made and how: the day, the as-of date shown, when it was due and made,
the sources' freshness at that time, the attempts and the error of a failed render. A folder
with a meta.json is done, failed or not: the schedule never makes the same day twice (a
commander sees the failure on the past-briefings page; `python -m sitrep briefing --date DAY
--out <store>/briefings` makes it again by hand).

Why APScheduler runs a tick and not one cron trigger per compound: its triggers read the wall
clock, which a test cannot move, and its catch-up of a missed run lives in a job store (a
database) that would need the jobs to be kept in step with the compounds' settings. Here
APScheduler owns the thread, the no-overlap rule (max_instances=1), coalescing of late ticks and
the shutdown with the server's lifespan; the tick asks one pure question of our own clock
(config.clock, movable by a test) and of what is on disk: which briefing is due and not made?
A run missed while the server was down is therefore made at its first tick, once (the latest
day due only, as a coalesced cron job would), and a restart never makes a day again.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time as timer
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sitrep import config
from sitrep import store as store_mod

log = logging.getLogger("sitrep")

FOLDER = "briefings"
PNG, PDF, THUMB, META = "briefing.png", "briefing.pdf", "thumb.png", "meta.json"
THUMB_WIDTH = 240          # px of the past-briefings page's thumbnail: the image's top (title,
THUMB_ASPECT = 1.25        # as-of, a stale warning, the first cards), 4:5 like a phone's photo
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ENV = "SITREP_SCHEDULE"    # "off": the server makes no briefing (the export's own dashboards, tests)


def briefings_dir(store=None) -> Path:
    return store_mod.root(store) / FOLDER


@dataclass(frozen=True)
class Job:
    """One briefing made every day."""
    key: str                   # its folder under briefings/: the compound's id, or "district"
    compound: str | None       # the compound it briefs (None: the district's briefing)
    at: time                   # local time of day (config.TIMEZONE)
    webhook: str | None = None
    page: str = "briefing"     # the page rendered (its url_path)


def jobs(store=None) -> list[Job]:
    """The briefings the schedule makes: one per compound, at its briefing time."""
    names = store_mod.compound_names(store)
    found = [compound_job(store, name) for name in names]
    if len(names) > 1:       # the district's briefing: the district exists with two compounds
        found.append(district_job(store))
    return found


DISTRICT = "district"      # the district's key: its folder, its links, its share tokens


def district_job(store) -> Job:
    """The district's briefing, at its own time (`python -m sitrep district set`). A district
    file that is not ours is said in the log and ignored: the briefing is still made at the
    default time, posted nowhere."""
    from sitrep.store.settings import district_settings

    try:
        values = district_settings(store)
    except ValueError as err:
        log.error("district settings ignored: %s", err)
        values = {}
    at = values.get("briefing_time") or config.BRIEFING_TIME
    return Job(key=DISTRICT, compound=None, at=time.fromisoformat(at),
               webhook=values.get("briefing_webhook"))


def compound_job(store, name: str) -> Job:
    info = store_mod.find(store, name)
    values = {}
    if info is not None:
        from sitrep.store.settings import settings

        con = store_mod.connect_readonly(info.snapshot)
        try:
            values = settings(con, name)
        except Exception:   # noqa: BLE001 - a snapshot older than the setting: the default
            values = {}
        finally:
            con.close()
    at = values.get("briefing_time") or config.BRIEFING_TIME
    return Job(key=store_mod.compound_id(name), compound=name,
               at=time.fromisoformat(at), webhook=values.get("briefing_webhook"))


def due_day(at: time, now: datetime) -> date:
    """The as-of day of the latest briefing due by `now`: yesterday once today's briefing time
    has passed, else the day before yesterday."""
    return now.date() - timedelta(days=1 if now.time() >= at else 2)


def folder(out: Path, job: Job, day: date) -> Path:
    return Path(out) / job.key / day.isoformat()


def read_meta(path: Path) -> dict | None:
    try:
        return json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pending(store=None, now: datetime | None = None, found: list[Job] | None = None) -> list[tuple[Job, date]]:
    """The briefings due by `now` and not made yet (at most one per job: the latest day)."""
    now = now or config.local_now()
    out = briefings_dir(store)
    wanted = []
    for job in jobs(store) if found is None else found:
        day = due_day(job.at, now)
        if not (folder(out, job, day) / META).exists():
            wanted.append((job, day))
    return wanted


def past(store, key: str, limit: int = config.BRIEFING_PAST_DAYS) -> list[tuple[Path, dict]]:
    """The briefings made for one job, newest day first (at most `limit`), with their meta.json
    (a folder whose meta cannot be read is left out: it is being written)."""
    base = briefings_dir(store) / key
    try:
        days = sorted((p for p in base.iterdir() if _DAY.fullmatch(p.name)), reverse=True)
    except FileNotFoundError:
        return []
    found = []
    for path in days:
        meta = read_meta(path)
        if meta is not None:
            found.append((path, meta))
        if len(found) >= limit:
            break
    return found


# -- making one --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What the briefing of `day` shows: the as-of date (the day, within the data) and the
    sources' freshness at the time it is made."""
    as_of: date | None
    freshness: list[dict]
    problem: str | None        # why it cannot be made (no data)


def plan(store, job: Job, day: date, now: datetime) -> Plan:
    from sitrep.ingest.contract import window_params
    from sitrep.store.queries import run

    if job.compound is None:
        return district_plan(store, day, now)
    path = store_mod.current_path(store, job.compound)
    if path is None:
        return Plan(None, [], f"no snapshot of {job.compound}")
    con = store_mod.connect_readonly(path)
    try:
        span = run(con, "compounds", **window_params(now.date()))
        fresh = run(con, "data_freshness", compound=job.compound, **config.freshness_params(now))
    finally:
        con.close()
    freshness = [{"kind": r.kind, "is_stale": bool(r.is_stale),
                  "last_import_at": _iso(r.last_import_at), "newest_on": _day(r.newest_on)}
                 for r in fresh.itertuples()]
    if span.empty or span["first_on"].isna().all():
        return Plan(None, freshness, "the compound has no dated records yet")
    first_on, last_on = span["first_on"].iloc[0].date(), span["last_on"].iloc[0].date()
    if day < first_on:
        return Plan(None, freshness, f"{day} is before the data ({first_on} to {last_on})")
    # a day after the last record is shown as of that record's day: the stale sources are
    # printed in red at the top of the image
    return Plan(min(day, last_on), freshness, None)


def district_plan(store, day: date, now: datetime) -> Plan:
    """The district's: the as-of day within the district's span (district_span.sql); its
    freshness, one row per compound, stale when the district page says so."""
    from sitrep.store import summary
    from sitrep.store.queries import run

    names = store_mod.compound_names(store)
    con = summary.connect_district(store)
    try:
        span = run(con, "district_span", compounds=names).iloc[0]
        if not span["compounds"] or span["first_on"] != span["first_on"]:
            return Plan(None, [], "the district has no dated records yet")
        first_on, last_on = span["first_on"].date(), span["last_on"].date()
        as_of = min(day, last_on)
        rows = run(con, "district_compounds_on_day", compounds=names, as_of=as_of,
                   log_kinds=list(config.LOG_KINDS), **config.freshness_params(now))
    finally:
        con.close()
    freshness = [{"compound": r.compound, "is_stale": bool(r.is_stale),
                  "last_import_at": _iso(r.last_import_at), "shown_on": _day(r.shown_on)}
                 for r in rows.itertuples()]
    if day < first_on:
        return Plan(None, freshness, f"{day} is before the data ({first_on} to {last_on})")
    return Plan(as_of, freshness, None)


def _day(value) -> str | None:
    return None if value is None or value != value else value.date().isoformat()


def _iso(value) -> str | None:
    if value is None or value != value:   # None, NaN, NaT
        return None
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()


class Dashboards:
    """The export's dashboard for a run of briefings (a tick's, the command's): started when the
    first briefing needs it, kept for the next, started again if it died; closed at the end."""

    def __init__(self, store):
        self.store = store
        self.server = None

    def get(self):
        from sitrep.briefing import export

        if self.server is not None and self.server.proc.poll() is not None:
            self.close()
        if self.server is None:
            self.server = export.Dashboard(self.store)
        return self.server

    def close(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.close()

    def __enter__(self) -> Dashboards:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make(store, job: Job, day: date, *, now: datetime | None = None, out: Path | None = None,
         who: str = "schedule", attempts: int | None = None, retry_wait_s: float | None = None,
         chromium: str | None = None, due_at: datetime | None = None,
         dashboards: Dashboards | None = None) -> dict:
    """Render the briefing of `day` into its dated folder (tried `attempts` times), post it to
    the job's webhook, record it in the audit trail; returns its meta.json. The render goes
    through the process's warm browser (export.warm) and `dashboards` (else a dashboard of its own)."""
    from sitrep.briefing import export

    with contextlib.ExitStack() as stack:
        if dashboards is None:
            dashboards = stack.enter_context(Dashboards(store))
        browser = export.warm()
        if chromium is not None:    # another Chromium than the process's: a browser of its own
            browser = export.Warm(chromium)
            stack.callback(browser.close)
        return _make(store, job, day, now=now, out=out, who=who, attempts=attempts,
                     retry_wait_s=retry_wait_s, due_at=due_at, dashboards=dashboards, browser=browser)


def _make(store, job: Job, day: date, *, now, out, who, attempts, retry_wait_s, due_at, dashboards,
          browser) -> dict:
    from sitrep.access import audit
    from sitrep.briefing import export

    now = now or config.local_now()
    out = Path(out) if out else briefings_dir(store)
    attempts = attempts or config.BRIEFING_ATTEMPTS
    retry_wait_s = config.BRIEFING_RETRY_S if retry_wait_s is None else retry_wait_s
    target = folder(out, job, day)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    meta = {"key": job.key, "compound": job.compound, "day": day.isoformat(), "as_of": None,
            "due_at": _iso(due_at), "started_at": _iso(now), "made_at": None, "seconds": None,
            "attempts": 0, "ok": False, "error": None, "errors": [], "freshness": [],
            "stale": [], "webhook": None, "made_by": who}
    started = timer.perf_counter()
    for attempt in range(1, attempts + 1):
        meta["attempts"] = attempt
        try:
            found = plan(store, job, day, config.local_now())
            meta["freshness"] = found.freshness
            # a compound's briefing: the stale kinds; the district's: the stale compounds
            meta["stale"] = [f["kind"] for f in found.freshness
                             if f["is_stale"] and f.get("kind") in config.LOG_KINDS]
            meta["stale_compounds"] = [f["compound"] for f in found.freshness
                                       if f["is_stale"] and "compound" in f]
            if found.problem:     # no data to show: trying again changes nothing
                meta["errors"].append(found.problem)
                break
            meta["as_of"] = found.as_of.isoformat()
            export.find_chromium(browser.chromium)    # before starting a dashboard for nothing
            server = dashboards.get()
            browser.start()                           # Chromium starts while the dashboard boots
            browser.render(server.wait(), cookie=server.cookie, as_of=found.as_of,
                           compound=job.compound, page=job.page, district=job.compound is None,
                           png=partial / PNG, pdf=partial / PDF)
            _thumbnail(partial / PNG, partial / THUMB)
            meta["ok"] = True
            break
        except Exception as err:   # noqa: BLE001 - any failure is a failed attempt, logged
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:500]
            meta["errors"].append(first)
            log.warning("briefing %s %s: attempt %d of %d failed: %s", job.key, day, attempt,
                        attempts, first)
            if attempt < attempts:
                timer.sleep(retry_wait_s)
    meta["seconds"] = round(timer.perf_counter() - started, 2)
    meta["made_at"] = _iso(config.local_now())
    meta["error"] = None if meta["ok"] else meta["errors"][-1]
    if meta["ok"] and job.webhook:
        meta["webhook"] = push(job.webhook, (partial / PNG).read_bytes(), job, day)
    (partial / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    filters = {"compound": job.compound or job.key, "day": day.isoformat(), "as_of": meta["as_of"],
               "attempts": meta["attempts"]}
    audit.record("briefing_render", who,
                 f"{PNG}+{PDF} {target}" if meta["ok"] else f"failed: {meta['error']}", filters,
                 store=store)
    if meta["webhook"]:
        audit.record("briefing_push", who, f"{meta['webhook']['host']}: "
                     f"{meta['webhook'].get('status') or meta['webhook'].get('error')}", filters,
                     store=store)
    if not meta["ok"]:
        log.error("briefing %s %s not made after %d attempts: %s", job.key, day, meta["attempts"],
                  meta["error"])
    return meta


def _thumbnail(png: Path, thumb: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        top = image.crop((0, 0, image.width, min(image.height, round(image.width * THUMB_ASPECT))))
        height = round(top.height * THUMB_WIDTH / top.width)
        top.resize((THUMB_WIDTH, height), Image.LANCZOS).save(thumb, optimize=True)


def push(url: str, png: bytes, job: Job, day: date) -> dict:
    """POST the PNG to the webhook (one try, bounded by a timeout); what happened, for meta."""
    host = urlsplit(url).hostname or "?"
    request = urllib.request.Request(url, data=png, method="POST", headers={
        "content-type": "image/png", "x-sitrep-day": day.isoformat(), "x-sitrep-briefing": job.key})
    try:
        with urllib.request.urlopen(request, timeout=config.BRIEFING_WEBHOOK_TIMEOUT_S) as response:
            return {"host": host, "status": response.status}
    except Exception as err:   # noqa: BLE001 - refused, timed out, an HTTP error: said, not raised
        return {"host": host, "error": str(err)[:300]}


# -- the schedule inside the server -------------------------------------------------------------

def enabled() -> bool:
    return os.environ.get(ENV, "").lower() not in ("off", "0", "no")


def requested() -> bool:
    """Asked for in so many words (the open demo makes briefings only then)."""
    return os.environ.get(ENV, "").lower() in ("on", "1", "yes")


def tick_seconds() -> float:
    return float(os.environ.get("SITREP_BRIEFING_TICK") or config.BRIEFING_TICK_S)


class Schedule:
    """APScheduler's BackgroundScheduler with one interval job, `tick` (see the module docstring).
    Started and stopped by the server's lifespan; the first tick runs at start (the catch-up)."""

    def __init__(self, store=None):
        self.store = store
        self._scheduler = None
        self._jobs: tuple[tuple, list[Job]] | None = None

    def jobs(self) -> list[Job]:
        """The jobs, read again only when a snapshot or the district's settings changed (a
        compound's setting is in its snapshot): a tick does not open every compound's database."""
        from sitrep.store.settings import district_path

        try:     # the district's settings are a file of their own: its change time counts too
            district = district_path(self.store).stat().st_mtime_ns
        except FileNotFoundError:
            district = 0
        generation = (store_mod.generation(self.store), district)
        if self._jobs is None or self._jobs[0] != generation:
            self._jobs = (generation, jobs(self.store))
        return self._jobs[1]

    def tick(self) -> None:
        now = config.local_now()
        with Dashboards(self.store) as dashboards:    # one export dashboard for the tick's briefings
            for job, day in pending(self.store, now, self.jobs()):
                try:
                    make(self.store, job, day, due_at=datetime.combine(day + timedelta(days=1), job.at),
                         dashboards=dashboards)
                except Exception:   # noqa: BLE001 - the next tick tries again; the server goes on
                    log.exception("briefing %s %s could not be made", job.key, day)

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self._scheduler = BackgroundScheduler(timezone=config.TIMEZONE, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._scheduler.add_job(self.tick, "interval", seconds=tick_seconds(), id="briefings",
                                next_run_time=datetime.now().astimezone())
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
