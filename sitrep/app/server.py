"""The web server: Streamlit's `st.App` (ASGI, served by uvicorn) with our sign-in in front.

`Gate`, a middleware, sees every HTTP request and websocket before Streamlit does. Without a
live session (sitrep/access/sessions.py) a page request gets our own sign-in page (signin.html: no
script, no outside asset, no page name, compound or count) and anything else — the websocket,
Streamlit's assets and endpoints — is refused, so Streamlit never runs a script for someone
who has not signed in. `/_stcore/health` answers "ok"; `/_stcore/metrics` is off.

The form posts to `/signin`: an anti-forgery token (a cookie bound to a hidden field by an HMAC
of this deployment's secret, plus Origin and Fetch-Metadata checks), bcrypt, lock-out, then a
random session token in an `HttpOnly; SameSite=Strict` cookie (`Secure` over HTTPS) and a 303 to
the page and filters asked for. The dashboard reads the same cookie (`st.context.cookies`) on
every script run, so a log-out, an expiry or a changed password ends an open tab at its next
click (sitrep/app/session.py).

`serve()` is `python -m sitrep serve` (what `make run` starts): it decides who may be served
(sitrep/access/mode.py), says so in one line, and refuses to start when the answer is nobody.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import logging
import os
import secrets
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from sitrep import config
from sitrep.access import audit, auth, sessions
from sitrep.access import mode as access
from sitrep.briefing import links
from sitrep.i18n import t
from sitrep.store import REPO, store_dir

log = logging.getLogger("sitrep")

COOKIE = sessions.COOKIE
FORM_COOKIE = "sitrep_form"          # the sign-in form's anti-forgery cookie
SIGNIN = "/signin"
SIGNOUT = "/signout"
PUBLIC = ("/_stcore/health",)
# Streamlit's own frontend bundle (the same files in every installation, no data): an open tab
# whose session has just ended still loads what it needs to say "sign in again".
PUBLIC_ASSETS = "/static/"
OFF = ("/_stcore/metrics",)          # Streamlit's metrics: nothing for anyone
LANG_PARAM = {"中文": "zh", "English": "en"}
_TEMPLATE = Template(Path(__file__).with_name("signin.html").read_text(encoding="utf-8"))
_HEADERS = {
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}


# -- the sign-in page ------------------------------------------------------------------------

def safe_next(value: str | None) -> str:
    """A path on this site to go to after signing in (the deep link with its query), else "/"."""
    if not value or len(value) > 2000 or any(ord(c) < 32 for c in value) or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    if parts.path == SIGNIN:
        return "/"
    return value


def lang_of(next_path: str) -> str:
    """The language asked for in the deep link (`lang=English`), else Chinese."""
    for key, value in parse_qsl(urlsplit(next_path).query):
        if key == "lang" and value in LANG_PARAM:
            return LANG_PARAM[value]
    return "zh"


def _with_lang(next_path: str, lang: str) -> str:
    parts = urlsplit(next_path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    query.append(("lang", "English" if lang == "en" else "中文"))
    return parts.path + "?" + urlencode(query)


def _form_token(form_cookie: str) -> str:
    return hmac.new(sessions.secret(), b"signin\0" + form_cookie.encode(), hashlib.sha256).hexdigest()


def signin_page(next_path: str, *, message: str | None = None, info: bool = False, name: str = "",
                form_cookie: str | None = None, status: int = 200, clear_session: bool = False,
                secure: bool = False):
    """Our sign-in page (HTML), with a fresh anti-forgery cookie when there is none."""
    from starlette.responses import HTMLResponse

    lang = lang_of(next_path)
    form_cookie = form_cookie or secrets.token_urlsafe(24)
    esc = html.escape
    body = _TEMPLATE.substitute(
        html_lang="zh-CN" if lang == "zh" else "en", title=esc(t("auth.title", lang)),
        app=esc(t("auth.app", lang)), next=esc(next_path), csrf=esc(_form_token(form_cookie)),
        user_label=esc(t("auth.user", lang)), password_label=esc(t("auth.password", lang)),
        sign_in=esc(t("auth.sign_in", lang)), hint=esc(t("auth.hint", lang)),
        message=(f'<p class="message{" info" if info else ""}" role="alert">{esc(message)}</p>'
                 if message else ""),
        # after a failed attempt the typed name stays (a phone user need not type it again) and
        # the cursor waits in the password field; the same for every name, known or not
        name_value=esc(name), autofocus_name="" if name else "autofocus",
        autofocus_password="autofocus" if name else "",
        other_lang=esc(t("auth.other_lang", lang)),
        other_lang_href=esc(_with_lang(next_path, "en" if lang == "zh" else "zh")))
    response = HTMLResponse(body, status_code=status, headers=_HEADERS)
    response.set_cookie(FORM_COOKIE, form_cookie, max_age=86400, path=SIGNIN, httponly=True,
                        samesite="strict", secure=secure)
    if clear_session:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
    return response


def closed_page(lang: str = "zh", status: int = 503):
    from starlette.responses import HTMLResponse

    text = html.escape(t("auth.closed", lang))
    body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{html.escape(t("auth.app", lang))}</title>'
            f'</head><body style="font-family: system-ui, sans-serif; max-width: 30rem; margin: 15vh auto; '
            f'padding: 0 1rem; line-height: 1.6"><p>{text}</p></body></html>')
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _bounce():
    """A page that loads itself again. A link from another site (a chat, a mail) does not carry
    a SameSite=Strict cookie; the same URL opened by our own page does."""
    from starlette.responses import HTMLResponse

    return HTMLResponse('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0">',
                        headers=_HEADERS)


def locked_text(until: float, lang: str) -> str:
    """The lock-out message, in the compound's time zone (not the server's clock)."""
    local = datetime.fromtimestamp(until, ZoneInfo(config.TIMEZONE))
    return t("auth.locked", lang, until=local.strftime("%H:%M"))


def _secure(scope) -> bool:
    return scope.get("scheme") in ("https", "wss") or os.environ.get("SITREP_SECURE_COOKIES") == "1"


def _same_origin(request) -> bool:
    """Fetch metadata and Origin, when the browser sends them, must say this site itself."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        return urlsplit(origin).netloc == request.headers.get("host", "")
    return True


async def signin(request):
    """GET: the form. POST: check it and sign in, or show the form again with the reason."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    secure = _secure(request.scope)
    mode = access.current()
    if mode.kind == "open":
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if mode.kind == "closed":
        _log_closed(mode.reason)
        return closed_page()
    form_cookie = request.cookies.get(FORM_COOKIE)
    if request.method != "POST":
        next_path = safe_next(request.query_params.get("next"))
        signed_out = request.query_params.get("signed_out") == "1"
        return signin_page(next_path, form_cookie=form_cookie, secure=secure, info=True,
                           message=t("auth.signed_out", lang_of(next_path)) if signed_out else None)
    body = await _read_body(request, limit=8192)
    form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8) if body is not None else {}
    next_path = safe_next((form.get("next") or ["/"])[0])
    lang = lang_of(next_path)
    token = (form.get("csrf") or [""])[0]
    if (body is None or not form_cookie or not _same_origin(request)
            or not hmac.compare_digest(token, _form_token(form_cookie))):
        return signin_page(next_path, message=t("auth.form_expired", lang), status=403, secure=secure)
    name = (form.get("name") or [""])[0].strip()[:64]
    password = (form.get("password") or [""])[0][:256]
    try:
        login = await run_in_threadpool(auth.authenticate, name, password)
    except auth.UsersFileError as err:
        _log_closed(str(err))
        return signin_page(next_path, message=t("auth.unavailable", lang), form_cookie=form_cookie,
                           status=503, secure=secure)
    if not login.ok:
        await run_in_threadpool(audit.record, "login_failed", auth.audit_name(name), login.reason)
        message = locked_text(login.locked_until, lang) if login.reason == "locked" else t("auth.bad", lang)
        return signin_page(next_path, message=message, form_cookie=form_cookie, status=401, secure=secure,
                           name=name)
    token = await run_in_threadpool(sessions.create, name, login.role, login.stamp)
    await run_in_threadpool(audit.record, "login", name, "ok")
    response = RedirectResponse(next_path, status_code=303, headers={"cache-control": "no-store"})
    response.set_cookie(COOKIE, token, max_age=int(sessions.lifetimes().max_s), path="/",
                        httponly=True, samesite="strict", secure=secure)
    response.delete_cookie(FORM_COOKIE, path=SIGNIN, httponly=True, samesite="strict", secure=secure)
    return response


async def signout(request):
    """The log-out form (in the sidebar): end the session on the server, drop the cookie, back
    to the sign-in page. A request without the session's own token changes nothing."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    secure = _secure(request.scope)
    body = await _read_body(request, limit=4096)
    form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4) if body is not None else {}
    mode = access.current()
    token = request.cookies.get(COOKIE)
    found = (await run_in_threadpool(sessions.lookup, token, mode.users)
             if mode.kind == "users" and token else None)
    if found is None or not _same_origin(request) or not hmac.compare_digest(
            (form.get("csrf") or [""])[0], await run_in_threadpool(sessions.signout_token, found)):
        return RedirectResponse("/", status_code=303)
    await run_in_threadpool(sessions.revoke, token)
    await run_in_threadpool(audit.record, "logout", found.user)
    response = RedirectResponse(f"{SIGNIN}?signed_out=1", status_code=303, headers={"cache-control": "no-store"})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
    return response


async def _read_body(request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than `limit` (a sign-in is a few fields)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


_closed_logged: set[str] = set()


def _log_closed(reason: str) -> None:
    if reason not in _closed_logged:
        _closed_logged.add(reason)
        log.error("sitrep serves nobody: %s", reason)


# -- the gate ---------------------------------------------------------------------------------

def _cookies(scope) -> dict[str, str]:
    from starlette.requests import cookie_parser

    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class Gate:
    """Nothing of Streamlit's for anyone without a live session (see the module docstring)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import PlainTextResponse

        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path in OFF:
            return await PlainTextResponse("not found", 404)(scope, receive, send)
        if path in PUBLIC or path in (SIGNIN, SIGNOUT) or (
                path.startswith(PUBLIC_ASSETS) and scope.get("method") in ("GET", "HEAD")):
            return await self.app(scope, receive, send)
        if scope["type"] == "http" and links.is_link(path):
            # the briefing's links decide for themselves: a session or a share token
            # (sitrep/briefing/links.py); the token is read there and nowhere else
            return await self.app(scope, receive, send)
        mode = await run_in_threadpool(access.current)
        if mode.kind == "open":
            return await self.app(scope, receive, send)
        if mode.kind == "users":
            token = _cookies(scope).get(COOKIE)
            found = await run_in_threadpool(sessions.lookup, token, mode.users) if token else None
            if found is not None:
                return await self.app(scope, receive, send)
        else:
            _log_closed(mode.reason)
            token = None
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        is_page = (scope["method"] in ("GET", "HEAD")
                   and ("text/html" in (_header(scope, b"accept") or "")
                        or _header(scope, b"sec-fetch-mode") == "navigate"))
        if not is_page:
            return await PlainTextResponse("sign in first", 403)(scope, receive, send)
        if mode.kind == "closed":
            return await closed_page()(scope, receive, send)
        if token is None and _header(scope, b"sec-fetch-site") in ("cross-site", "same-site"):
            return await _bounce()(scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        next_path = safe_next(path + ("?" + query if query else ""))
        lang = lang_of(next_path)
        response = signin_page(next_path, message=t("auth.expired", lang) if token else None, info=True,
                               form_cookie=_cookies(scope).get(FORM_COOKIE), clear_session=bool(token),
                               secure=_secure(scope))
        return await response(scope, receive, send)


def build(schedule: bool = False):
    """The ASGI app: Streamlit's, behind the gate, with our sign-in route and the briefing's
    links; with `schedule`, the daily briefing is made at each compound's time (its lifespan)."""
    import contextlib

    if os.environ.get(PLOTLY_ENV, "").lower() in ("off", "0", "no") and os.environ.get(FLOOR_ENV) != "1":
        # `import streamlit` imports Plotly whenever it is installed, only to set Plotly's theme
        # (~0.2-0.4 s of the start, before the server answers). No page draws Plotly (ECharts
        # since issue 13): a server that never serves the bench's floor page need not load it.
        sys.modules.setdefault("plotly", None)
    import streamlit as st
    from starlette.middleware import Middleware
    from starlette.routing import Route
    from streamlit.runtime.pages_manager import PagesManager

    # Streamlit's old multipage mode (a pages/ folder beside the main script) would run a page
    # file alone on a process's first request, listing every file in the sidebar, and leave
    # /overview unknown afterwards. dashboard.py registers its pages with st.navigation: turn
    # that mode off before the first session is made.
    PagesManager.uses_pages_directory = False

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        from sitrep.briefing.schedule import Schedule

        if os.environ.get(WARM_UP_ENV, "").lower() not in ("off", "0", "no"):
            threading.Thread(target=warm_up, name="sitrep-warm-up", daemon=True).start()
        made = Schedule() if schedule else None
        if made is not None:
            made.start()
        try:
            yield None
        finally:
            if made is not None:
                made.stop()

    return st.App(str(REPO / "dashboard.py"),
                  routes=[Route(SIGNIN, signin, methods=["GET", "POST"]), Route(SIGNOUT, signout, methods=["POST"]),
                          *links.routes()],
                  middleware=[Middleware(Gate)], lifespan=lifespan)


WARM_UP_ENV = "SITREP_WARM_UP"    # "off": no warm-up (the test that proves it changes nothing)
PLOTLY_ENV = "SITREP_PLOTLY"      # "off": Streamlit's import does not load Plotly (the export's dashboard)
FLOOR_ENV = "SITREP_BENCH_FLOOR"  # sitrep.ops.floor.ENV (importing it imports Streamlit): its page draws Plotly


def warm_up() -> None:
    """What a fresh server's first page view would otherwise do in its own script run, done as
    soon as the server listens (the runtime is up), while the first browser still loads
    Streamlit's scripts: import the app's modules (pandas and pyarrow, DuckDB: ~0.5 s), the
    start-up housekeeping and the shared query rules (`ui.at_start_up`, once per process in any
    case; a page that asks meanwhile waits for it, Streamlit's cache lock), and Streamlit's own
    first-call costs (its emoji table, read by `set_page_config`; its once-per-process check
    whether it runs in a REPL, a walk of the calling stack, cheap from this shallow thread).
    Measured on the briefing export's fresh dashboard: ~1 s of its first run (BENCHMARKS.md,
    issue 13). It shows nothing and decides nothing: a failure is logged, and the first page
    view does the work itself as before."""
    try:
        import streamlit.emojis  # noqa: F401
        from streamlit import delta_generator

        from sitrep.app import briefing_text, cards, district_text, filters, nav, session, ui  # noqa: F401
        from sitrep.app.figures import briefing, charts  # noqa: F401

        ui.at_start_up()
        getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
    except Exception:  # noqa: BLE001 - only a head start: the page does it again and says why
        log.warning("start-up warm-up failed", exc_info=True)


# -- python -m sitrep serve -------------------------------------------------------------------

def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def start_line(mode: access.Mode, url: str) -> str:
    """The one line that says who may use the dashboard."""
    where = store_dir(None).parent
    if mode.kind == "open":
        return (f"sitrep: OPEN demo at {url}: no sign-in, personal data masked, imports previewed only "
                f"(the store {where} holds only the generated demo)")
    life = sessions.lifetimes()
    return (f"sitrep: sign-in required at {url}: {len(mode.users)} users in {auth.users_path()}; "
            f"a session ends after {_span(life.idle_s)} idle or {_span(life.max_s)}; store {where}")


def check(open_requested: bool) -> tuple[access.Mode | None, str]:
    """Whether to start: (mode, line to print); mode None = refuse, and the line says why."""
    os.environ.pop(access.OPEN_ENV, None)
    if open_requested:
        os.environ[access.OPEN_ENV] = "1"
    try:
        sessions.lifetimes()
    except ValueError as err:
        return None, f"sitrep: refusing to start: {err}"
    if auth.users_path_is_explicit() and not auth.users_path().exists():
        return None, (f"sitrep: refusing to start: SITREP_USERS names {auth.users_path()}, which does "
                      "not exist (a typo? create it with `python -m sitrep user add NAME --role commander`)")
    mode = access.current()
    if mode.kind == "closed":
        return None, f"sitrep: refusing to start: {mode.reason}"
    if mode.kind == "users" and not mode.users:
        return None, (f"sitrep: refusing to start: {auth.users_path()} has no users (add one with "
                      "`python -m sitrep user add NAME --role commander`)")
    return mode, ""


def serve(*, port: int, address: str, open_requested: bool, file_watcher: bool = True,
          schedule: bool = True) -> int:
    mode, problem = check(open_requested)
    if mode is None:
        print(problem, file=sys.stderr)
        return 2
    host = "localhost" if address in ("", "0.0.0.0", "::") else address
    print(start_line(mode, f"http://{host}:{port}"), flush=True)
    from sitrep.briefing import schedule as briefings

    # The open demo makes no briefing unless asked (SITREP_SCHEDULE=on): its data is made up and
    # ends in March 2020, nobody receives it, and `make run` on a laptop should not start a
    # second dashboard and Chromium per compound at start-up for the catch-up.
    demo_quiet = mode.kind == "open" and not briefings.requested()
    schedule = schedule and briefings.enabled() and not demo_quiet
    print(f"sitrep: daily briefing at each compound's briefing time (default {config.BRIEFING_TIME} "
          f"{config.TIMEZONE}) into {briefings.briefings_dir()}" if schedule else
          "sitrep: no daily briefing (the open demo; SITREP_SCHEDULE=on to make one)" if demo_quiet else
          "sitrep: no daily briefing (SITREP_SCHEDULE=off or --no-schedule)", flush=True)
    app = build(schedule)
    # App.run takes sys.argv[0] as the script it serves: dashboard.py, so Streamlit reads the
    # repository's .streamlit/config.toml wherever the command is started from.
    sys.argv = [str(REPO / "dashboard.py")]
    overrides = {"server.port": port, "server.address": address, "server.headless": True}
    if not file_watcher:
        overrides["server.fileWatcherType"] = "none"
    started = time.monotonic()
    app.run(config=overrides)
    log.info("sitrep served for %.0f s", time.monotonic() - started)
    return 0
