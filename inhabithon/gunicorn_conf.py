"""gunicorn settings for production: ``gunicorn -c python:inhabithon.gunicorn_conf app:app``.

Every app server is stateless (sessions are signed cookies, rate-limit counters
live in Redis when ``REDIS_URL`` is set, the database holds everything else),
so any number of them can run behind a load balancer that checks ``/healthz``.
Settings come from the environment so one checked-in file serves every host:

- ``BIND`` (default ``127.0.0.1:8000``): where to listen; the balancer talks to it.
- ``WEB_CONCURRENCY``: worker processes. By default (``default_workers``) one per
  CPU core when the database is on this machine (SQLite, or PostgreSQL on loopback
  or a socket): it needs those cores too, and a worker waits microseconds for it.
  Twice that when it is elsewhere, so that a worker waiting on the network leaves
  its core to another. On this 2-core machine with PostgreSQL on it, 2 workers served
  a resident's idea page at 436 requests/s against 384 with 4, and a visitor's home
  page at 1,719 against 1,529, with p99/p50 at 1.88 and 2.19 against 2.07 and 4.20
  (bench/RESULTS.md, "What changed since run 24").
- ``GUNICORN_THREADS`` (default 1): threads per worker. With 1, gunicorn's sync
  worker: it takes a connection only when it is free, answers one request on it
  and closes it, so each request goes to a worker that is idle. (The gthread
  worker, with keep-alive, keeps every connection it took: a load balancer's
  connections end up unevenly spread, three or four on one worker while another
  has none, and the requests on a crowded worker wait for each other: p99 was 4
  times p50 where the sync worker's is 2 times, bench/RESULTS.md, run 22.) Put a
  buffering proxy in front (nginx, or any balancer that reads the whole request
  before passing it on), as gunicorn asks for its sync workers: a slow client then
  never holds a worker. With more than 1, the gthread worker; keep it at 1: with 4
  threads, about one server start in ten loses a worker to SIGSEGV under load, on
  PostgreSQL and on SQLite alike (bench/RESULTS.md, "The threaded workers' crash": a
  corrupted allocator free list; neither psycopg's nor SQLAlchemy's nor
  markupsafe's nor wrapt's compiled code alone is the cause).
- ``GUNICORN_TIMEOUT`` (default 30 s): a worker stuck longer is restarted.
- ``FORWARDED_ALLOW_IPS`` (default ``127.0.0.1``): the balancer's addresses,
  whose X-Forwarded-* headers are trusted.

The objects a worker keeps for its whole life (modules, compiled templates,
catalogues, SQLAlchemy's statement cache) are frozen out of Python's cyclic
garbage collector once the worker is warm (``gc.freeze``). Without that, every
few seconds a full collection walked all of them and stopped the worker for 60
to 180 ms, which was the whole p99 of a cached page (bench/RESULTS.md, run 7).
"""

from __future__ import annotations

import gc
import os
from typing import Any

import sqlalchemy as sa

bind = os.environ.get("BIND", "127.0.0.1:8000")
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def default_workers(database_url: str | None, cores: int | None = None) -> int:
    """One worker per core with the database on this machine, two with it elsewhere."""
    cores = cores or os.cpu_count() or 1
    if not database_url:
        return cores  # the SQLite file in instance/
    url = sa.make_url(database_url)
    host = url.host or ""
    if url.get_backend_name() == "sqlite" or host in LOCAL_HOSTS or host.startswith("/"):
        return cores
    return 2 * cores


workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers(os.environ.get("DATABASE_URL")))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # seconds (gthread only: the sync worker closes every connection)
# Workers are recycled now and then, with jitter so they never restart together.
# Not too often: a worker serving cached pages answers 500 requests a second, and a
# restart costs it a second of CPU and its page cache.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Each worker builds its own app (and its own database pool) after the fork:
# connections are never shared between processes.
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "inhabithon"

# After how many requests a worker freezes what it holds by then: the first
# requests compile the templates and fill the caches that live as long as it does.
FREEZE_AFTER_REQUESTS = frozenset({200, 2000})
_served = 0


def _freeze() -> None:
    gc.collect()  # what is garbage now is not kept forever
    gc.freeze()


def post_worker_init(worker: Any) -> None:  # gunicorn calls it with the worker
    _freeze()  # the app as built in this worker


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    global _served  # one counter per worker process
    _served += 1
    if _served in FREEZE_AFTER_REQUESTS:
        _freeze()
