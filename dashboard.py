"""Entry point: `streamlit run dashboard.py`. Page config, navigation, the global sidebar."""
import streamlit as st

from sitrep import auth, filters, session, ui
from sitrep.i18n import t
from sitrep.nav import PAGES

st.set_page_config(page_title="福星城 · 态势", page_icon="🏘️", layout="wide")
ui.at_start_up()

lang = filters.language()
signed_in = session.gate(lang)
if signed_in is None:          # the login form is showing
    st.stop()
user, role = signed_in
allowed = auth.pages_for(role)
# A page the role may not use is not registered: its URL does not exist for this session.
specs = [spec for spec in PAGES if allowed == "all" or spec.name in allowed]
if not specs:
    session.sidebar(user, role, lang)
    st.info(t("auth.no_pages", lang))
    st.stop()
page = st.navigation([
    st.Page(spec.path, title=t(f"page.{spec.name}", lang), icon=spec.icon, url_path=spec.name,
            default=i == 0)
    for i, spec in enumerate(specs)
])
session.sidebar(user, role, lang)

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
