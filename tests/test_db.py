"""Shared database machinery (inhabithon/db.py): questions asked together."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from inhabithon.challenges.models import Phase
from inhabithon.comments import services as comments
from inhabithon.db import Load, _Cursor, ask_together, ids_of, make_engine
from inhabithon.ideas.models import Idea
from inhabithon.notifications import services as notifications
from inhabithon.notifications.models import ChallengeFollower, Notification, NotificationKind
from inhabithon.pagecache.personal import answer
from inhabithon.votes import services as votes
from tests.factories import Factory


def test_questions_of_several_domains_are_answered_by_one_statement(
    make: Factory, db: Session, count_queries
):
    followed, other = make.challenge(Phase.VOTING), make.challenge(Phase.VOTING)
    reader = make.user()
    idea, also = make.idea(followed), make.idea(followed)
    make.vote(reader, idea)
    mine = make.comment(idea, reader)
    make.comment(idea)
    db.add_all(
        [
            ChallengeFollower(challenge_id=followed.id, user_id=reader.id),
            *(
                Notification(recipient_id=reader.id, kind=NotificationKind.COMMENT, idea_id=idea.id)
                for _ in range(2)
            ),
        ]
    )
    db.commit()
    with make.context():
        count_queries.statements.clear()
        answers = ask_together(
            {
                "unread": notifications.unread_question(reader),
                **notifications.followed_questions(
                    reader, [("challenge", followed.id), ("challenge", other.id)]
                ),
                **votes.standing_questions(reader, idea.id),
                "own": comments.own_comments_question(reader, {idea.id, also.id}),
                "hidden": votes.hidden_votes_question(reader, followed.id),
            }
        )
        assert count_queries.count == 1
        assert answers["unread"] == 2
        assert ids_of(answers["challenge"]) == {followed.id}
        assert (answers["budget"], answers["used"], bool(answers["voted"])) == (3, 1, True)
        assert ids_of(answers["own"]) == {mine.id}
        assert answers["hidden"] == 0
        # Asked alone, each gives the same.
        assert notifications.unread_count(reader) == 2
        assert votes.voter_standing(reader, idea) == (3, 2, True)
        assert votes.voter_standing(reader, also) == (3, 2, False)
        assert comments.own_comment_ids(reader, {idea.id}) == {mine.id}


def _plain() -> tuple:
    return ()


def test_an_object_comes_with_the_questions_in_the_same_statement(
    make: Factory, db: Session, count_queries
):
    reader = make.user()
    idea, other = make.idea(make.challenge(Phase.VOTING)), make.idea(make.challenge())
    make.vote(reader, idea)
    with make.context():
        count_queries.statements.clear()
        answers = ask_together(
            {"idea": Load(Idea, idea.id, _plain), **votes.standing_questions(reader, idea.id)}
        )
        assert count_queries.count == 1
        assert answers["idea"].title == idea.title
        assert (answers["used"], bool(answers["voted"])) == (1, True)

        db.expunge_all()  # nothing to take from the session: every object is loaded
        count_queries.statements.clear()
        answers = ask_together(
            {
                "gone": Load(Idea, 987_654, _plain),
                "other": Load(Idea, other.id, _plain),
                "unread": notifications.unread_question(reader),
            }
        )
        # The object that is gone, then the questions, then the second object.
        assert count_queries.count == 3
        assert answers == {"gone": None, "other": answers["other"], "unread": 0}
        assert answers["other"].id == other.id


def test_questions_that_give_one_parameter_two_values_are_refused(make: Factory):
    first, second = make.user(), make.user()
    with make.context(), pytest.raises(ValueError, match="user_id"):
        ask_together(
            {
                "first": notifications.unread_question(first),
                "second": notifications.unread_question(second),
            }
        )


def test_a_filler_reading_an_answer_nobody_asked_for_is_a_bug_unless_it_says_otherwise(
    make: Factory,
):
    with make.context():
        with pytest.raises(LookupError, match="unread"):
            answer("unread")
        assert answer("unread", lambda: 7) == 7


@pytest.mark.parametrize(("listed", "ids"), [(None, set()), ("", set()), ("3,14,3", {3, 14})])
def test_an_id_list_reads_back_as_a_set_of_ids(listed, ids):
    assert ids_of(listed) == ids


def test_a_results_description_is_read_when_needed_and_stays_that_results(engine):
    """On PostgreSQL the cursors describe their columns only when asked (SQLAlchemy
    asks once per statement, not per run); on SQLite the driver's own cursor."""
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        if engine.dialect.driver != "psycopg":
            assert type(cursor).__module__.startswith("sqlite3")
            return
        assert isinstance(cursor, _Cursor)
        cursor.execute("SELECT 1 AS one, 'x'::text AS two")
        described = cursor.description
        assert len(described) == 2
        cursor.execute("SELECT 2 AS other")  # the first result's description stays its own
        assert [column.name for column in described] == ["one", "two"]
        assert described[1].type_code == 25  # text
        plain = psycopg_description("SELECT 1 AS one, 'x'::text AS two", conn)
        assert [tuple(column) for column in described] == [tuple(column) for column in plain]
        cursor.execute("SELECT")
        assert cursor.description == []
        assert not cursor.description
        cursor.execute("SET search_path TO public")
        assert cursor.description is None
        for _ in range(3):  # SQLAlchemy's own results, described once and kept
            assert list(conn.execute(sa.text("SELECT 1 AS one, 2 AS two")).keys()) == ["one", "two"]


def psycopg_description(query: str, conn: sa.Connection) -> list[Any]:
    plain = psycopg.Cursor(conn.connection.driver_connection)
    plain.execute(query)
    return plain.description


def _backend_of(conn: sa.Connection) -> int:
    return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _cut(database_url: str, pid: int) -> None:
    """The server ends that connection, as a restart or a network cut would."""
    admin = sa.create_engine(database_url, poolclass=sa.NullPool)
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def test_a_connection_idle_in_the_pool_is_pinged_and_replaced_if_cut(database_url, monkeypatch):
    engine = make_engine(database_url, ping_after_idle=0.3)
    pings = []
    do_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or do_ping(c))
    if engine.dialect.name != "postgresql":  # SQLite: a file in the process, nothing to ping
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
            time.sleep(0.35)
        assert pings == []
        engine.dispose()
        return
    try:
        with engine.connect() as conn:  # new: no ping
            first = _backend_of(conn)
        with engine.connect() as conn:  # busy a moment ago: no ping either
            assert _backend_of(conn) == first
        assert pings == []
        _cut(database_url, first)
        time.sleep(0.35)
        with engine.connect() as conn:  # idle long enough: pinged, found cut, replaced
            assert _backend_of(conn) != first
        assert pings == [1]  # the cut one; the new one has just connected
    finally:
        engine.dispose()


def test_a_connection_cut_right_after_use_fails_once_then_the_pool_is_new(database_url):
    """What skipping the ping of a connection busy a moment ago costs: cut within
    that moment, it fails its next statement (a request that would have failed
    anyway while the server was going away), and every connection is replaced."""
    engine = make_engine(database_url, ping_after_idle=60)
    if engine.dialect.name != "postgresql":
        assert engine.dialect.name == "sqlite"
        return
    try:
        with engine.connect() as conn:
            first = _backend_of(conn)
        _cut(database_url, first)
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as failed:
            _backend_of(conn)
        assert failed.value.connection_invalidated
        with engine.connect() as conn:
            assert _backend_of(conn) != first
    finally:
        engine.dispose()
