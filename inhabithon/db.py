"""The database: declarative base, engine, and the request-scoped session.

One transaction per request: the session is committed once after a view
succeeds and rolled back on any error (see ``init_app``). Services flush but
never commit. The exception is a public page that only reads (``reads_only``):
on PostgreSQL its statements run outside a transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, overload

import psycopg
import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from psycopg.pq import ExecStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes, stored naive so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum: a VARCHAR with a named CHECK constraint, storing values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@dataclass(frozen=True)
class Question:
    """One value asked of the database with others in one statement
    (``ask_together``): a page's personal parts ask theirs so
    (inhabithon/pagecache/personal.py). ``column`` is a module-level function
    that builds the scalar expression (a scalar subquery, an EXISTS ...) with
    bind parameters: the statement is built once per process for each set of
    questions asked together. ``params`` are its values; questions asked
    together that name the same parameter (``user_id``) give it one value."""

    column: Callable[[], sa.ColumnElement[Any]]
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Load:
    """An object to load by its primary key with the questions asked together
    (``ask_together``): the idea that a page's parts are about comes in the same
    round trip as the reader's votes and follows. ``options`` is a module-level
    function that builds the loader options, like ``Question.column``."""

    entity: type[Any]
    ident: Any
    options: Callable[[], tuple[Any, ...]]


_LoadSpec = tuple[type[Any], Callable[[], tuple[Any, ...]]]


@lru_cache(maxsize=128)  # one per combination of questions asked together: a handful
def _together(
    columns: tuple[Callable[[], sa.ColumnElement[Any]], ...], load: _LoadSpec | None
) -> sa.Select[Any]:
    labeled = [column().label(f"a{n}") for n, column in enumerate(columns)]
    if load is None:
        return sa.select(*labeled)
    entity, options = load
    key = sa.inspect(entity).primary_key[0]
    return (
        sa.select(entity)
        .options(*options())
        .where(key == sa.bindparam("load_ident"))
        .add_columns(*labeled)
    )


def ask_together(asked: Mapping[Any, Question | Load]) -> dict[Any, Any]:
    """Each question's answer and each object to load, by key, from one
    statement: one round trip (each further ``Load``, rare, costs its own)."""
    questions = {key: q for key, q in asked.items() if isinstance(q, Question)}
    loads = [(key, load) for key, load in asked.items() if isinstance(load, Load)]
    params: dict[str, Any] = {}
    for question in questions.values():
        for name, value in question.params.items():
            if params.setdefault(name, value) != value:
                raise ValueError(f"two questions give {name!r} different values")
    columns = tuple(question.column for question in questions.values())
    answers: dict[Any, Any] = {}
    if loads:
        key, load = loads.pop(0)
        statement = _together(columns, (load.entity, load.options))
        row = db.session.execute(statement, {**params, "load_ident": load.ident}).unique().first()
        answers[key] = None if row is None else row[0]
        if row is not None:
            answers.update(zip(questions, row[1:], strict=True))
            questions = {}
    if questions:  # none loaded with them (or the object is gone)
        row = db.session.execute(_together(columns, None), params).one()
        answers.update(zip(questions, row, strict=True))
    for key, load in loads:
        answers[key] = db.session.get(load.entity, load.ident, options=load.options())
    return answers


def ids_where(
    column: InstrumentedAttribute[int], *where: sa.ColumnElement[bool]
) -> sa.ColumnElement[str]:
    """The ids in ``column`` of the rows ``where`` holds, as one comma-separated
    string (NULL when none): a scalar subquery that fits in one column of a larger
    statement, a ``Question``'s (``ids_of`` reads the answer)."""
    listed = sa.func.aggregate_strings(sa.cast(column, sa.String), ",")
    return sa.select(listed).where(*where).scalar_subquery()


def among(column: InstrumentedAttribute[int], name: str) -> sa.ColumnElement[bool]:
    """``column`` is one of the list given as the parameter ``name``."""
    return column.in_(sa.bindparam(name, expanding=True))


def ids_of(listed: str | None) -> set[int]:
    """The ids an ``id_list`` column gave."""
    return {int(part) for part in listed.split(",")} if listed else set()


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it on the class


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE = 1.0  # seconds


def make_engine(url: str, ping_after_idle: float = PING_AFTER_IDLE, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys; a
    server's connections are pinged when they were idle (``_ping_when_idle``)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = sa.create_engine(url, **kwargs)
    _ping_when_idle(engine, ping_after_idle)
    if engine.dialect.driver == "psycopg":

        @event.listens_for(engine, "connect")
        def _describe_when_read(dbapi_connection: psycopg.Connection[Any], record: Any) -> None:
            dbapi_connection.cursor_factory = _Cursor

    return engine


_IDLE_SINCE = "inhabithon_idle_since"  # in a pooled connection's info: time.monotonic()


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Ping a connection on its way out of the pool if it was idle ``seconds`` or
    more; one that fails is replaced by a new connection before anyone uses it.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: one round trip more
    for every request (a resident's kept page makes two). A connection busy a
    moment ago is alive, or the database went away so recently that the requests
    of that moment failed anyway (and their disconnect made SQLAlchemy replace
    every connection of the pool). What a ping is for, a database restarted or a
    connection cut while the pool sat idle, takes longer than ``seconds``."""

    def _idle_from_now(dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    event.listen(engine, "connect", _idle_from_now)  # new
    event.listen(engine, "checkin", _idle_from_now)  # back in the pool

    @event.listens_for(engine, "checkout")
    def _out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get(_IDLE_SINCE, 0.0) < seconds:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise sa.exc.DisconnectionError(str(exc)) from exc  # the pool reconnects
            raise


_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class _Result:
    """What psycopg's ``Column`` reads of a cursor, kept from one result."""

    __slots__ = ("_encoding", "adapters", "pgresult")

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.pgresult = cursor.pgresult
        self._encoding = cursor._encoding
        self.adapters = cursor.adapters


class _Description(Sequence[psycopg.Column]):
    """A result's ``cursor.description``, whose columns are described when read.

    SQLAlchemy asks for the description of every result but reads it only the
    first time a statement runs (it keeps what it learned with the compiled
    statement); psycopg describes every column every time: a resident's kept
    idea page has 71 columns in its two statements, a twentieth of its time."""

    __slots__ = ("_columns", "_count", "_result")

    def __init__(self, cursor: psycopg.Cursor[Any], count: int) -> None:
        self._result: _Result | None = _Result(cursor)
        self._count = count
        self._columns: list[psycopg.Column] | None = None

    def _described(self) -> list[psycopg.Column]:
        if self._columns is None:
            result, self._result = self._result, None
            self._columns = [psycopg.Column(result, n) for n in range(self._count)]  # type: ignore[arg-type]
        return self._columns

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...
    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...
    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._described()[index]

    def __eq__(self, other: object) -> bool:
        return self._described() == other

    __hash__ = None  # type: ignore[assignment]  # a list's equality, so unhashable as a list


class _Cursor(psycopg.Cursor[Any]):
    """psycopg's cursor with a ``description`` described when read (``_Description``)."""

    @property
    def description(self) -> Sequence[psycopg.Column] | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _TUPLES):
            return _Description(self, result.nfields)
        return None


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and issues BEGIN late;
    # we take it over (the recipe from SQLAlchemy's SQLite dialect docs).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers queue on
        # the busy timeout instead of failing when a read upgrades to a write.
        write = conn.get_execution_options().get("inhabithon_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class DatabaseState:
    """One application's engine and session factory (``app.extensions``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.factory: sessionmaker[Session] = sessionmaker(bind=engine, expire_on_commit=False)
        # Whether a request that only reads runs its statements without a transaction
        # (``Database.reads_only``): on PostgreSQL, where BEGIN and COMMIT are two round
        # trips of their own. SQLite's are calls within the process, and SQLAlchemy would
        # hand its connections back with pysqlite's own transaction handling turned on.
        self.reads_outside_transactions = engine.dialect.name == "postgresql"

    def bind_to(self, connection: sa.Connection) -> None:
        """Tests: run every session inside an outer transaction on one connection."""
        self.factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self.reads_outside_transactions = False  # the outer transaction is the test's


class Database:
    """Hands out one session per application context, from the current app's
    engine; several apps in one process (tests, a live server) never share one."""

    def init_app(self, app: Flask) -> None:
        app.extensions["inhabithon_db"] = DatabaseState(make_engine(app.config["DATABASE_URL"]))

        @app.teardown_appcontext
        def _close_session(exc: BaseException | None) -> None:
            session: Session | None = g.pop("db_session", None)
            if session is not None:
                if exc is not None:
                    session.rollback()
                session.close()

    @staticmethod
    def state() -> DatabaseState:
        state: DatabaseState = current_app.extensions["inhabithon_db"]
        return state

    @property
    def engine(self) -> Engine:
        return self.state().engine

    @property
    def session(self) -> Session:
        session: Session | None = g.get("db_session")
        if session is None:
            state = self.state()
            session = state.factory()
            g.db_session = session
            if has_request_context():
                if request.method not in _READS:
                    # A write request: on SQLite take the write lock at BEGIN.
                    session.connection(execution_options={"inhabithon_write": True})
                elif g.get(_READS_ONLY) and state.reads_outside_transactions:
                    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return session

    @staticmethod
    def reads_only() -> None:
        """This request only reads: its statements may run without a transaction.

        For the public pages (``pagecache.shared_page``), which write nothing and are
        served from memory to most of their readers. A resident's kept page asks two
        statements (the account, the personal parts); inside a transaction, psycopg
        adds a BEGIN and a COMMIT, each a round trip of its own. What the statements
        see does not change: at READ COMMITTED, PostgreSQL's default and ours, each
        statement of a transaction takes a snapshot of its own anyway. The connection
        goes back to its pool in transactions again. Called before the request's
        first statement; after it, the request stays in its transaction."""
        if request.method in _READS:
            g.setdefault(_READS_ONLY, True)


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_ONLY = "db_reads_only"  # in g: set by Database.reads_only

db = Database()
