"""The team size limit and one team per person hold under concurrent accepts.

Real, committed transactions against a fresh database, one thread and one
test client per request (like tests/votes/test_concurrency.py).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from inhabithon.teams.models import JoinRequest, RequestStatus, Team, TeamMember, TeamRole
from tests.concurrency import ALLOWED_FAILURES, committed_app, committed_world, race


@pytest.fixture(scope="module")
def live_app():
    yield from committed_app("teams_concurrency")


@pytest.fixture
def world(live_app):
    yield from committed_world(live_app)


def _team(session, challenge, owner, name: str) -> Team:
    team = Team(
        challenge_id=challenge.id, name=name, member_count=1, size_max=challenge.team_size_max
    )
    session.add(team)
    session.flush()
    session.add(
        TeamMember(
            team_id=team.id, user_id=owner.id, challenge_id=challenge.id, role=TeamRole.OWNER
        )
    )
    session.commit()
    return team


def _request(session, team, user) -> int:
    req = JoinRequest(
        team_id=team.id, user_id=user.id, challenge_id=team.challenge_id, message="hi"
    )
    session.add(req)
    session.commit()
    return req.id


def _race(app, posts):
    """POST each (user, url) at once, one client per request."""
    return race(app, [(user, url, None) for user, url in posts])


def test_parallel_accepts_never_fill_a_team_over_its_limit(world, live_app):
    make, session = world
    challenge = make.challenge(team_size_max=3)
    owner = make.user()
    team = _team(session, challenge, owner, "Harbour")
    requests = [_request(session, team, make.user()) for _ in range(10)]
    statuses = _race(
        live_app, [(owner, f"/teams/{team.id}/requests/{rid}/accept") for rid in requests]
    )
    assert statuses.count(303) == 2
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    session.expire_all()
    rows = session.scalar(select(func.count()).where(TeamMember.team_id == team.id))
    assert rows == 3
    assert session.get(Team, team.id).member_count == 3
    accepted = session.scalar(
        select(func.count()).where(
            JoinRequest.team_id == team.id, JoinRequest.status == RequestStatus.ACCEPTED
        )
    )
    assert accepted == 2  # the refused ones stay pending


def test_parallel_accepts_by_two_teams_put_a_person_in_one_team(world, live_app):
    make, session = world
    challenge = make.challenge()
    joiner = make.user()
    owners = [make.user() for _ in range(4)]
    teams = [_team(session, challenge, o, f"Team {i}") for i, o in enumerate(owners)]
    requests = [_request(session, t, joiner) for t in teams]
    statuses = _race(
        live_app,
        [
            (o, f"/teams/{t.id}/requests/{rid}/accept")
            for o, t, rid in zip(owners, teams, requests, strict=True)
        ],
    )
    assert statuses.count(303) == 1
    assert set(statuses) <= {303} | ALLOWED_FAILURES
    session.expire_all()
    places = session.scalar(select(func.count()).where(TeamMember.user_id == joiner.id))
    assert places == 1
    counts = sum(session.get(Team, t.id).member_count for t in teams)
    assert counts == len(teams) + 1


def test_the_database_refuses_overfilling_on_its_own(world):
    """The CHECK constraint is the rule; the code only translates it."""
    make, session = world
    challenge = make.challenge(team_size_max=2)
    team = _team(session, challenge, make.user(), "Full")
    session.execute(sa.update(Team).where(Team.id == team.id).values(member_count=2))
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.update(Team).where(Team.id == team.id).values(member_count=Team.member_count + 1)
        )
    session.rollback()
