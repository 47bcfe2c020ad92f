"""审计日志 Audit trail (commanders only): who signed in or failed to, imported, exported a
briefing or downloaded a table, when, and with which filters."""
from datetime import timedelta

import streamlit as st

from sitrep import config
from sitrep.access import audit
from sitrep.app import filters, session, ui
from sitrep.i18n import t

f = filters.current()
lang = f.lang
ui.heading(f, "page.audit")

today = config.local_now().date()
with st.container(horizontal=True):
    events = st.multiselect(t("audit.events", lang), audit.EVENTS, key="audit_events",
                            format_func=lambda e: t(f"audit.event.{e}", lang))
    who = st.text_input(t("audit.who", lang), key="audit_who", max_chars=64).strip()
    span = st.date_input(t("audit.span", lang), value=(today - timedelta(days=7), today),
                         key="audit_span", format="YYYY-MM-DD")
date_from, date_to = span if isinstance(span, tuple) and len(span) == 2 else (today, today)

# a commander limited to some compounds sees their events (and sign-ins), not other compounds'
scope = session.scope()
log = audit.read(events=events, who=who, date_from=date_from, date_to=date_to,
                 compounds=None if scope is None else list(scope))
if log is None or log.empty:
    ui.empty(lang)
    st.stop()
log["event"] = [t(f"audit.event.{e}", lang) for e in log["event"]]
st.caption(t("audit.count", lang, n=len(log)))
ui.table(log, "audit_log", lang, columns={c: t(f"audit.col.{c}", lang)
                                          for c in ("logged_at", "who", "event", "what", "filters")})
