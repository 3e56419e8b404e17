"""Real app servers for the scale tests: gunicorn processes on loopback, a small
HTTP client, session cookies signed with the app's key, and bulk test data.

The servers run exactly as in production (``gunicorn -c
python:inhabithon.gunicorn_conf app:app``), configured by environment
variables, each in its own process group so a test can SIGKILL all of it.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from inhabithon import create_app
from inhabithon.accounts.models import User
from inhabithon.accounts.services import canonical_email
from inhabithon.db import utcnow

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = "scale-test-secret-key-long-enough-for-production-rules"
REDIS_BASE = "redis://127.0.0.1:6379/5"  # db 5: the test suite's Redis database
IDLE_REUSE_SECONDS = 1.0  # a keep-alive connection idle longer is replaced


@contextmanager
def redis_keys() -> Iterator[str]:
    """A key prefix of one's own in the suite's Redis database; its keys are deleted after."""
    prefix = f"inhabithon-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_BASE)
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One gunicorn instance (master and workers) on a free loopback port."""

    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 2
    threads: int = 1  # as in production (inhabithon/gunicorn_conf.py)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 60.0) -> Server:
        return self.launch().wait_ready(timeout)

    def launch(self) -> Server:
        """Start the processes; ``wait_ready`` waits until they answer."""
        self.port = self.port or free_port()
        env = {
            **os.environ,
            "INHABITHON_ENV": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": self.database_url,
            "SECURE_COOKIES": "0",  # plain HTTP on loopback
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
            "GUNICORN_LOG_LEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        env.pop("TEST_DATABASE_URL", None)
        if self.log_path is None:
            handle, name = __import__("tempfile").mkstemp(prefix="gunicorn-", suffix=".log")
            os.close(handle)
            self.log_path = Path(name)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [str(GUNICORN), "-c", "python:inhabithon.gunicorn_conf", "app:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 takes all of it
            )
        return self

    def wait_ready(self, timeout: float = 60.0) -> Server:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log()}")
            try:
                if self.request("GET", "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path else ""

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        client = HttpClient(self.port)
        try:
            return client.request(method, path, **kwargs)
        finally:
            client.close()

    def signal_stop(self) -> None:
        """QUIT: gunicorn's quick shutdown (TERM would wait for idle keep-alive
        connections); these tests check kills and restarts, not graceful stops."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: no chance to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        self.signal_stop()
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class HttpClient:
    """A keep-alive HTTP/1.1 connection to one server (one per thread)."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        cookie: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        send = {"Accept-Language": "en", **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            send["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            send["Cookie"] = f"session={cookie}"
        if self.conn is not None and time.monotonic() - self.last_used > IDLE_REUSE_SECONDS:
            # gunicorn closes idle keep-alive connections (after 5 s); never race it.
            self.close()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=send)
                raw = self.conn.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one,
                # but only for a request that certainly never reached the app.
                self.close()
                if attempt == 2 or method != "GET":
                    raise
                continue
            self.last_used = time.monotonic()
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


CSRF_RAW = "f" * 40


class Sessions:
    """Signs Flask session cookies with the servers' key, so that a thousand
    residents are logged in without a thousand password hashes."""

    def __init__(self, database_url: str) -> None:
        self.app: Flask = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": database_url})
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        assert serializer is not None
        self._serializer = serializer
        self.csrf = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token").dumps(CSRF_RAW)

    def cookie(self, user_id: int | None, session_version: int = 1) -> str:
        data: dict[str, Any] = {"csrf_token": CSRF_RAW}
        if user_id is not None:
            data.update({"_user_id": f"{user_id}:{session_version}", "_fresh": True})
        return str(self._serializer.dumps(data))

    def dispose(self) -> None:
        self.app.extensions["inhabithon_db"].engine.dispose()


def insert_residents(engine: sa.Engine, count: int, prefix: str) -> list[int]:
    """``count`` verified residents in one bulk insert; their ids in order."""
    from tests.factories import _hash

    now = utcnow()
    rows = [
        {
            "email": f"{prefix}{i}@example.org",
            "email_canonical": canonical_email(f"{prefix}{i}@example.org"),
            "display_name": f"Resident {prefix}{i}",
            "password_hash": _hash(),
            "locale": "en",
            "created_at": now,
            "email_verified_at": now,
            "session_version": 1,
        }
        for i in range(count)
    ]
    table = sa.inspect(User).local_table
    with engine.begin() as conn:
        conn.execute(sa.insert(table), rows)
        ids = conn.scalars(
            sa.select(table.c.id).where(table.c.email.like(f"{prefix}%")).order_by(table.c.id)
        ).all()
    return list(ids)
