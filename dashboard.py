"""Entry point: `streamlit run dashboard.py`. Page config, navigation, the global sidebar."""
import streamlit as st

from sitrep import filters, ui
from sitrep.i18n import t

st.set_page_config(page_title="福星城 · 态势", page_icon="🏘️", layout="wide")

lang = filters.language()
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon="📊", url_path="overview",
            default=True),
]
page = st.navigation(pages)

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
