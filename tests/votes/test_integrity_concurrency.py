"""Voiding votes while their voters withdraw them, and two officials voiding the
same votes at once: every vote is removed exactly once and the counters stay
exact. Real, committed transactions on a fresh database, one thread per request."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote
from tests.concurrency import committed_app, race
from tests.factories import Factory

VOTERS = 8
OFFICIALS = 4


@pytest.fixture(scope="module")
def live_app():
    yield from committed_app("void_concurrency")


def test_voids_and_withdrawals_at_once_remove_each_vote_once(live_app):
    session = live_app.extensions["inhabithon_db"].factory()
    try:
        make = Factory(live_app, session)
        challenge = make.challenge(phase=Phase.VOTING)
        idea = make.idea(challenge)
        voters = [make.user() for _ in range(VOTERS)]
        vote_ids = [make.vote(v, idea).id for v in voters]
        url = f"/challenges/{challenge.slug}/vote-integrity/void?by=idea&key={idea.id}"

        withdraw = f"/ideas/{idea.id}/vote/withdraw"
        void = {"votes": vote_ids, "reason": "Bought votes"}
        officials = [make.user(Role.OFFICIAL) for _ in range(OFFICIALS)]
        statuses = race(
            live_app,
            [(voter, withdraw, None) for voter in voters]
            + [(official, url, void) for official in officials],
        )

        assert set(statuses[:VOTERS]) <= {303, 409, 503}
        assert set(statuses[VOTERS:]) <= {303, 400, 409, 503}
        session.expire_all()
        assert session.scalar(select(func.count()).where(Vote.idea_id == idea.id)) == 0
        assert session.get(Idea, idea.id).vote_count == 0
        for ballot in session.scalars(select(Ballot).where(Ballot.challenge_id == challenge.id)):
            assert ballot.used == 0
        voided = [
            v["id"]
            for entry in session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "votes.voided", AuditEntry.object_id == str(challenge.id)
                )
            )
            for v in entry.before["votes"]
        ]
        withdrawn = statuses[:VOTERS].count(303)
        assert len(voided) == len(set(voided))
        assert len(voided) + withdrawn == VOTERS
    finally:
        session.close()
