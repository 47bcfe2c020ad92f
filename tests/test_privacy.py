"""Privacy in one place: rendered as staff (or in demo mode), no page shows a name, phone or
room from the source tables; a commander sees them."""
from __future__ import annotations

import re

import pytest

from sitrep.access import auth
from sitrep.app.nav import PAGES

from .conftest import app, sign_in


@pytest.fixture(scope="module")
def personal(demo_con):
    """The personal values in the demo's source tables."""
    names = {r[0] for r in demo_con.execute("select name from volunteers").fetchall()}
    phones = {r[0] for r in demo_con.execute(
        "select phone from volunteers where phone is not null union select phone from households"
        " where phone is not null").fetchall()}
    patients = {r[0] for r in demo_con.execute(
        "select patient from medicine_requests where patient is not null").fetchall()}
    patients |= {p.split("（")[0] for p in patients}
    rooms = {r[0] for r in demo_con.execute("select distinct room from households").fetchall()}
    return {"names": names, "phones": phones, "patients": patients, "rooms": rooms}


def texts(at) -> tuple[str, set[str]]:
    """Every element's text, and every string cell of every table."""
    parts, cells = [], set()
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success",
                 "error", "text"):
        parts += [e.value for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [chart.proto.spec for chart in at.get("plotly_chart")]
    parts += [chart.proto.spec for chart in at.get("echarts_chart")]
    for frame in at.dataframe:
        value = frame.value
        parts.append(" ".join(map(str, value.columns)))
        for col in value.columns:
            cells |= {v for v in value[col].tolist() if isinstance(v, str)}
    return "\n".join(parts) + "\n" + "\n".join(cells), cells


def leaks(at, personal) -> list[str]:
    text, cells = texts(at)
    found = [n for n in personal["names"] | personal["patients"] if len(n) >= 2 and n in text]
    found += [p for p in personal["phones"] if p in text]
    found += sorted(set(re.findall(r"\b[AB]\d{1,2}\s?[-栋 ]\s?\d{3,4}\b", text)))   # B5-1302, B5栋1302
    found += sorted(c for c in cells if c in personal["rooms"])                     # a bare room cell
    return found


@pytest.fixture
def staff(demo_env, users, browser_cookies):
    return browser_cookies


def signed_in(jar, name, **query):
    sign_in(jar, name)
    at = app(**query)
    at.run()
    return at


STAFF_PAGES = [spec for spec in PAGES if spec.name in auth.pages_for("staff")]


@pytest.mark.parametrize("query", [{"as_of": "2020-02-10"}, {"as_of": "2020-02-06", "building": "B5"},
                                   {"as_of": "2020-03-01", "building": "A5"}])
@pytest.mark.parametrize("spec", STAFF_PAGES, ids=lambda s: s.name)
def test_staff_see_no_name_phone_or_room_on_any_page(staff, personal, spec, query):
    at = signed_in(staff, "li", **query)
    at.switch_page(spec.path).run()
    assert not at.exception and not at.error, (at.exception, at.error)
    assert leaks(at, personal) == []


@pytest.mark.parametrize("spec", [s for s in PAGES if s.name not in ("data_import", "audit")],
                         ids=lambda s: s.name)
def test_demo_mode_is_masked_too(demo_env, personal, spec):
    at = app(as_of="2020-02-09")
    at.run()
    at.switch_page(spec.path).run()
    assert leaks(at, personal) == []


def test_a_commander_sees_personal_data(staff, personal):
    at = signed_in(staff, "yu", as_of="2020-02-10")
    at.switch_page("pages/volunteers.py").run()
    text, _ = texts(at)
    assert any(n in text for n in personal["names"])   # the top volunteers, by name


# -- which columns are personal: the contract's marks, nowhere else ------------------------------

def test_the_contract_marks_every_personal_column():
    from sitrep.app.privacy import personal_columns
    from sitrep.ingest.contract import KINDS

    assert personal_columns() == {
        "name": "name", "patient": "name",                       # volunteers, patients
        "volunteer": "name", "handler": "name", "screener": "name", "driver": "name",
        "phone": "phone", "room": "room", "address": "address", "home": "address"}
    # a volunteer reference holds a name as typed, whatever the kind: it cannot be left unmarked
    refs = {(k.name, c.name): c.personal for k in KINDS.values() for c in k.columns if c.type == "volref"}
    assert set(refs.values()) == {"name"} and len(refs) == 5


def test_query_columns_are_masked_by_what_the_contract_says_they_hold():
    import pandas as pd

    from sitrep.app.privacy import mask_personal

    frame = pd.DataFrame({
        "building": ["B5", None], "floor": [13, None], "room": ["1302", None],
        "driver": ["余为民", None], "phone": ["13800000447", "123"], "home": ["A8-403", "门卫室"],
        "medicine": ["硝苯地平", "胰岛素"]}, dtype=object)
    masked = mask_personal(frame, "zh")    # outside a session: masked
    masked = masked.astype(object).where(masked.notna(), None)   # a blank as None
    assert masked.to_dict("list") == {
        "building": ["B5", None], "floor": [13, None],
        "room": ["B5 · 13层", None],          # down to building · floor; no address, nothing
        "driver": ["余**", None], "phone": ["138****0447", "***"],
        "home": ["A8 · 4层", "***"],           # an address as typed; one that cannot be read: hidden
        "medicine": ["硝苯地平", "胰岛素"]}     # not personal
    # a room without its building and floor is hidden whole, never shown
    assert mask_personal(frame[["room"]], "zh")["room"].fillna("").tolist() == ["****", ""]
