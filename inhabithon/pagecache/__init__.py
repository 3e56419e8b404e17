"""A short-lived cache of public pages, shared by every visitor and by every resident.

The weekend rush is mostly people reading the same few pages (the event, a
challenge, an idea): visitors who are not logged in, and residents who logged
in to vote. Rendering such a page costs 5 to 40 ms of CPU; serving it again
from memory costs a tenth of that. So each app server keeps the pages it
rendered for ``PAGE_CACHE_SECONDS`` (default 5 in production, 0 = off
elsewhere), at most ``PAGE_CACHE_ENTRIES`` of them, in two copies:

- **every visitor's**: the page as a visitor who is not logged in sees it;
- **every resident's**: the page as a resident sees it, rendered for nobody in
  particular (``personal.SHARED_RESIDENT``), with the parts that differ from one
  resident to the next (the notifications badge, follow buttons, the vote box,
  one's own comments' buttons ...) left as markers and filled in for each
  reader when it is served (``inhabithon/pagecache/personal.py``).

What it promises:

- Nobody ever sees someone else's page. A visitor's copy was rendered for a
  visitor; a resident's copy for a resident without identity, which cannot
  show anything personal: it refuses to say who it is, and a page that asks
  is rendered for its reader instead. The personal parts are filled for the
  reader at every request, from the database.
- Guides, jurors, officials and admins (anyone with a role beyond resident)
  always get the page rendered for them: they see more than residents do.
- Anyone who wrote something (any successful POST) sees the live page for
  ``own_writes_seconds`` afterwards (20 s in production), so their own vote,
  comment or idea is there at once; so does a request that carries a flashed
  message.
- A page is kept per scheme, host, path with query string, interface language
  and copy (visitor or resident), and only if it answered 200 with HTML (or the
  API's JSON, which tells shared caches to keep it for a minute anyway) and set
  no cookie of its own.
- The page's forms carry the CSRF token of whoever asked, not of whoever it was
  rendered for: the token is cut out when the page is kept and the asker's is
  put back in when it is served.
- Others' changes (a vote count, a comment, an idea just hidden by a moderator)
  may take up to ``PAGE_CACHE_SECONDS`` to show (twice that with Redis).

With ``REDIS_URL`` set (several app servers), the servers also share the pages
they rendered through Redis: a page is rendered once per ``PAGE_CACHE_SECONDS``
for them all instead of once per worker process, and while one worker renders a
page that has just expired, the others serve their copy of it (at most twice
``PAGE_CACHE_SECONDS`` old) instead of rendering it too. Each worker still keeps
the pages in its own memory, so Redis is asked at most once per page and period.
If Redis does not answer, each worker goes on with its own memory alone.

Busy pages are rendered again before they expire by ``flask pages refresh
--loop`` (``refresh.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from redis import Redis
from werkzeug.exceptions import HTTPException

from inhabithon.db import db
from inhabithon.pagecache import personal
from inhabithon.pagecache.store import TOKEN_MARK, Entry, Key, PageCache, SharedPages
from inhabithon.permissions import shares_residents_pages

__all__ = ["EXTENSION", "REFRESH", "Entry", "PageCache", "SharedPages", "init_app", "shared_page"]

EXTENSION = "inhabithon_page_cache"
# Set in the WSGI environ of the refresher's own requests (no HTTP header can set it):
# which copy to render, VISITOR or RESIDENT.
REFRESH = "inhabithon.page_refresh"
VISITOR, RESIDENT = "visitor", "resident"
WROTE_AT = "_wrote"  # in the session: when the user's last write was (Unix seconds)
# Headers of the view's own response that are not replayed: they are the server's
# to set for each answer (length) or would make the page personal (cookies).
_NOT_REPLAYED = frozenset({"content-length", "set-cookie"})
CACHED_TYPES = frozenset({"text/html", "application/json"})  # pages and the open-data API

P = ParamSpec("P")


def init_app(app: Flask) -> None:
    """The personal parts are filled in for every page; the cache itself only
    with ``PAGE_CACHE_SECONDS`` above 0. Called after the transaction hooks, so
    that (hooks running last-registered first) parts are filled before the commit."""

    @app.after_request
    def _fill_personal_parts(response: Response) -> Response:
        return personal.fill_response(response)

    app.jinja_env.globals["personal"] = personal.personal
    seconds = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return

    @app.after_request
    def _remember_writes(response: Response) -> Response:
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and current_user.is_authenticated
        ):
            session[WROTE_AT] = int(time.time())
        return response

    shared = None
    if app.config.get("REDIS_URL") and app.config.get("PAGE_CACHE_SHARED", True):
        client = Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
        shared = SharedPages(client, app.config["RATELIMIT_KEY_PREFIX"], seconds)
    app.extensions[EXTENSION] = PageCache(seconds, int(app.config["PAGE_CACHE_ENTRIES"]), shared)


def _copy(cache: PageCache) -> str | None:
    """Which kept copy this request may be served: every visitor's, every
    resident's, or none (the page is rendered for this reader alone)."""
    if request.method not in ("GET", "HEAD") or "_flashes" in session:
        return None
    if not current_user.is_authenticated:
        return VISITOR
    if not shares_residents_pages(current_user):
        return None
    wrote = session.get(WROTE_AT)
    if isinstance(wrote, int) and time.time() - wrote < own_writes_seconds(cache):
        return None
    return RESIDENT


def own_writes_seconds(cache: PageCache) -> float:
    """How long after a write its writer gets live pages: a copy rendered just
    before it may be served for two periods (kept, then stale while another worker
    renders it anew), and the render of a copy may have begun before the write."""
    return 2 * cache.seconds + SharedPages.RENDER_SECONDS


def _key(copy: str) -> Key:
    return (request.scheme, request.host, request.full_path, str(get_locale()), copy)


def _serve(entry: Entry, how: str = "hit") -> Response:
    body = entry.body
    if entry.has_token:
        body = body.replace(entry.mark, generate_csrf().encode())
    if entry.parts:
        personal.expect(entry.part_mark, entry.parts)  # filled in for this reader at the end
    response = current_app.response_class(body, status=200)
    response.headers.clear()
    response.headers.extend(entry.headers)
    response.headers["X-Page-Cache"] = how
    if "ETag" in response.headers:
        response.make_conditional(request)  # the API's revalidation: 304 when still current
    return response


def _entry(response: Response, session_keys: set[str], seconds: float) -> Entry | None:
    """What to keep of a fresh render, or None if it must not be shared."""
    if (
        response.status_code != 200
        or response.mimetype not in CACHED_TYPES
        or response.direct_passthrough
        or response.is_streamed
        or "Set-Cookie" in response.headers
        or "no-store" in response.headers.get("Cache-Control", "")
        or set(session.keys()) - session_keys - {"csrf_token"}  # the view remembered something
    ):
        return None
    body = response.get_data()
    token = g.get("csrf_token")
    has_token = bool(token) and token.encode() in body
    if has_token:
        body = body.replace(token.encode(), TOKEN_MARK)
    headers = tuple(
        (name, value) for name, value in response.headers if name.lower() not in _NOT_REPLAYED
    )
    recorded = personal.recorded()
    parts = tuple(recorded.parts) if recorded is not None else ()
    return Entry(body, headers, time.monotonic() + seconds, has_token, parts=parts)


def shared_page(view: Callable[P, Any]) -> Callable[P, Any]:
    """Serve this public page from the copies kept for every visitor and every resident."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        db.reads_only()  # a public page writes nothing: served to most from memory
        cache: PageCache | None = current_app.extensions.get(EXTENSION)
        if cache is None:
            return view(*args, **kwargs)
        refresh = request.environ.get(REFRESH)
        copy = refresh if refresh in (VISITOR, RESIDENT) else _copy(cache)
        if copy is None:
            return view(*args, **kwargs)
        key = _key(copy)
        if refresh and cache.shared is not None:
            if not cache.shared.claim(key):  # a worker is rendering it right now
                return current_app.response_class(status=204)
            return _render(view, args, kwargs, cache, key, claimed=True)
        entry = cache.get(key)
        if entry is not None:
            return _serve(entry)
        shared = cache.shared
        claimed = False
        if shared is not None:
            entry = shared.get(key)
            if entry is not None:  # another worker or server rendered it
                cache.put(key, entry)
                return _serve(entry, "shared")
            claimed = shared.claim(key)
            if not claimed:  # another worker is rendering it right now
                entry = cache.stale(key)
                if entry is not None:
                    return _serve(entry, "stale")
        return _render(view, args, kwargs, cache, key, claimed)

    return wrapper


def _render(
    view: Callable[..., Any],
    args: Any,
    kwargs: Any,
    cache: PageCache,
    key: Key,
    claimed: bool,
) -> Response:
    """Render the page for every visitor or every resident and keep it, here and
    in Redis, if it may be shared; else answer with the page rendered for its reader."""
    shared = cache.shared
    copy = key[-1]
    try:
        session_keys = set(session.keys())
        if copy == RESIDENT:
            response = _render_for_every_resident(view, args, kwargs)
        else:
            response = make_response(view(*args, **kwargs))
            # Every visitor sees the same parts: kept filled in, nothing left per request.
            personal.fill_response(response)
        fresh = _entry(response, session_keys, cache.seconds) if response is not None else None
    except BaseException:
        if claimed and shared is not None:
            shared.release(key)
        raise
    if fresh is not None and response is not None:
        cache.put(key, fresh)
        if shared is not None:
            shared.put(key, fresh)  # and lets go of the claim
        response.headers["X-Page-Cache"] = "miss"
        return response
    if claimed and shared is not None:
        shared.release(key)
    if response is None or copy == RESIDENT:  # not every resident's page: the reader's own
        return make_response(view(*args, **kwargs))
    return response


def _render_for_every_resident(view: Callable[..., Any], args: Any, kwargs: Any) -> Response | None:
    """The page as every resident sees it, or None if it depends on who reads
    it (it asked, or it is not there for every resident: the owner's pending idea)."""
    with personal.rendered_for(personal.SHARED_RESIDENT):
        try:
            return make_response(view(*args, **kwargs))
        except (personal.PersonalData, HTTPException):
            return None
