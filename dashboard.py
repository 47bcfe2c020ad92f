"""Entry point, served by `python -m sitrep serve` (sitrep/app/server.py, what `make run` starts):
page config, who is looking, navigation, the global sidebar."""
import streamlit as st

from sitrep.app import filters, nav, session, ui
from sitrep.i18n import t
from sitrep.ops import floor

if floor.requested():                   # the browser bench's floor page: SITREP_BENCH_FLOOR=1 only
    floor.serve()
    st.stop()
lang = filters.language()
st.set_page_config(page_title=t("auth.app", lang), page_icon="🏘️", layout="wide")
ui.at_start_up()                        # once per server process: stale uploads, old snapshots
viewer = session.gate(lang)
if viewer is None:                      # nobody may see anything: a message says why
    st.stop()
# A page the viewer may not use is not registered: its URL does not exist for this session; nor
# is the district page when the viewer's compounds are fewer than two.
specs = nav.shown(viewer.pages, len(ui.compounds_in_scope()))
if not specs:
    session.sidebar(viewer, lang)
    st.info(t("auth.no_pages", lang))
    st.stop()
pages = [st.Page(spec.path, title=t(f"page.{spec.name}", lang), icon=spec.icon, url_path=spec.name)
         for spec in specs]
# Every page keeps its own URL (/overview too, for bookmarks and shared links); the root is a
# hidden page that moves on to the viewer's first page with the filters in the URL.
home = st.Page(session.root, title=pages[0].title, url_path="home", default=True, visibility="hidden")
page = st.navigation([home, *pages])
if page is home:
    st.switch_page(pages[0], query_params=filters.url_query())
session.sidebar(viewer, lang)

if ui.snapshot() is None:
    # a user whose compounds the store does not hold is told so, not "no data yet"
    st.info(t("scope.none" if ui.compound_names() else "empty.no_snapshot", lang))
    st.stop()
# The district (the district page; the briefing with ?scope=district) has its own filter, the
# as-of day across the compounds in scope; a compound's pages have the compound's filters.
district = filters.is_district(page.url_path)
try:
    shown = filters.district_sidebar(lang) if district else filters.sidebar(lang)
except ui.OutOfScope as err:            # ?compound= outside the viewer's compounds: no data
    ui.refuse(err, lang)
    st.stop()
if shown is None:
    st.info(t("empty.no_compound", lang))
    st.stop()
if not district and shown.compound in ui.synthetic_compounds():   # the demo district's made-up compounds say so
    st.warning(t("synthetic.banner", lang, compound=shown.compound), icon=":material/science:")
try:
    ui.guarded(page, lang)
finally:
    filters.done()
