"""Who is looking, inside the dashboard: the session behind the browser's cookie, checked on
every script run; the user's name, role and log-out in the sidebar; the open demo's banner.

The password is never typed into Streamlit: the server's own sign-in page takes it
(sitrep/app/server.py), so no script runs for anyone who has not signed in. This check is the
second line: a tab whose session was signed out, expired or revoked (a new password, a new
role, a removed user) shows nothing but "sign in again" at its next click.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from sitrep.access import auth, sessions
from sitrep.access import mode as access
from sitrep.i18n import t

log = logging.getLogger("sitrep")


@dataclass(frozen=True)
class Viewer:
    user: str | None                # None: the open demo
    role: str | None
    pages: tuple[str, ...]          # page names this viewer may open
    personal: bool                  # sees personal data unmasked
    session: sessions.Session | None = None
    compounds: tuple[str, ...] | None = None   # the user's compounds (None: every compound)

    @property
    def is_open_demo(self) -> bool:
        return self.user is None


def current_user() -> tuple[str | None, str | None]:
    """(user name, role) of this run; (None, None) in the open demo."""
    return st.session_state.get("_user"), st.session_state.get("_role")


def is_open_demo() -> bool:
    return st.session_state.get("_open_demo", False)


def scope() -> tuple[str, ...] | None:
    """The compounds this run's viewer may see (None: every compound), as the gate found them
    on this run; nothing when no gate ran (fail closed)."""
    return st.session_state.get("_scope", ())


def _remember(user: str | None, role: str | None, personal: bool, open_demo: bool = False,
              compounds: tuple[str, ...] | None = ()) -> None:
    state = st.session_state
    state["_user"], state["_role"], state["_personal"], state["_open_demo"] = user, role, personal, open_demo
    state["_scope"] = compounds


def gate(lang: str) -> Viewer | None:
    """The viewer of this run, or None when nobody may see anything (a message says why; the
    caller stops)."""
    mode = access.current()
    if mode.kind == "open":
        _remember(None, None, False, open_demo=True, compounds=None)
        st.sidebar.markdown(t("auth.demo_banner", lang))
        return Viewer(None, None, auth.OPEN_PAGES, False)
    if mode.kind == "users":
        found = sessions.lookup(st.context.cookies.get(sessions.COOKIE), mode.users)
        if found is not None:
            personal = auth.may_see_personal(found.role)
            # the session's stamp covers the scope, so this is the scope it signed in with
            compounds = auth.scope_of(mode.users[found.user])
            _remember(found.user, found.role, personal, compounds=compounds)
            return Viewer(found.user, found.role, auth.pages_for(found.role), personal, found, compounds)
    _remember(None, None, False)
    _no_navigation(lang)
    st.title(t("auth.app", lang))
    if mode.kind == "closed":
        log.error("sitrep serves nobody: %s", mode.reason)
        st.warning(t("auth.closed", lang))
        return None
    st.info(t("auth.ended", lang))
    # a plain link to this very address (an empty href): loading it again shows the server's
    # sign-in form, which brings the viewer back to this page and its filters
    st.html(f'<a href="" style="font-size:1.1rem">{_attr(t("auth.sign_in_again", lang))}</a>')
    return None


def _no_navigation(lang: str) -> None:
    """Replace the page list a tab may still show from its signed-in runs with a hidden one
    that knows only this URL (so the browser stays where it is, without a "page not found")."""
    name = urlsplit(st.context.url or "/").path.rstrip("/").rsplit("/", 1)[-1]
    title = t("auth.ended_title", lang)
    pages = [st.Page(root, title=title, url_path="home", default=True)]
    if re.fullmatch(r"[a-z_]{1,40}", name) and name != "home":
        pages.append(st.Page(_ended, title=title, url_path=name))
    st.navigation(pages, position="hidden")


def _attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def root() -> None:
    """The hidden page at "/": never drawn, dashboard.py moves on to the viewer's first page."""


def _ended() -> None:
    """The hidden stand-in for the page a tab was on when its session ended: never drawn."""


def sidebar(viewer: Viewer, lang: str) -> None:
    """The signed-in user's name and role, and a log-out button (it ends the session on the
    server; the button travels over Streamlit's websocket, which no other site can open)."""
    if viewer.user is None or viewer.session is None:
        return
    st.sidebar.markdown(t("auth.signed_in", lang, user=viewer.user, role=t(f"auth.role.{viewer.role}", lang)))
    # A plain form posted to the server's /signout (sitrep/app/server.py): the server ends the
    # session, drops the cookie and shows its sign-in page. Its token is bound to this session.
    st.sidebar.html(
        '<form method="post" action="/signout" style="margin:0">'
        f'<input type="hidden" name="csrf" value="{_attr(sessions.signout_token(viewer.session))}">'
        '<button type="submit" data-testid="sitrep-sign-out" style="font:inherit;padding:.3rem .85rem;'
        'min-height:2.4rem;border:1px solid rgba(49,51,63,.25);border-radius:.5rem;background:#fff;'
        f'color:inherit;cursor:pointer">{_attr(t("auth.sign_out", lang))}</button></form>')
