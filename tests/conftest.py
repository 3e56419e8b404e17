"""Fixtures: a migrated database per run (SQLite by default, PostgreSQL when
TEST_DATABASE_URL says so), each test inside a transaction that is rolled back,
a CSRF-aware client, login by role, factories and a query counter."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from inhabithon import create_app
from inhabithon.accounts.models import User
from inhabithon.db import make_engine
from inhabithon.migrate import upgrade
from tests.factories import Factory

SECRET = "test-secret-key-that-is-long-enough-for-production-rules"
CSRF_RAW = "0" * 40


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_database_url(name: str) -> str:
    """A new, empty database for this test run: a temporary SQLite file, or a
    PostgreSQL database created on the server in TEST_DATABASE_URL."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        url = sa.make_url(base)
        db_name = f"{url.database or 'inhabithon_test'}_{name}_{_worker_suffix()}"
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
        admin.dispose()
        return url.set(database=db_name).render_as_string(hide_password=False)
    directory = Path(tempfile.mkdtemp(prefix="inhabithon-test-"))
    return f"sqlite:///{directory / f'{name}.sqlite3'}"


def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture(scope="session")
def database_url() -> str:
    url = fresh_database_url("suite")
    upgrade(url)  # the schema comes from the migrations, so they are tested too
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


def app_config(database_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": False,
        **extra,
    }


class Client(FlaskClient):
    """A test client that sends the CSRF token with every form POST (pass
    ``csrf=False`` to leave it out) and expires the test session's objects
    after each request so assertions see what the request wrote."""

    test_session: Session | None = None
    # Tests read the interface in English (the msgids) unless they ask for
    # another language; set to None to send no Accept-Language at all.
    language: str | None = "en"

    def open(self, *args: Any, **kwargs: Any) -> Any:
        csrf = kwargs.pop("csrf", True)
        if self.language is not None:
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault("Accept-Language", self.language)
            kwargs["headers"] = headers
        method = kwargs.get("method", "GET")
        if csrf and method == "POST":
            data = dict(kwargs.get("data") or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        response = super().open(*args, **kwargs)
        if self.test_session is not None:
            self.test_session.expire_all()
        return response

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            sess.setdefault("csrf_token", CSRF_RAW)
            raw = sess["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def login(self, user: User) -> User:
        with self.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return user

    def logout(self) -> None:
        with self.session_transaction() as sess:
            sess.pop("_user_id", None)


def bound_app(database_url: str, connection: sa.Connection, **extra: Any) -> Flask:
    """An app whose requests run in the test's transaction; ``extra`` overrides settings."""
    application = create_app(app_config(database_url, **extra))
    application.test_client_class = Client
    application.extensions["inhabithon_db"].bind_to(connection)
    return application


def client_for(app: Flask, db: Session) -> Client:
    c = app.test_client()
    assert isinstance(c, Client)
    c.test_session = db
    return c


@pytest.fixture
def app(database_url: str, connection: sa.Connection) -> Flask:
    return bound_app(database_url, connection)


@pytest.fixture
def db(connection: sa.Connection) -> Iterator[Session]:
    """The test's own session, in the same transaction as the app's requests."""
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()


@pytest.fixture
def client(app: Flask, db: Session) -> Client:
    return client_for(app, db)


@pytest.fixture
def make(app: Flask, db: Session) -> Factory:
    return Factory(app, db)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)


@pytest.fixture
def count_queries(connection: sa.Connection) -> Iterator[QueryCounter]:
    """Counts the SQL statements the app sends (savepoint bookkeeping aside)."""
    counter = QueryCounter()
    sa.event.listen(connection, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(connection, "before_cursor_execute", counter)


class Mailbox:
    """What a real SMTP server on loopback received (aiosmtpd)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's handler protocol
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """The messages, once at least ``count`` have arrived (delivery is in another thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.messages)

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    # aiosmtpd cannot listen on port 0 (it connects to its own port to check
    # that it started), so ask the kernel for a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def mailbox(app: Flask, smtp_server: tuple[Mailbox, int]) -> Mailbox:
    """Sends the app's mail to a real SMTP server on loopback; empty at the start."""
    box, port = smtp_server
    box.clear()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DELIVERY="immediate")
    return box
