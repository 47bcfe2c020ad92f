"""Entry point: `streamlit run dashboard.py`. Page config, navigation, the global sidebar."""
import streamlit as st

from sitrep import filters, ui
from sitrep.i18n import t
from sitrep.nav import PAGES

st.set_page_config(page_title="福星城 · 态势", page_icon="🏘️", layout="wide")

lang = filters.language()
page = st.navigation([
    st.Page(spec.path, title=t(f"page.{spec.name}", lang), icon=spec.icon, url_path=spec.name,
            default=i == 0)
    for i, spec in enumerate(PAGES)
])

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
