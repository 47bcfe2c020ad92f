"""往期简报 Past briefings (commanders): the briefings the schedule made, one row per day, newest
first — a thumbnail, the as-of time, when it was made, the sources' freshness then, a failed
render's reason, and the PNG and PDF to download. The files and their meta.json are
sitrep/briefing/schedule.py's; this page only reads them."""
from datetime import datetime

import streamlit as st

from sitrep import config
from sitrep.access import audit
from sitrep.app import filters
from sitrep.briefing import schedule
from sitrep.i18n import t

THUMB_SHOWN = 96    # px: a phone's row keeps room for the text beside it

f = filters.current()
lang = f.lang
who = st.session_state.get("_user") or "demo"
job = schedule.compound_job(None, f.compound)
made = schedule.past(None, job.key)

st.title(t("page.briefings_past", lang))
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
            if stale:
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
                    file_name = f"briefing-{meta['day']}.{kind}"
                    st.download_button(
                        t(f"past.{kind}", lang), _reader(path / name), file_name=file_name, mime=mime,
                        key=f"past_{meta['day']}_{kind}", icon=":material/download:",
                        on_click=audit.record, args=("download", who, file_name,
                                                     {"compound": f.compound, "day": meta["day"]}))
