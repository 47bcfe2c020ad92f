"""Who is looking: the login form, the signed-in user and role, log-out, and demo mode.

With no users file the dashboard runs open in demo mode (every page, personal data masked)
with a banner. Otherwise nothing but the login form is drawn until a user signs in.
"""
from __future__ import annotations

import streamlit as st

from . import audit, auth
from .i18n import t


def current_user() -> tuple[str | None, str | None]:
    """(user name, role); (None, None) in demo mode."""
    return st.session_state.get("_user"), st.session_state.get("_role")


def gate(lang: str) -> tuple[str | None, str | None] | None:
    """Draw the login form when needed. Returns (user, role), or None when nobody is signed in
    (the caller stops)."""
    users = auth.load_users()
    if users is None:
        st.session_state.pop("_user", None)
        st.session_state.pop("_role", None)
        st.session_state["_personal"] = False
        st.sidebar.markdown(t("auth.demo_banner", lang))
        return None, None
    user, role = current_user()
    if user and auth.role_of(user) == role:   # a removed user or a changed role ends the session
        st.session_state["_personal"] = auth.may_see_personal(role)
        return user, role
    st.session_state.pop("_user", None)
    st.session_state["_personal"] = False
    _login_form(lang)
    return None


def _login_form(lang: str) -> None:
    st.title(t("auth.title", lang))
    with st.form("auth_login"):
        name = st.text_input(t("auth.user", lang), key="auth_name", max_chars=64)
        password = st.text_input(t("auth.password", lang), type="password", key="auth_password",
                                 max_chars=256)
        submitted = st.form_submit_button(t("auth.sign_in", lang), type="primary")
    if not submitted:
        return
    result = auth.authenticate(name.strip(), password)
    if result.ok:
        st.session_state["_user"], st.session_state["_role"] = name.strip(), result.role
        audit.record("login", name.strip(), "ok")
        st.rerun()
    audit.record("login_failed", name.strip()[:64], result.reason)
    if result.reason == "locked":
        st.error(t("auth.locked", lang, until=result.locked_until.strftime("%H:%M")))
    else:
        st.error(t("auth.bad", lang))


def sidebar(user: str | None, role: str | None, lang: str) -> None:
    """The signed-in user's name and role, and a log-out button."""
    if not user:
        return
    st.sidebar.markdown(t("auth.signed_in", lang, user=user, role=t(f"auth.role.{role}", lang)))
    if st.sidebar.button(t("auth.sign_out", lang), key="auth_sign_out"):
        audit.record("logout", user)
        for key in ("_user", "_role", "_personal"):
            st.session_state.pop(key, None)
        st.rerun()
