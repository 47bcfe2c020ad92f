"""Entry point, served by `python -m sitrep serve` (sitrep/app/server.py, what `make run` starts):
page config, who is looking, navigation, the global sidebar."""
import streamlit as st

from sitrep.app import filters, session, ui
from sitrep.app.nav import PAGES
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
# A page the viewer may not use is not registered: its URL does not exist for this session.
specs = [spec for spec in PAGES if spec.name in viewer.pages]
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
    st.info(t("empty.no_snapshot", lang))
    st.stop()
if filters.sidebar(lang) is None:
    st.info(t("empty.no_compound", lang))
    st.stop()
try:
    ui.guarded(page, lang)
finally:
    filters.done()
