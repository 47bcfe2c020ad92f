"""`python -m sitrep briefing`: the daily briefing exported through headless Chromium as a PNG
(1080 px wide, the whole page) and an A4 PDF, on the demo store, run as a user would (a fresh
process). Under CI=true these tests must run, never skip; locally they skip without Chromium.
The usage and no-browser errors need no browser and always run."""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import pytest

from sitrep.access.audit import audit_path
from sitrep.briefing import export

from .conftest import REPO

ARTIFACTS = REPO / "artifacts" / "briefing"


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    try:
        export.find_chromium()
    except export.ExportError as err:
        return str(err)
    return None


needs_browser = pytest.mark.skipif(
    _missing() is not None and os.environ.get("CI") != "true", reason=str(_missing()))


@pytest.fixture(scope="module", autouse=True)
def _browser_in_ci():
    if _missing() and os.environ.get("CI") == "true":
        pytest.fail(f"the briefing export cannot run in CI: {_missing()}", pytrace=False)


def sitrep(*args, env=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitrep", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's signature and IHDR chunk (CRC checked)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    (crc,) = struct.unpack(">I", data[29:33])
    assert crc == zlib.crc32(data[12:29]), "IHDR CRC"
    assert data.endswith(b"IEND\xaeB`\x82"), "truncated PNG"
    return struct.unpack(">II", data[16:24])


def pdf_pages(data: bytes) -> int:
    """A PDF: its header, its end, and how many A4 pages (595 x 842 pt) it has."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    assert data.rstrip().endswith(b"%%EOF")
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes), boxes
    return len(pages)


@needs_browser
def test_the_latest_briefing_as_png_and_pdf(demo_store, tmp_path):
    """The default date (the demo's report day), all buildings, a dashboard of its own. The
    command ends with os._exit (no interpreter teardown): its output, files and audit line are
    complete, and nothing of it outlives it (no process: its dashboard, the Playwright driver,
    Chromium; no folder: the dashboard's users and sessions, Chromium's profile)."""
    png, pdf = tmp_path / "briefing.png", tmp_path / "briefing.pdf"
    # the command's temporary folders, and a mark on its processes (short: Chromium's socket
    # path in it must fit a Unix socket's 108 bytes)
    scratch = Path(tempfile.mkdtemp(prefix="sitrep-t-"))
    try:
        started = time.perf_counter()
        done = sitrep("briefing", "--store", demo_store, "--png", png, "--pdf", pdf, env={"TMPDIR": str(scratch)})
        seconds = time.perf_counter() - started
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [str(png), str(pdf)]
        assert "briefing 2020-02-10 all buildings:" in done.stderr
        assert list(scratch.iterdir()) == []
        assert _processes_with(f"TMPDIR={scratch}") == []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    width, height = png_size(png.read_bytes())
    # 1080 px wide; the whole briefing (more than three phone screens), not one window
    assert width == 1080 and height > 3 * 1080, (width, height)
    assert pdf_pages(pdf.read_bytes()) >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "latest.png").write_bytes(png.read_bytes())
    (ARTIFACTS / "latest.pdf").write_bytes(pdf.read_bytes())
    # on record: who (the OS user), what, which filters
    events = [json.loads(line) for line in audit_path(demo_store).read_text(encoding="utf-8").splitlines()]
    last = [e for e in events if e["event"] == "briefing"][-1]
    assert last["who"].startswith("cli:") and str(png) in last["what"]
    assert last["filters"] == {"as_of": "2020-02-10", "building": [], "lang": "zh"}
    print(f"cold export: {seconds:.1f} s")


def _processes_with(variable: str) -> list[int]:
    """The processes (of this user) whose environment holds `variable` ("NAME=value")."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                environ = (Path(entry.path) / "environ").read_bytes()
            except OSError:
                continue
            if variable.encode() in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


@needs_browser
def test_b5_on_the_report_day_with_users_configured(demo_store, tmp_path, monkeypatch):
    """With a users file the dashboard asks for a sign-in; the export's own dashboard has a
    private briefing-role session, so the export works without anyone's password."""
    from sitrep.access import auth

    monkeypatch.setenv("SITREP_USERS", str(tmp_path / "users.toml"))
    auth.add_user("yu", "commander", "commander-pw")
    env = {"SITREP_USERS": str(tmp_path / "users.toml")}
    png, pdf = tmp_path / "b5.png", tmp_path / "b5.pdf"
    done = sitrep("briefing", "--store", demo_store, "--date", "2020-02-10", "--building", "B5",
                  "--png", png, "--pdf", pdf, env=env)
    assert done.returncode == 0, done.stderr
    width, height = png_size(png.read_bytes())
    assert width == 1080 and height > 3 * 1080
    assert pdf_pages(pdf.read_bytes()) >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "b5_2020-02-10.png").write_bytes(png.read_bytes())


@needs_browser
def test_against_a_running_dashboard_in_english(demo_store, tmp_path):
    """--url: a dashboard already running (here the open demo, started by the test)."""
    png = tmp_path / "en.png"
    with export.Dashboard(demo_store, open_demo=True) as server:
        url = server.wait()
        done = sitrep("briefing", "--url", url, "--date", "2020-02-21", "--building", "B5",
                      "--lang", "en", "--png", png)
        assert done.returncode == 0, done.stderr
        assert png_size(png.read_bytes())[0] == 1080
        # a date the dashboard does not have: it would fall back to its default, so the
        # export refuses (the page does not show the date asked for)
        done = sitrep("briefing", "--url", url, "--date", "2019-02-10", "--png", tmp_path / "x.png")
        assert done.returncode == 1 and "2019-02-10" in done.stderr
        assert not (tmp_path / "x.png").exists()


def test_no_chromium_is_a_clear_error(demo_store, tmp_path):
    done = sitrep("briefing", "--store", demo_store, "--png", tmp_path / "x.png",
                  "--chromium", tmp_path / "no-chromium")
    assert done.returncode == 1
    assert "no Chromium at" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("args", "message"), [
    ([], "--png FILE and/or --pdf FILE"),
    (["--png", "x.png", "--date", "2019-01-01"], "outside the data (2020-02-01 to 2020-03-13)"),
    (["--png", "x.png", "--building", "Z9"], "no building Z9"),
    (["--png", "x.png", "--date", "10/2/2020"], "not a date YYYY-MM-DD"),
    (["--png", "x.png", "--lang", "fr"], "invalid choice"),
])
def test_usage_errors(demo_store, args, message):
    done = sitrep("briefing", "--store", demo_store, *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_the_png_and_pdf_checks_catch_bad_files():
    with pytest.raises(AssertionError):
        png_size(b"GIF89a" + b"\0" * 40)
    with pytest.raises(AssertionError):
        pdf_pages(b"<html></html>")
