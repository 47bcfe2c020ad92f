"""The briefing's stable links, a route of our own in front of Streamlit:

    /briefing/<compound-id>/latest.png | latest.pdf | YYYY-MM-DD.png | YYYY-MM-DD.pdf
    /briefing/latest.png … (the same, for a store of one compound)
    /briefing/district/latest.png … (the district's briefing, a store of several compounds)

The compound is a path segment, not a query parameter: the link names a file (a chat shows it
as one, a proxy caches by path), the id is a hash (the link does not spell the compound's name),
and a share token is bound to one compound, so changing the id in a link reaches nothing. A
date is the as-of day the briefing is for (schedule.py's folder); `latest` is the newest made.

Served to a signed-in session whose role may open the briefing page, to anyone in the open
demo, or to the holder of a share token (`?token=`, sitrep/access/shares.py) for that compound (or for the district: `share add NAME --district`; a compound's token never
opens the district's images, nor the district's a compound's).
The gate (server.Gate) lets only these paths through to this handler; a token is read here and
nowhere else, so it opens no page, websocket or Streamlit endpoint. Every fetch, refused ones
too, is recorded in the audit trail.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sitrep.briefing import schedule

PATH = re.compile(r"^/briefing/(?:(?P<key>[0-9a-f]{16}|district)/)?"
                  r"(?P<day>latest|\d{4}-\d{2}-\d{2})\.(?P<ext>png|pdf)$")
_MIME = {"png": "image/png", "pdf": "application/pdf"}
_HEADERS = {"cache-control": "private, no-store", "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer"}


def is_link(path: str) -> bool:
    return PATH.match(path) is not None


def routes() -> list:
    """Starlette routes for exactly the paths PATH matches (so /briefing/anything-else still
    reaches Streamlit), with convertors of our own."""
    from starlette.convertors import Convertor, register_url_convertor
    from starlette.routing import Route

    def convertor(name: str, pattern: str) -> None:
        register_url_convertor(name, type(name, (Convertor,), {
            "regex": pattern, "convert": lambda self, v: v, "to_string": lambda self, v: v})())

    convertor("sitrep_compound", "[0-9a-f]{16}|district")
    convertor("sitrep_day", r"latest|\d{4}-\d{2}-\d{2}")
    convertor("sitrep_ext", "png|pdf")
    tail = "{day:sitrep_day}.{ext:sitrep_ext}"
    return [Route(f"/briefing/{tail}", serve, methods=["GET", "HEAD"]),
            Route(f"/briefing/{{key:sitrep_compound}}/{tail}", serve, methods=["GET", "HEAD"])]


def latest(compound_folder: Path) -> Path | None:
    """The newest day's folder with a made briefing."""
    try:
        days = sorted((p for p in compound_folder.iterdir() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name)),
                      reverse=True)
    except FileNotFoundError:
        return None
    return next((d for d in days if (d / schedule.PNG).exists()), None)


def resolve(key: str | None, day: str, ext: str, store=None) -> Path | None:
    """The file a link names, or None."""
    from sitrep import store as store_mod

    if key is None:
        names = store_mod.compound_names(store)
        if len(names) != 1:
            return None
        key = store_mod.compound_id(names[0])
    base = schedule.briefings_dir(store) / key
    if day == "latest":
        found = latest(base)
    else:
        try:
            date.fromisoformat(day)
        except ValueError:
            return None
        found = base / day
    path = found / (schedule.PNG if ext == "png" else schedule.PDF) if found else None
    return path if path is not None and path.is_file() else None


def _who(scope) -> tuple[str | None, bool, str]:
    """(who, may fetch, why not) for a request without a token: a session or the open demo."""
    from sitrep.access import auth, sessions
    from sitrep.access import mode as access
    from sitrep.app.server import COOKIE, _cookies

    mode = access.current()
    if mode.kind == "open":
        return "demo", True, ""
    if mode.kind == "users":
        token = _cookies(scope).get(COOKIE)
        found = sessions.lookup(token, mode.users) if token else None
        if found is not None:
            role = auth.ROLES.get(found.role)
            if role is not None and "briefing" in role.pages:
                return found.user, True, ""
            return found.user, False, f"role {found.role}"
    return None, False, "no session"


def fetch(request_path: str, query_token: str | None, scope, store=None):
    """(status, path or None, who, why) for one request; audited by the caller."""
    from sitrep.access import shares

    match = PATH.match(request_path)
    if match is None:
        return 404, None, None, "not a briefing link"
    key, day, ext = match["key"], match["day"], match["ext"]
    if query_token is not None:
        share, why = shares.check(query_token)
        if share is None:
            return 403, None, None, f"token {why}"
        who = f"share:{share.name}"
        if key is not None and key != share.compound_id:
            return 403, None, who, "another compound"
        key = share.compound_id
    else:
        who, allowed, why = _who(scope)
        if not allowed:
            return 403, None, who, why
    path = resolve(key, day, ext, store)
    if path is None:
        return 404, None, who, "no such briefing"
    return 200, path, who, "ok"


async def serve(request):
    """The route: the file, or 403 / 404 with a plain word; audited either way."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, PlainTextResponse

    from sitrep.access import audit

    token = request.query_params.get("token")
    status, path, who, why = await run_in_threadpool(fetch, request.url.path, token, request.scope)
    day = PATH.match(request.url.path)
    filters = {"link": request.url.path, **({"day": day["day"]} if day else {})}
    await run_in_threadpool(audit.record, "briefing_fetch", who or "anonymous",
                            f"{status} {why}" + (f" {path.parent.name}/{path.name}" if path else ""),
                            filters)
    if status != 200:
        text = {403: "forbidden", 404: "not found"}[status]
        return PlainTextResponse(text, status, headers=_HEADERS)
    ext = path.suffix.lstrip(".")
    name = f"briefing-{path.parent.name}.{ext}"
    return FileResponse(path, media_type=_MIME[ext], headers={
        **_HEADERS, "content-disposition": f'inline; filename="{name}"'})
