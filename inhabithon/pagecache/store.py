"""Where rendered pages are kept: each worker's memory, and Redis shared by all servers."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from redis import Redis, RedisError

from inhabithon.pagecache.personal import PART_MARK, Part

log = logging.getLogger(__name__)

# Cut in where the CSRF token was; random per process, so no content can contain it.
TOKEN_MARK = f"csrf-{secrets.token_hex(16)}".encode()
FORMAT = 2  # of a page kept in Redis; a value of another format is rendered anew

Key = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A rendered page: its body without the CSRF token (``mark`` stands for it)
    and, for a page shared by residents, with ``parts`` to fill for each reader
    (``part_mark`` opens their markers: another process's, from Redis)."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    expires: float
    has_token: bool
    mark: bytes = TOKEN_MARK
    parts: tuple[Part, ...] = ()
    part_mark: bytes = PART_MARK


class PageCache:
    """Rendered pages by key, dropped after ``seconds`` or when there are too many.

    With ``shared`` (Redis), an expired page is kept ``seconds`` longer, to be
    served while another worker renders it anew (``stale``)."""

    def __init__(self, seconds: float, max_entries: int, shared: SharedPages | None = None) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.shared = shared
        self._grace = seconds if shared is not None else 0.0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn may run several threads per worker

    def get(self, key: Key) -> Entry | None:
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

    def stale(self, key: Key) -> Entry | None:
        """An expired copy of the page still within its grace period, if any."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires + self._grace <= time.monotonic():
                return None
            return entry

    def put(self, key: Key, entry: Entry) -> None:
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

    A page is stored as one value: a line of JSON (its headers, parts and marks)
    and the body. A worker about to render a page that is missing first claims
    it (a key that lives while a render may take), so that the others serve
    their expired copy rather than render the same page at the same moment."""

    RENDER_SECONDS = 10  # a claim is dropped after this long even if its worker died

    def __init__(self, client: Redis, prefix: str, seconds: float) -> None:
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.millis = max(1, int(seconds * 1000))
        self.asked = f"{prefix}:page-asked"  # sorted set: page key -> when a worker last took it
        self._warned = False

    def _name(self, key: Key) -> str:
        digest = hashlib.sha256("\x1f".join(key).encode()).hexdigest()
        return f"{self.prefix}:page:{digest}"

    def _failed(self, exc: RedisError) -> None:
        if not self._warned:  # once per worker: the log is not flooded while Redis is away
            log.warning("Page cache: Redis does not answer (%s); using memory only", exc)
            self._warned = True

    def get(self, key: Key) -> Entry | None:
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
            if about["format"] != FORMAT:
                return None
            entry = Entry(
                body,
                tuple((str(n), str(v)) for n, v in about["headers"]),
                time.monotonic() + millis / 1000,
                bool(about["token"]),
                str(about["mark"]).encode(),
                tuple((str(name), tuple(args)) for name, args in about["parts"]),
                str(about["part_mark"]).encode(),
            )
        except (ValueError, KeyError, TypeError):  # written by another version: render anew
            return None
        try:  # a page workers share is a busy one: the refresher keeps it rendered
            self.client.zadd(self.asked, {json.dumps(key): time.time()})
        except RedisError as exc:
            self._failed(exc)
        return entry

    def due(self, lead: float, limit: int) -> list[Key]:
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

    def put(self, key: Key, entry: Entry) -> None:
        meta = json.dumps(
            {
                "format": FORMAT,
                "headers": entry.headers,
                "token": entry.has_token,
                "mark": entry.mark.decode(),
                "parts": entry.parts,
                "part_mark": entry.part_mark.decode(),
            }
        ).encode()
        name = self._name(key)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.set(name, meta + b"\n" + entry.body, px=self.millis)
                pipe.delete(name + ":claim")
                pipe.execute()
        except RedisError as exc:
            self._failed(exc)

    def claim(self, key: Key) -> bool:
        """True if this worker may render the page now (no other one is)."""
        try:
            return bool(
                self.client.set(self._name(key) + ":claim", b"1", nx=True, ex=self.RENDER_SECONDS)
            )
        except RedisError as exc:
            self._failed(exc)
            return True

    def release(self, key: Key) -> None:
        try:
            self.client.delete(self._name(key) + ":claim")
        except RedisError as exc:
            self._failed(exc)
