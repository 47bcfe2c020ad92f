"""The briefing arrives by itself (issue 14): a real `sitrep serve` on a copy of the demo store,
its clock moved by a file ($SITREP_CLOCK_FILE, config.clock), real Chromium renders (three in
all, one server fixture for the module), the share links fetched over HTTP, the webhook received
by a local http.server, the past-briefings page through AppTest."""
from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitrep import config
from sitrep import store as store_mod
from sitrep.access import auth, sessions, shares
from sitrep.briefing import schedule
from sitrep.ops.cli import main
from sitrep.store import settings

from .conftest import app, sign_in
from .test_browser import serve, users_copy

COMPOUND = "福星城"
SHANGHAI = ZoneInfo(config.TIMEZONE)


# -- known answers without a server ------------------------------------------------------------

@pytest.mark.parametrize(("now", "expected"), [
    ("2020-02-21 06:59", "2020-02-19"),   # before 07:00: the latest due is yesterday's (as of the 19th)
    ("2020-02-21 07:00", "2020-02-20"),   # at 07:00: as of yesterday, 24:00
    ("2020-02-21 23:59", "2020-02-20"),
    ("2020-03-01 07:30", "2020-02-29"),   # a leap year's last day of February
])
def test_the_day_due_is_the_day_before_once_the_time_has_passed(now, expected):
    assert schedule.due_day(clock_time(7, 0), datetime.fromisoformat(now)) == date.fromisoformat(expected)


def test_the_briefing_time_and_webhook_are_checked_settings():
    assert settings.parse("briefing_time", "06:30") == "06:30"
    for bad in ("7:00", "24:00", "07:60", "0700", " 07:00"):
        with pytest.raises(ValueError, match="HH:MM"):
            settings.parse("briefing_time", bad)
    assert settings.parse("briefing_webhook", "http://10.0.0.5:8080/robot?key=a") == "http://10.0.0.5:8080/robot?key=a"
    for bad in ("ftp://x/y", "http:///nohost", "file:///etc/passwd", "http://a b/", "x" * 10):
        with pytest.raises(ValueError, match="URL"):
            settings.parse("briefing_webhook", bad)


def test_share_links_kept_are_bounded_revoked_ones_included(tmp_path, monkeypatch):
    """config.MAX_SHARES links at most (3 here): the fourth is refused until one is removed by
    being replaced (a revoked name's new link takes its row, so the count stays 3)."""
    monkeypatch.setenv("SITREP_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setattr(config, "MAX_SHARES", 3)
    for name in ("a", "b", "c"):
        shares.add(name, "d8acd87d6f58ffa3")
    with pytest.raises(ValueError, match="3 links are kept already"):
        shares.add("d", "d8acd87d6f58ffa3")
    assert shares.revoke("a")
    with pytest.raises(ValueError, match="3 links are kept already"):   # a revoked link still counts
        shares.add("d", "d8acd87d6f58ffa3")
    shares.add("a", "d8acd87d6f58ffa3")                                  # 3 rows: a (new), b, c
    assert sorted(s.name for s in shares.listing()) == ["a", "b", "c"]


def test_share_tokens_expire_are_revoked_and_are_kept_hashed(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_USERS", str(tmp_path / "users.toml"))
    clock = tmp_path / "clock"
    monkeypatch.setenv("SITREP_CLOCK_FILE", str(clock))
    token = shares.add("王主任", "d8acd87d6f58ffa3", days=2)
    share, why = shares.check(token)
    assert why == "ok" and share.name == "王主任" and share.compound_id == "d8acd87d6f58ffa3"
    assert token not in shares.db_path().read_bytes().decode("latin-1")     # only its SHA-256
    with pytest.raises(ValueError, match="has a link already"):
        shares.add("王主任", "d8acd87d6f58ffa3")
    assert shares.check(token[:-1] + ("A" if token[-1] != "A" else "B")) == (None, "unknown")
    assert shares.check("../../etc") == (None, "malformed") and shares.check(None) == (None, "malformed")
    clock.write_text(str(2 * 86400 + 1))                # two days and a second later
    assert shares.check(token) == (None, "expired")
    clock.write_text("0")
    assert shares.revoke("王主任") and not shares.revoke("王主任")
    assert shares.check(token) == (None, "revoked")
    assert [s.state(config.clock()) for s in shares.listing()] == ["revoked"]
    again = shares.add("王主任", "d8acd87d6f58ffa3")   # a revoked name may get a new link
    assert shares.check(again)[1] == "ok" and shares.check(token)[1] == "unknown"   # the old one is gone


def test_briefing_yesterday_is_the_day_before_in_beijing(tmp_path, monkeypatch):
    from sitrep.ops.cli import _briefing_date

    clock = tmp_path / "clock"
    monkeypatch.setenv("SITREP_CLOCK_FILE", str(clock))
    # 2020-02-21 00:30 in Beijing is still 2020-02-20 16:30 UTC: yesterday is the 20th
    clock.write_text(str(datetime(2020, 2, 21, 0, 30, tzinfo=SHANGHAI).timestamp() - time.time()))
    assert _briefing_date("yesterday") == date(2020, 2, 20)
    assert _briefing_date("2020-02-03") == date(2020, 2, 3)


# -- the schedule on a running server -----------------------------------------------------------

class Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["content-length"]))
        Hook.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def set_clock(path: Path, local: str) -> None:
    """Move the server's clock to this Beijing time."""
    target = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).timestamp()
    path.write_text(str(target - time.time()))


def wait_for(path: Path, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        meta = schedule.read_meta(path)
        if meta is not None:
            return meta
        time.sleep(0.5)
    raise AssertionError(f"no briefing at {path} within {timeout_s:.0f} s")


def audit_lines(store: Path) -> list[dict]:
    path = store / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def get(url: str, cookie: str | None = None, accept: str = "*/*") -> tuple[int, bytes, dict]:
    headers = {"accept": accept, **({"cookie": f"{sessions.COOKIE}={cookie}"} if cookie else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


@pytest.fixture(scope="module")
def site(demo_store, tmp_path_factory, users_template):
    """A copy of the demo store with a webhook set, a users file, a clock file, a webhook
    receiver; the server itself is started by the test (it is stopped and started again)."""
    folder = tmp_path_factory.mktemp("scheduled")
    store = folder / "store"
    shutil.copytree(demo_store, store, ignore=shutil.ignore_patterns("*.log", "audit.jsonl"))
    users = users_copy(users_template, folder / "users")
    clock = folder / "clock"
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{hook.server_address[1]}/robot?key=k1"
    assert main(["compound", "set", COMPOUND, "--store", str(store), "--briefing-time", "07:00",
                 "--briefing-webhook", hook_url]) == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITREP_STORE", str(store))
        mp.setenv("SITREP_USERS", str(users))
        mp.setenv("SITREP_CLOCK_FILE", str(clock))
        mp.delenv("SITREP_OPEN", raising=False)
        yield {"store": store, "users": users, "clock": clock, "hook": hook_url,
               "env": {"SITREP_CLOCK_FILE": str(clock), "SITREP_SCHEDULE": "on", "SITREP_BRIEFING_TICK": "1"}}
    hook.shutdown()


def test_the_briefing_is_made_at_seven_served_by_link_and_caught_up_after_downtime(site, capsys):
    store, clock = site["store"], site["clock"]
    key = store_mod.compound_id(COMPOUND)
    out = store / "briefings" / key
    Hook.received.clear()

    # 06:59 on the 21st: the server starts and makes what was due while it was down, once:
    # the briefing due on the 20th at 07:00 (as of the 19th), not older days
    set_clock(clock, "2020-02-21 06:59:00")
    server = serve(store, users=site["users"], env=site["env"], log_name="scheduled.log")
    url = next(server)
    try:
        first = wait_for(out / "2020-02-19")
        assert first["ok"] and first["as_of"] == "2020-02-19" and first["attempts"] == 1
        time.sleep(3)                                     # three more ticks before 07:00
        assert sorted(p.name for p in out.iterdir()) == ["2020-02-19"]

        # past 07:00: the day's briefing, as of the 20th, 24:00
        set_clock(clock, "2020-02-21 07:00:30")
        meta = wait_for(out / "2020-02-20")
        day = out / "2020-02-20"
        png, pdf = (day / "briefing.png").read_bytes(), (day / "briefing.pdf").read_bytes()
        assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
        assert int.from_bytes(png[16:20], "big") == 1080                     # IHDR width: 1080 px
        assert meta["ok"] and meta["day"] == meta["as_of"] == "2020-02-20" and meta["error"] is None
        assert meta["due_at"] == "2020-02-21 07:00:00" and meta["made_at"] >= "2020-02-21 07:00:30"
        # the demo was imported "later" than this clock: no source is stale at 07:00 on the 21st
        assert {f["kind"] for f in meta["freshness"]} >= set(config.LOG_KINDS) and meta["stale"] == []
        # the webhook got this PNG, byte for byte, once
        pushed = [(path, body) for path, _, body in Hook.received if path == "/robot?key=k1"]
        assert [body for _, body in pushed] == [(out / "2020-02-19" / "briefing.png").read_bytes(), png]
        assert meta["webhook"] == {"host": "127.0.0.1", "status": 200}
        renders = [e for e in audit_lines(store) if e["event"] == "briefing_render"]
        assert [(e["who"], e["filters"]["day"], e["filters"]["attempts"]) for e in renders] == [
            ("schedule", "2020-02-19", 1), ("schedule", "2020-02-20", 1)]

        # a share link, made by the CLI, serves the latest and a given day
        assert main(["share", "add", "wang", "--store", str(store), "--base-url", url, "--days", "30"]) == 0
        link = capsys.readouterr().out.strip()
        assert re.fullmatch(rf"{re.escape(url)}/briefing/{key}/latest\.png\?token=[\w-]{{43}}", link)
        token = link.rsplit("=", 1)[1]
        status, body, headers = get(link)
        assert (status, body, headers["content-type"]) == (200, png, "image/png")
        status, body, headers = get(f"{url}/briefing/{key}/2020-02-19.pdf?token={token}")
        assert (status, body) == (200, (out / "2020-02-19" / "briefing.pdf").read_bytes())
        assert headers["content-type"] == "application/pdf"
        assert get(f"{url}/briefing/latest.png?token={token}")[1] == png     # the store's only compound
        assert get(f"{url}/briefing/{key}/2020-02-18.png?token={token}")[0] == 404   # never made
        assert get(f"{url}/briefing/{'0' * 16}/latest.png?token={token}")[0] == 403  # another compound

        # the token opens nothing else: no page, no Streamlit endpoint
        for path in ("/overview", "/briefing", "/briefings_past", "/"):
            status, body, _ = get(f"{url}{path}?token={token}", accept="text/html")
            assert status == 200 and b'name="password"' in body and b"2020-02" not in body, path
        for path in ("/_stcore/host-config", "/_stcore/stream", "/media/x.png", "/_stcore/upload_file/x"):
            assert get(f"{url}{path}?token={token}")[0] == 403, path

        # signed-in sessions: a role that may open the briefing gets it; a clerk does not
        for name, expected in (("bao", 200), ("yu", 200), ("wu", 403)):
            entry = auth.load_users()[name]
            cookie = sessions.create(name, entry["role"], auth.stamp(entry))
            assert get(f"{url}/briefing/{key}/latest.png", cookie=cookie)[0] == expected, name
        assert get(f"{url}/briefing/{key}/latest.png")[0] == 403                # nobody

        # revoked: refused at once
        assert main(["share", "revoke", "wang"]) == 0
        assert get(link)[0] == 403

        fetches = [e for e in audit_lines(store) if e["event"] == "briefing_fetch"]
        assert [(e["who"], e["what"].split()[0]) for e in fetches] == [
            ("share:wang", "200"), ("share:wang", "200"), ("share:wang", "200"), ("share:wang", "404"),
            ("share:wang", "403"), ("bao", "200"), ("yu", "200"), ("wu", "403"),
            ("anonymous", "403"), ("anonymous", "403")]
        assert fetches[-1]["what"] == "403 token revoked"
        assert [e["what"] for e in audit_lines(store) if e["event"] == "share"] == ["add wang", "revoke wang"]
    finally:
        server.close()

    # downtime: the server is off from the 21st to the 23rd, 09:00 (the 22nd's and the 23rd's
    # 07:00 missed); started again, it makes the latest missed briefing (as of the 22nd) once
    set_clock(clock, "2020-02-23 09:00:00")
    server = serve(store, users=site["users"], env=site["env"], log_name="scheduled-again.log")
    next(server)
    try:
        caught = wait_for(out / "2020-02-22")
        assert caught["ok"] and caught["as_of"] == "2020-02-22" and caught["due_at"] == "2020-02-23 07:00:00"
        time.sleep(3)
        assert sorted(p.name for p in out.iterdir()) == ["2020-02-19", "2020-02-20", "2020-02-22"]
        renders = [e["filters"]["day"] for e in audit_lines(store) if e["event"] == "briefing_render"]
        assert renders == ["2020-02-19", "2020-02-20", "2020-02-22"]          # nothing made twice
    finally:
        server.close()


def test_a_failed_render_is_retried_then_logged_and_shown_to_commanders(site, browser_cookies):
    """After the scheduled ones (same module): a render that cannot start (no Chromium there) is
    tried again, recorded with its reason, and listed on the past-briefings page."""
    store = site["store"]
    job = schedule.compound_job(store, COMPOUND)
    assert job.at == clock_time(7, 0) and job.webhook == site["hook"]
    meta = schedule.make(store, job, date(2020, 2, 18), chromium="/nonexistent/chromium", attempts=2,
                         retry_wait_s=0)
    assert not meta["ok"] and meta["attempts"] == 2 and meta["webhook"] is None
    assert meta["errors"] == ["no Chromium at /nonexistent/chromium"] * 2 == [meta["error"]] * 2
    assert audit_lines(store)[-1]["what"] == "failed: no Chromium at /nonexistent/chromium"

    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    at.switch_page("pages/briefings_past.py").run()
    assert not at.exception
    days = [m.value for m in at.markdown if m.value.startswith("**")]
    assert days == ["**2020-02-22 简报**", "**2020-02-20 简报**", "**2020-02-19 简报**", "**2020-02-18 简报**"]
    assert [e.value for e in at.error] == ["生成失败（已尝试 2 次）。原因："]
    assert [b.label for b in at.get("download_button")] == ["图片", "PDF"] * 3
    assert "数据截至 2020-02-20 24:00" in [c.value for c in at.caption]


def test_the_past_briefings_page_is_for_commanders_only(site, browser_cookies):
    assert "briefings_past" not in auth.pages_for("staff") and "briefings_past" not in auth.OPEN_PAGES
    sign_in(browser_cookies, "li")                         # staff
    at = app()
    at.run()
    with pytest.raises(ValueError):                         # not registered for this session
        at.switch_page("pages/briefings_past.py")


def test_briefing_out_is_the_whole_briefing_of_each_compound(demo_store, tmp_path, capsys):
    """`--out` writes the schedule's folders; it takes no file or building of the other form,
    and a compound the store lacks is a usage error (exit 2), nothing written."""
    base = ["briefing", "--store", str(demo_store), "--date", "yesterday", "--out", str(tmp_path)]
    assert main([*base, "--png", str(tmp_path / "b.png")]) == 2
    assert main([*base, "--building", "B5"]) == 2
    assert main([*base, "--compound", "没有这个小区"]) == 2
    assert "no compound '没有这个小区'" in capsys.readouterr().err
    assert main([*base, "--district"]) == 2                       # one compound: no district
    assert main([*base, "--district", "--compound", COMPOUND]) == 2
    assert list(tmp_path.iterdir()) == []


# -- the district's briefing ---------------------------------------------------------------------

def test_the_district_settings_are_checked_bounded_and_kept_beside_the_store(tmp_path, capsys):
    assert settings.district_settings(tmp_path) == {"briefing_time": None, "briefing_webhook": None}
    assert main(["district", "set", "--store", str(tmp_path), "--briefing-time", "06:15",
                 "--briefing-webhook", "https://example.org/robot"]) == 0
    assert json.loads((tmp_path / "district.json").read_text(encoding="utf-8")) == {
        "briefing_time": "06:15", "briefing_webhook": "https://example.org/robot"}
    assert main(["district", "set", "--store", str(tmp_path), "--clear", "briefing_webhook"]) == 0
    assert settings.district_settings(tmp_path) == {"briefing_time": "06:15", "briefing_webhook": None}
    capsys.readouterr()
    assert main(["district", "show", "--store", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "show: district\tbriefing_time=06:15\tbriefing_webhook=—\n"
    # the compound's rules, one definition: a bad value is refused and the file kept as it was
    for bad in (["--briefing-time", "7:00"], ["--briefing-webhook", "file:///etc/passwd"], []):
        assert main(["district", "set", "--store", str(tmp_path), *bad]) == 2
    assert settings.district_settings(tmp_path)["briefing_time"] == "06:15"
    assert main(["share", "add", "x", "--district", "--store", str(tmp_path)]) == 2   # no district yet
    with pytest.raises(ValueError, match="no district setting 'lat'"):
        settings.change_district(tmp_path, lat=30)
    # a file that is not ours fails closed: said, never half-read
    path = tmp_path / "district.json"
    for text, why in (('{"briefing_time": "25:00"}', "HH:MM"), ('{"lat": 1}', "no district setting"),
                      ("[]", "not a JSON object"), ("{", "not JSON"), (" " * 9000, "larger than")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=why):
            settings.district_settings(tmp_path)


@pytest.fixture(scope="module")
def two_compounds(demo_store, tmp_path_factory) -> Path:
    """The demo (福星城, data to the end of February) and the hand-built fixture (测试小区, data
    2020-02-03..02-07), a district of two."""
    from .conftest import FIXTURE, clean_import

    store = tmp_path_factory.mktemp("two") / "store"
    shutil.copytree(demo_store, store, ignore=shutil.ignore_patterns("*.log", "audit.jsonl", "briefings"))
    clean_import(store, FIXTURE)
    return store


def test_the_district_joins_the_jobs_with_two_compounds(two_compounds, demo_store, tmp_path):
    assert [job.key for job in schedule.jobs(demo_store)] == [store_mod.compound_id(COMPOUND)]   # one: no district
    names = store_mod.compound_names(two_compounds)
    assert sorted(names) == sorted([COMPOUND, "测试小区"])
    found = schedule.jobs(two_compounds)
    assert [job.key for job in found] == [*map(store_mod.compound_id, names), "district"]
    assert found[-1] == schedule.Job(key="district", compound=None, at=clock_time(7, 0), webhook=None)
    # its settings moved: the running schedule reads them again at its next tick
    running = schedule.Schedule(two_compounds)
    assert running.jobs()[-1].at == clock_time(7, 0)
    settings.change_district(two_compounds, briefing_time="06:15", briefing_webhook="http://127.0.0.1:9/x")
    try:
        assert running.jobs()[-1] == schedule.Job("district", None, clock_time(6, 15), "http://127.0.0.1:9/x")
    finally:
        (two_compounds / "district.json").unlink()
    # the plan: as of the day within the district's span; the fixture, whose data ends on the
    # 7th, is behind on the 20th, so stale; before any data, nothing to make
    now = datetime(2020, 2, 21, 7, 0)
    plan = schedule.plan(two_compounds, found[-1], date(2020, 2, 20), now)
    assert plan.problem is None and plan.as_of == date(2020, 2, 20)
    assert [f["compound"] for f in plan.freshness if f["is_stale"]] == ["测试小区"]
    early = schedule.plan(two_compounds, found[-1], date(2020, 1, 1), now)
    assert early.as_of is None and early.problem.startswith("2020-01-01 is before the data")


def test_the_district_briefing_is_made_at_its_time_and_shared_by_its_own_token(
        two_compounds, users_template, tmp_path, monkeypatch, capsys, browser_cookies):
    """One real render: the compounds' days are marked made (a folder with a meta.json is done),
    their time set to 23:00, the district's to 07:00; moving the clock past 07:00 makes the
    district's briefing alone."""
    store = tmp_path / "store"
    shutil.copytree(two_compounds, store)
    users = users_copy(users_template, tmp_path / "users")
    clock = tmp_path / "clock"
    monkeypatch.setenv("SITREP_STORE", str(store))
    monkeypatch.setenv("SITREP_USERS", str(users))
    monkeypatch.setenv("SITREP_CLOCK_FILE", str(clock))
    monkeypatch.delenv("SITREP_OPEN", raising=False)
    for name in store_mod.compound_names(store):
        assert main(["compound", "set", name, "--store", str(store), "--briefing-time", "23:00"]) == 0
    assert main(["district", "set", "--store", str(store), "--briefing-time", "07:00"]) == 0
    for key in (*map(store_mod.compound_id, store_mod.compound_names(store)), "district"):
        done = store / "briefings" / key / "2020-02-19"
        done.mkdir(parents=True)
        (done / "meta.json").write_text('{"day": "2020-02-19", "ok": false, "error": "marked in the test"}')
    out = store / "briefings" / "district"

    set_clock(clock, "2020-02-21 06:59:00")
    env = {"SITREP_CLOCK_FILE": str(clock), "SITREP_SCHEDULE": "on", "SITREP_BRIEFING_TICK": "1"}
    server = serve(store, users=users, env=env, log_name="district.log")
    url = next(server)
    try:
        time.sleep(3)                                      # ticks before 07:00: nothing due
        assert not (out / "2020-02-20").exists()
        set_clock(clock, "2020-02-21 07:00:30")
        meta = wait_for(out / "2020-02-20")
        png = (out / "2020-02-20" / "briefing.png").read_bytes()
        assert meta["ok"] and meta["as_of"] == "2020-02-20" and meta["compound"] is None, meta
        assert int.from_bytes(png[16:20], "big") == 1080
        assert meta["stale_compounds"] == ["测试小区"]     # its data ends on the 7th: behind on the 20th
        renders = [e for e in audit_lines(store) if e["event"] == "briefing_render"]
        assert [(e["filters"]["compound"], e["filters"]["day"]) for e in renders] == [("district", "2020-02-20")]

        capsys.readouterr()
        assert main(["share", "add", "lin", "--district", "--store", str(store), "--base-url", url]) == 0
        link = capsys.readouterr().out.strip()
        assert re.fullmatch(rf"{re.escape(url)}/briefing/district/latest\.png\?token=[\w-]{{43}}", link)
        district_token = link.rsplit("=", 1)[1]
        assert main(["share", "add", "zhao", "--compound", COMPOUND, "--store", str(store), "--base-url", url]) == 0
        compound_token = capsys.readouterr().out.strip().rsplit("=", 1)[1]
        key = store_mod.compound_id(COMPOUND)

        assert get(link)[:2] == (200, png)
        assert get(f"{url}/briefing/district/2020-02-20.png?token={compound_token}")[0] == 403
        assert get(f"{url}/briefing/{key}/latest.png?token={district_token}")[0] == 403
        entry = auth.load_users()["bao"]
        cookie = sessions.create("bao", entry["role"], auth.stamp(entry))
        assert get(f"{url}/briefing/district/latest.png", cookie=cookie)[:2] == (200, png)

        fetches = [e for e in audit_lines(store) if e["event"] == "briefing_fetch"]
        assert [(e["who"], e["what"].split()[0], e["filters"]["link"]) for e in fetches] == [
            ("share:lin", "200", "/briefing/district/latest.png"),
            ("share:zhao", "403", "/briefing/district/2020-02-20.png"),
            ("share:lin", "403", f"/briefing/{key}/latest.png"),
            ("bao", "200", "/briefing/district/latest.png")]
    finally:
        server.close()

    # 往期简报: a commander of every compound chooses 全区 and gets the district's days
    sign_in(browser_cookies, "yu")
    at = app()
    at.run()
    at.switch_page("pages/briefings_past.py").run()
    assert not at.exception
    choice = at.button_group(key="past_district")
    assert choice.options == ["测试小区", "全区"]    # the compound the sidebar opens on, then the district
    choice.set_value(True).run()
    assert not at.exception
    assert [m.value for m in at.markdown if m.value.startswith("**")] == ["**2020-02-20 简报**", "**2020-02-19 简报**"]
    assert "全区简报每天 07:00（北京时间）自动生成" in at.caption[0].value
    assert any("测试小区" in m.value for m in at.markdown if m.value.startswith(":red["))


def test_a_runs_briefings_share_one_dashboard_and_the_warm_browser(two_compounds, tmp_path):
    """Two compounds' briefings of one tick (or one `briefing --out`): one export dashboard, one
    Chromium started (the process's warm browser, export.warm), both images whole."""
    from sitrep.briefing import export

    before = export.warm().launches
    with schedule.Dashboards(two_compounds) as dashboards:
        metas, servers = [], []
        for name in store_mod.compound_names(two_compounds):
            job = schedule.compound_job(two_compounds, name)
            metas.append(schedule.make(two_compounds, job, date(2020, 2, 6), out=tmp_path,
                                       dashboards=dashboards, attempts=1))
            servers.append(dashboards.server)
        assert servers[0] is servers[1] and servers[0].proc.poll() is None
    assert servers[0].proc.poll() is not None        # closed with the run
    assert [m["ok"] for m in metas] == [True, True], [m["errors"] for m in metas]
    assert export.warm().launches - before <= 1      # started once (or already warm)
    for meta in metas:
        png = (tmp_path / meta["key"] / "2020-02-06" / schedule.PNG).read_bytes()
        assert int.from_bytes(png[16:20], "big") == 1080
