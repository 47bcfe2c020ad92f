"""往期简报 Past briefings (commanders): the briefings the schedule made, one row per day, newest
first — a thumbnail, the as-of time, when it was made, the sources' freshness then, a failed
render's reason, and the PNG and PDF to download. With several compounds, a choice between the
compound's and the district's (全区) briefings; the district's is offered only to a viewer who may
see every compound of the store (it shows them all). The files and their meta.json are
sitrep/briefing/schedule.py's; this page only reads them."""
import re
from datetime import datetime

import streamlit as st

from sitrep import config
from sitrep import store as store_mod
from sitrep.access import audit
from sitrep.app import filters, ui
from sitrep.briefing import schedule
from sitrep.i18n import t

THUMB_SHOWN = 96    # px: a phone's row keeps room for the text beside it

f = filters.current()
lang = f.lang
who = st.session_state.get("_user") or "demo"
held = store_mod.compound_names()
st.title(t("page.briefings_past", lang))
district = False
if len(held) > 1 and ui.compounds_in_scope() == held:
    district = st.segmented_control(
        t("past.which", lang), [False, True], default=False, key="past_district",
        format_func=lambda d: t("past.district", lang) if d else f.compound) or False
job = schedule.district_job(None) if district else schedule.compound_job(None, f.compound)
made = schedule.past(None, job.key)
about = job.compound or schedule.DISTRICT      # the audit's name for what was downloaded

if district:
    st.caption(t("past.when_district", lang, time=job.at.strftime("%H:%M"), days=config.BRIEFING_PAST_DAYS))
else:
    st.caption(t("past.when", lang, time=job.at.strftime("%H:%M"), compound=f.compound,
                 days=config.BRIEFING_PAST_DAYS))
if not made:
    st.info(t("past.none", lang, time=job.at.strftime("%H:%M")), icon=":material/schedule:")


def _shown(value: str | None) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _reader(path):
    return lambda: path.read_bytes()    # read when the button is pressed, not on every run


for path, meta in made:
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        thumb = path / schedule.THUMB
        if meta.get("ok") and thumb.exists():
            st.image(str(thumb), width=THUMB_SHOWN)
        with st.container():
            st.markdown(f"**{t('past.day', lang, day=meta['day'])}**")
            if meta.get("as_of"):
                note = "" if meta["as_of"] == meta["day"] else t("past.as_of_earlier", lang)
                st.caption(t("past.as_of", lang, as_of=meta["as_of"]) + note)
            st.caption(t("past.made", lang, at=_shown(meta.get("made_at")), attempts=meta.get("attempts", 0)))
            stale = meta.get("stale") or []
            late = meta.get("stale_compounds") or []
            if late:
                names = ("、" if lang == "zh" else ", ").join(late[:10]) + ("…" if len(late) > 10 else "")
                names = re.sub(r"([\\`*_{}\[\]()#+\-.!:|~<>$])", r"\\\1", names)   # names, not markdown
                st.markdown(f":red[{t('past.stale_compounds', lang, compounds=names)}]")
            elif stale:
                kinds = ("、" if lang == "zh" else ", ").join(t(f"kind.{k}", lang) for k in stale)
                st.markdown(f":red[{t('past.stale', lang, hours=config.STALE_HOURS, kinds=kinds)}]")
            elif meta.get("ok"):
                st.caption(t("past.fresh", lang))
            if not meta.get("ok"):
                st.error(t("past.failed", lang, attempts=meta.get("attempts", 0)), icon=":material/error:")
                st.text(meta.get("error") or "")
        if meta.get("ok"):
            with st.container(width="content"):
                for kind, name, mime in (("png", schedule.PNG, "image/png"),
                                         ("pdf", schedule.PDF, "application/pdf")):
                    file_name = f"briefing-{'district-' if district else ''}{meta['day']}.{kind}"
                    st.download_button(
                        t(f"past.{kind}", lang), _reader(path / name), file_name=file_name, mime=mime,
                        key=f"past_{job.key}_{meta['day']}_{kind}", icon=":material/download:",
                        on_click=audit.record, args=("download", who, file_name,
                                                     {"compound": about, "day": meta["day"]}))
