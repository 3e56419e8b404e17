"""No overbooking under concurrent sign-ups and cancels.

Real, committed transactions against a fresh database (SQLite, or PostgreSQL
when TEST_DATABASE_URL names one), one thread and one test client per request.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon.weekend.models import AttendanceSettings, Signup, SignupStatus
from tests.concurrency import ALLOWED_FAILURES, committed_app, committed_world, race
from tests.weekend.helpers import open_event

THREADS = 16


@pytest.fixture(scope="module")
def live_app():
    yield from committed_app("weekend_concurrency")


@pytest.fixture
def world(live_app):
    yield from committed_world(live_app)


def _race(app, users, path_for):
    form = {"diet": "none", "children": "0"}
    return race(app, [(user, path_for(i), form) for i, user in enumerate(users)])


def _counts(session, event_id):
    session.commit()  # a new snapshot: what the racing requests committed
    rows = dict(
        session.execute(
            select(Signup.status, func.count())
            .where(Signup.event_id == event_id)
            .group_by(Signup.status)
        ).all()
    )
    return rows.get(SignupStatus.CONFIRMED, 0), rows.get(SignupStatus.WAITLISTED, 0)


def test_parallel_sign_ups_never_exceed_the_capacity(world, live_app):
    make, session = world
    event = open_event(make, capacity=5)
    users = [make.user() for _ in range(THREADS)]
    statuses = _race(live_app, users, lambda i: f"/events/{event.slug}/attend")
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    confirmed, waitlisted = _counts(session, event.id)
    assert confirmed == 5
    assert confirmed + waitlisted == statuses.count(303)
    assert session.get(AttendanceSettings, event.id).confirmed == 5
    # The waiting list has one place per person, in order.
    ids = session.scalars(
        select(Signup.id)
        .where(Signup.event_id == event.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.id)
    ).all()
    assert len(set(ids)) == waitlisted


def test_parallel_cancels_promote_each_waiting_person_once(world, live_app):
    make, session = world
    event = open_event(make, capacity=4)
    users = [make.user() for _ in range(8)]
    statuses = _race(live_app, users, lambda i: f"/events/{event.slug}/attend")
    assert statuses.count(303) == 8
    holders = [
        u
        for u in users
        if session.scalar(
            select(Signup.status).where(Signup.event_id == event.id, Signup.user_id == u.id)
        )
        is SignupStatus.CONFIRMED
    ]
    assert len(holders) == 4
    session.commit()
    statuses = _race(live_app, holders, lambda i: f"/events/{event.slug}/attend/cancel")
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    cancelled = statuses.count(303)
    confirmed, waitlisted = _counts(session, event.id)
    assert confirmed == 4
    assert waitlisted == 4 - cancelled
    assert session.get(AttendanceSettings, event.id).confirmed == 4


def test_one_resident_signing_up_many_times_at_once_holds_one_seat(world, live_app):
    make, session = world
    event = open_event(make, capacity=3)
    user = make.user()
    statuses = _race(live_app, [user] * 8, lambda i: f"/events/{event.slug}/attend")
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    assert _counts(session, event.id) == (1, 0)
    assert session.get(AttendanceSettings, event.id).confirmed == 1


def test_the_database_refuses_overbooking_on_its_own(world):
    """The CHECK constraint is the rule; the code only translates it."""
    make, session = world
    event = open_event(make, capacity=1)
    session.execute(
        sa.update(AttendanceSettings)
        .where(AttendanceSettings.event_id == event.id)
        .values(confirmed=1)
    )
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.update(AttendanceSettings)
            .where(AttendanceSettings.event_id == event.id)
            .values(confirmed=AttendanceSettings.confirmed + 1)
        )
    session.rollback()
