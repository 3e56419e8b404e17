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

With ``REDIS_URL`` set (several app servers), the servers also share the pages
they rendered through Redis: a page is rendered once per ``PAGE_CACHE_SECONDS``
for them all instead of once per worker process, and while one worker renders a
page that has just expired, the others serve their copy of it (at most twice
``PAGE_CACHE_SECONDS`` old) instead of rendering it too. Each worker still keeps
the pages in its own memory, so Redis is asked at most once per page and period.
If Redis does not answer, each worker goes on with its own memory alone.

Busy pages are rendered again before they expire by ``flask pages refresh
--loop`` (one process beside the app servers; more are harmless), so that no
visitor waits for a render of a page that many are reading: a render under
load takes 100 ms to a second, and everyone queued behind it on that worker
waits as long (the cached pages' p99, bench/RESULTS.md run 9). A page counts
as busy when a worker took it from Redis (a copy another worker rendered)
within the last ``PAGE_CACHE_SECONDS``; one asked for once is never rendered
again, so a flood of distinct addresses costs no extra render.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

import click
from flask import Flask, Response, current_app, g, make_response, request, session
from flask.cli import AppGroup
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from redis import Redis, RedisError

log = logging.getLogger(__name__)

EXTENSION = "inhabithon_page_cache"
# Set in the WSGI environ of the refresher's own requests (no HTTP header can set it).
REFRESH = "inhabithon.page_refresh"
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
    mark: bytes = TOKEN_MARK  # what stands for the token (another process's, from Redis)


class PageCache:
    """Rendered pages by key, dropped after ``seconds`` or when there are too many.

    With ``shared`` (Redis), an expired page is kept ``seconds`` longer, to be
    served while another worker renders it anew (``stale``)."""

    def __init__(self, seconds: float, max_entries: int, shared: SharedPages | None = None) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.shared = shared
        self._grace = seconds if shared is not None else 0.0
        self._entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn may run several threads per worker

    def get(self, key: tuple[str, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            now = time.monotonic()
            if entry.expires <= now:
                if entry.expires + self._grace <= now:
                    del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def stale(self, key: tuple[str, ...]) -> Entry | None:
        """An expired copy of the page still within its grace period, if any."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires + self._grace <= time.monotonic():
                return None
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


class SharedPages:
    """The pages every app server rendered, in Redis for ``seconds``.

    A page is stored as one value: a line of JSON (its headers) and the body. A
    worker about to render a page that is missing first claims it (a key that
    lives while a render may take), so that the others serve their expired copy
    rather than render the same page at the same moment."""

    RENDER_SECONDS = 10  # a claim is dropped after this long even if its worker died

    def __init__(self, client: Redis, prefix: str, seconds: float) -> None:
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.millis = max(1, int(seconds * 1000))
        self.asked = f"{prefix}:page-asked"  # sorted set: page key -> when a worker last took it
        self._warned = False

    def _name(self, key: tuple[str, ...]) -> str:
        digest = hashlib.sha256("\x1f".join(key).encode()).hexdigest()
        return f"{self.prefix}:page:{digest}"

    def _failed(self, exc: RedisError) -> None:
        if not self._warned:  # once per worker: the log is not flooded while Redis is away
            log.warning("Page cache: Redis does not answer (%s); using memory only", exc)
            self._warned = True

    def get(self, key: tuple[str, ...]) -> Entry | None:
        name = self._name(key)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.get(name)
                pipe.pttl(name)
                data, millis = pipe.execute()
        except RedisError as exc:
            self._failed(exc)
            return None
        if data is None or millis is None or millis <= 0:
            return None
        meta, _, body = bytes(data).partition(b"\n")
        try:
            about = json.loads(meta)
            entry = Entry(
                body,
                tuple((str(n), str(v)) for n, v in about["headers"]),
                time.monotonic() + millis / 1000,
                bool(about["token"]),
                str(about["mark"]).encode(),
            )
        except (ValueError, KeyError, TypeError):  # written by another version: render anew
            return None
        try:  # a page workers share is a busy one: the refresher keeps it rendered
            self.client.zadd(self.asked, {json.dumps(key): time.time()})
        except RedisError as exc:
            self._failed(exc)
        return entry

    def due(self, lead: float, limit: int) -> list[tuple[str, ...]]:
        """The busy pages (taken from Redis by a worker within the last period)
        whose shared copy is gone or expires within ``lead`` seconds, busiest first."""
        since = time.time() - self.seconds
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.zremrangebyscore(self.asked, "-inf", f"({since}")
                pipe.zrevrangebyscore(self.asked, "+inf", since, start=0, num=limit)
                _, members = pipe.execute()
            keys = [tuple(str(part) for part in json.loads(m)) for m in members]
            with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.pttl(self._name(key))
                left = pipe.execute()
        except RedisError as exc:
            self._failed(exc)
            return []
        except (ValueError, TypeError):
            return []
        return [key for key, millis in zip(keys, left, strict=True) if millis < lead * 1000]

    def put(self, key: tuple[str, ...], entry: Entry) -> None:
        meta = json.dumps(
            {"headers": entry.headers, "token": entry.has_token, "mark": entry.mark.decode()}
        ).encode()
        name = self._name(key)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.set(name, meta + b"\n" + entry.body, px=self.millis)
                pipe.delete(name + ":claim")
                pipe.execute()
        except RedisError as exc:
            self._failed(exc)

    def claim(self, key: tuple[str, ...]) -> bool:
        """True if this worker may render the page now (no other one is)."""
        try:
            return bool(
                self.client.set(self._name(key) + ":claim", b"1", nx=True, ex=self.RENDER_SECONDS)
            )
        except RedisError as exc:
            self._failed(exc)
            return True

    def release(self, key: tuple[str, ...]) -> None:
        try:
            self.client.delete(self._name(key) + ":claim")
        except RedisError as exc:
            self._failed(exc)


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return
    shared = None
    if app.config.get("REDIS_URL") and app.config.get("PAGE_CACHE_SHARED", True):
        client = Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
        shared = SharedPages(client, app.config["RATELIMIT_KEY_PREFIX"], seconds)
    app.extensions[EXTENSION] = PageCache(seconds, int(app.config["PAGE_CACHE_ENTRIES"]), shared)


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


def _serve(entry: Entry, how: str = "hit") -> Response:
    body = entry.body
    if entry.has_token:
        body = body.replace(entry.mark, generate_csrf().encode())
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
    return Entry(body, headers, time.monotonic() + seconds, has_token)


def for_visitors(view: Callable[P, Any]) -> Callable[P, Any]:
    """Serve this public page from the cache to visitors who are not logged in."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        cache = _cache()
        if cache is None:
            return view(*args, **kwargs)
        key = _key()
        if request.environ.get(REFRESH) and cache.shared is not None:
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
    key: tuple[str, ...],
    claimed: bool,
) -> Response:
    """Render the page and keep it, here and in Redis, if it may be shared."""
    shared = cache.shared
    try:
        session_keys = set(session.keys())
        response = make_response(view(*args, **kwargs))
        fresh = _entry(response, session_keys, cache.seconds)
    except BaseException:
        if claimed and shared is not None:
            shared.release(key)
        raise
    if fresh is not None:
        cache.put(key, fresh)
        if shared is not None:
            shared.put(key, fresh)  # and lets go of the claim
        response.headers["X-Page-Cache"] = "miss"
    elif claimed and shared is not None:
        shared.release(key)
    return response


# --- the refresher: ``flask pages refresh --loop`` ------------------------------------

REFRESH_LIMIT = 200  # pages rendered again per round at most (the busiest first)


def refresh_due(app: Flask, lead: float | None = None) -> int:
    """Render again every busy page whose shared copy expires within ``lead``
    seconds (default: a fifth of ``PAGE_CACHE_SECONDS``, at least 0.5 s); returns
    how many were rendered. Each is asked for through the app like a visitor's
    request, in the language and at the address it was asked for."""
    cache: PageCache | None = app.extensions.get(EXTENSION)
    if cache is None or cache.shared is None:
        return 0
    if lead is None:
        lead = max(0.5, cache.seconds / 5)
    client = app.test_client(use_cookies=False)
    rendered = 0
    for scheme, host, path, locale in cache.shared.due(lead, REFRESH_LIMIT):
        response = client.get(
            path,
            base_url=f"{scheme}://{host}",
            headers={"Accept-Language": locale},
            environ_overrides={REFRESH: True},
        )
        rendered += response.headers.get("X-Page-Cache") == "miss"
    return rendered


pages_cli = AppGroup("pages", help="The page cache shared by the app servers.")


@pages_cli.command("refresh")
@click.option("--loop", is_flag=True, help="Keep running, looking every --every seconds.")
@click.option("--every", default=0.25, show_default=True)
def refresh_cmd(loop: bool, every: float) -> None:
    """Render the busy public pages again before their shared copies expire."""
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or cache.shared is None:
        raise click.ClickException(
            "The page cache is not shared: set REDIS_URL and PAGE_CACHE_SECONDS above 0."
        )
    while True:
        rendered = refresh_due(current_app._get_current_object())  # type: ignore[attr-defined]
        if not loop:
            click.echo(f"rendered {rendered} page(s) again")
            return
        time.sleep(every)
