"""The district page in a real browser: `python -m sitrep serve --open` on a store of three
compounds (conftest.district_store), in Debian's Chromium. A leader opens the district page,
clicks a compound and lands on its sealed floors with the compound filter set; nothing is loaded
from outside the machine (the plan has no basemap); the district briefing exports as an image."""
from __future__ import annotations

import re

import pytest

from .test_browser import ARTIFACTS, open_page, serve


@pytest.fixture(scope="module")
def district_server(district_store):
    yield from serve(district_store, log_name="district_server.log")


def outside(page) -> list[str]:
    return [u for u in page.requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:", "about:"))]


def test_a_leader_clicks_a_compound_and_lands_on_its_sealed_floors(district_server, browser):
    page = open_page(browser, district_server + "/district")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text() == "全区态势"
    assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 2     # lat/lon and the grid
    page.get_by_role("link", name=re.compile("福星城$")).click()
    page.wait_for_url(re.compile(r"/seals\?"), timeout=30000)
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText"
                           " === '封控楼层'", timeout=30000)
    page.wait_for_timeout(500)
    assert "compound=%E7%A6%8F%E6%98%9F%E5%9F%8E" in page.url and "as_of=2020-02-10" in page.url
    # the compound filter is set: the sidebar's select shows it, the heading names it
    chosen = page.locator('[data-testid="stSidebar"] input').evaluate_all("els => els.map(e => e.value)")
    assert "福星城" in chosen
    caption = page.locator("[data-testid='stCaptionContainer']").first.inner_text()
    assert caption.startswith("福星城 · 截至 2020-02-10")
    assert outside(page) == [], f"requests outside the machine: {outside(page)}"
    page.close()


def test_a_table_link_opens_that_compound(district_server, browser):
    # the table's link, as the district page writes it (relative, the name URL-encoded)
    page = open_page(browser, district_server + "/seals?compound=%E6%B5%8B%E8%AF%95%E5%B0%8F%E5%8C%BA")
    caption = page.locator("[data-testid='stCaptionContainer']").first.inner_text()
    assert caption.startswith("测试小区 · 截至 2020-02-07")      # its own default day: its last data day
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_district_page_on_a_phone_and_a_desk(district_server, browser, width):
    page = open_page(browser, district_server + "/district", width=width)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert outside(page) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"district_{width}.png"), full_page=True)
    page.close()


def test_the_district_briefing_exports_as_an_image(district_server, tmp_path):
    """`python -m sitrep briefing --district` against the running open demo: a PNG 1080 px wide."""
    import shutil
    import subprocess
    import sys

    from .conftest import REPO

    png = tmp_path / "district.png"
    done = subprocess.run([sys.executable, "-m", "sitrep", "briefing", "--district", "--url", district_server,
                           "--png", str(png)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1080   # IHDR width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, ARTIFACTS / "district_briefing.png")
