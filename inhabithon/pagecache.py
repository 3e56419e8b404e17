"""A short-lived cache of public pages, as visitors who are not logged in see them.

The weekend rush is mostly people who are not logged in reading the same few
pages (the event, a challenge, an idea). Rendering such a page costs 5 to 15 ms
of CPU; serving it again from memory costs a tenth of that. So each app server
keeps the pages it rendered for visitors for ``PAGE_CACHE_SECONDS`` (default 5 in
production, 0 = off elsewhere), at most ``PAGE_CACHE_ENTRIES`` of them.

What it promises:

- Only visitors who are not logged in get a cached page; anyone logged in, and
  any request that carries a flashed message, gets a fresh render. So nobody ever
  sees someone else's page, and a cached page cannot name anyone it would not
  name to every visitor (it was rendered for a visitor).
- A page is cached per scheme, host, path with query string and interface
  language, and only if it answered 200 with HTML (or the API's JSON, which
  tells shared caches to keep it for a minute anyway) and set no cookie of its own.
- The page's forms carry the CSRF token of the visitor who asked, not of the
  visitor it was rendered for: the token is cut out when the page is stored and
  the asker's is put back in when it is served.
- A visitor may see a page up to ``PAGE_CACHE_SECONDS`` old (a vote count, a
  comment, an idea just hidden by a moderator); logged-in residents, guides,
  jurors and officials always see the live page.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

EXTENSION = "inhabithon_page_cache"
# Cut in where the CSRF token was; random per process, so no content can contain it.
TOKEN_MARK = f"csrf-{secrets.token_hex(16)}".encode()
# Headers of the view's own response that are not replayed: they are the server's
# to set for each answer (length) or would make the page personal (cookies).
_NOT_REPLAYED = frozenset({"content-length", "set-cookie"})
CACHED_TYPES = frozenset({"text/html", "application/json"})  # pages and the open-data API

P = ParamSpec("P")


@dataclass(frozen=True)
class Entry:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    expires: float
    has_token: bool


class PageCache:
    """Rendered pages by key, dropped after ``seconds`` or when there are too many."""

    def __init__(self, seconds: float, max_entries: int) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn may run several threads per worker

    def get(self, key: tuple[str, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, ...], entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if seconds > 0:
        app.extensions[EXTENSION] = PageCache(seconds, int(app.config["PAGE_CACHE_ENTRIES"]))


def _cache() -> PageCache | None:
    """The app's cache when this request may use it: a visitor's plain GET."""
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or request.method not in ("GET", "HEAD"):
        return None
    if "_flashes" in session or current_user.is_authenticated:
        return None
    return cache


def _key() -> tuple[str, ...]:
    return (request.scheme, request.host, request.full_path, str(get_locale()))


def _serve(entry: Entry) -> Response:
    body = entry.body
    if entry.has_token:
        body = body.replace(TOKEN_MARK, generate_csrf().encode())
    response = current_app.response_class(body, status=200)
    response.headers.clear()
    response.headers.extend(entry.headers)
    response.headers["X-Page-Cache"] = "hit"
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
    return Entry(body, headers, time.monotonic() + seconds, has_token)


def for_visitors(view: Callable[P, Any]) -> Callable[P, Any]:
    """Serve this public page from the cache to visitors who are not logged in."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        cache = _cache()
        if cache is None:
            return view(*args, **kwargs)
        key = _key()
        entry = cache.get(key)
        if entry is not None:
            return _serve(entry)
        session_keys = set(session.keys())
        response = make_response(view(*args, **kwargs))
        fresh = _entry(response, session_keys, cache.seconds)
        if fresh is not None:
            cache.put(key, fresh)
            response.headers["X-Page-Cache"] = "miss"
        return response

    return wrapper
