"""Votes: casting and withdrawing them within a budget per challenge.

The rules that must survive concurrent requests are held by the database,
not by a read-then-write in Python. A vote is spent by one atomic upsert of
the ballot that changes nothing once ``used`` has reached ``budget`` (and the
CHECK ``used <= budget`` refuses any statement that would pass it), and the
vote is inserted with ON CONFLICT DO NOTHING on the unique constraint on
(user, idea), so a second vote is never stored. Both statements say when they
changed nothing, which becomes a Conflict: the request answers 409 with a
clear message and nothing half-done is kept, without the two extra round
trips of a savepoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import Question, ask_together, db, utcnow
from inhabithon.errors import Conflict
from inhabithon.ideas.models import Idea, IdeaMember, IdeaStatus, MemberStatus
from inhabithon.votes.integrity import network_hash
from inhabithon.votes.models import Ballot, Vote

_NO_SYNC = {"synchronize_session": False}
_RAW = {"dml_strategy": "raw"}


def ballot_for(user: User, challenge: Challenge) -> Ballot | None:
    """The user's ballot in ``challenge``, or None before their first vote."""
    return db.session.scalar(
        select(Ballot)
        .where(Ballot.user_id == user.id, Ballot.challenge_id == challenge.id)
        .execution_options(populate_existing=True)
    )


# The vote box on a logged-in reader's idea page asks these with the page's other
# personal parts (inhabithon.db.ask_together), knowing only the idea's id.
def _ballot_in_challenge_of_idea(column: Any) -> sa.ColumnElement[int]:
    challenge_of_idea = select(Idea.challenge_id).where(Idea.id == sa.bindparam("standing_in"))
    return (
        select(column)
        .where(
            Ballot.user_id == sa.bindparam("user_id"),
            Ballot.challenge_id == challenge_of_idea.scalar_subquery(),
        )
        .scalar_subquery()
    )


def _budget() -> sa.ColumnElement[int]:
    return _ballot_in_challenge_of_idea(Ballot.budget)


def _used() -> sa.ColumnElement[int]:
    return _ballot_in_challenge_of_idea(Ballot.used)


def _voted() -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Vote.user_id == sa.bindparam("user_id"), Vote.idea_id == sa.bindparam("standing_in")
    )


_STANDING: dict[str, Callable[[], sa.ColumnElement[Any]]] = {
    "budget": _budget,
    "used": _used,
    "voted": _voted,
}


def standing_questions(user: User, idea_id: int) -> dict[str, Question]:
    """What ``voter_standing`` needs to know, as questions: the ballot's budget and
    use in the idea's challenge, and whether the user voted for the idea."""
    params = {"user_id": user.id, "standing_in": idea_id}
    return {name: Question(column, params) for name, column in _STANDING.items()}


def voter_standing(
    user: User, idea: Idea, answers: Mapping[str, Any] | None = None
) -> tuple[int, int, bool]:
    """The user's vote budget in the idea's challenge, how many votes are left,
    and whether one of them is for ``idea``: from the ``answers`` to the
    ``standing_questions`` (by name), or asked now, in one query."""
    if answers is None:
        answers = ask_together(standing_questions(user, idea.id))
    budget, used, voted = answers["budget"], answers["used"], answers["voted"]
    if budget is None:  # no ballot before the first vote
        budget, used = idea.challenge.vote_budget, 0
    return int(budget), int(budget) - int(used), bool(voted)


def _spending_one(insert: Any) -> Any:
    """The ballot's rule, for an INSERT of a ballot with one vote used (SQLite's or
    PostgreSQL's): on a ballot already there, one more vote used, and nothing
    changed once the budget is spent; RETURNING says which."""
    return insert.on_conflict_do_update(
        index_elements=[Ballot.user_id, Ballot.challenge_id],
        set_={"used": Ballot.used + 1},
        where=Ballot.used < Ballot.budget,
    ).returning(Ballot.used)


def _once_per_idea(insert: Any) -> Any:
    """The vote's rule, for an INSERT of a vote: none if the voter has one for the
    idea already; RETURNING says which."""
    return insert.on_conflict_do_nothing(index_elements=[Vote.user_id, Vote.idea_id]).returning(
        Vote.id
    )


# Built once: a vote is the one write of the weekend rush, and building these
# statements anew cost a tenth of its CPU time (bench.cpu: 4.0 -> 3.6 ms). The
# inserts run as plain statements ("raw"): the ORM's bulk-insert and unit-of-work
# machinery cost more than the statements themselves, and nothing reads the rows back.
# SQLite's; PostgreSQL runs them in one statement (_whole_vote).
_SPEND_ONE_VOTE = _spending_one(
    sqlite_insert(Ballot).values(
        user_id=sa.bindparam("user_id"),
        challenge_id=sa.bindparam("challenge_id"),
        budget=sa.bindparam("budget"),
        used=1,
    )
).execution_options(**_RAW)
_INSERT_VOTE = _once_per_idea(
    sqlite_insert(Vote).values(
        user_id=sa.bindparam("user_id"),
        idea_id=sa.bindparam("idea_id"),
        challenge_id=sa.bindparam("challenge_id"),
        created_at=sa.bindparam("created_at"),
        source_hash=sa.bindparam("source_hash"),
    )
).execution_options(**_RAW)


def _whole_vote() -> Any:
    """PostgreSQL: a vote in one statement (one round trip, not four). One vote of
    the ballot is spent unless the voter is on the idea's team or voted for it
    already (an upsert that changes nothing once the budget is spent); only then
    is the vote inserted (skipped if one came in meanwhile: a double click); only
    then is the idea's counter moved. It answers the ballot's use and the new
    vote's id, NULL where nothing changed from there on. The parts of one
    statement see one snapshot, and the rows the others wrote only through
    RETURNING: hence the chain of EXISTS."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    idea_id = sa.bindparam("idea_id", type_=sa.Integer)
    # Not named after a column of ideas: an UPDATE takes such parameters as
    # columns to set.
    challenge_id = sa.bindparam("in_challenge", type_=sa.Integer)
    on_team = sa.exists().where(
        IdeaMember.idea_id == idea_id,
        IdeaMember.user_id == user_id,
        IdeaMember.status == MemberStatus.ACCEPTED,
    )
    voted = sa.exists().where(Vote.user_id == user_id, Vote.idea_id == idea_id)
    spent = _spending_one(
        postgresql_insert(Ballot).from_select(
            ["user_id", "challenge_id", "budget", "used"],
            select(
                user_id, challenge_id, sa.bindparam("budget", type_=sa.Integer), sa.literal(1)
            ).where(~on_team, ~voted),
        )
    ).cte("spent")
    vote = _once_per_idea(
        postgresql_insert(Vote).from_select(
            ["user_id", "idea_id", "challenge_id", "created_at", "source_hash"],
            select(
                user_id,
                idea_id,
                challenge_id,
                sa.bindparam("voted_at", type_=Vote.__table__.c.created_at.type),
                sa.bindparam("source_hash", type_=Vote.__table__.c.source_hash.type),
            ).where(sa.exists(select(spent.c.used))),
        )
    ).cte("new_vote")
    counted = (
        update(Idea)
        .where(Idea.id == idea_id, sa.exists(select(vote.c.id)))
        .values(vote_count=Idea.vote_count + 1)
        .cte("counted")
    )
    return select(
        select(spent.c.used).scalar_subquery(), select(vote.c.id).scalar_subquery()
    ).add_cte(counted)


_WHOLE_VOTE = _whole_vote()
_ON_TEAM_OR_VOTED = select(
    sa.exists().where(
        IdeaMember.idea_id == sa.bindparam("idea_id"),
        IdeaMember.user_id == sa.bindparam("user_id"),
        IdeaMember.status == MemberStatus.ACCEPTED,
    ),
    sa.exists().where(
        Vote.user_id == sa.bindparam("user_id"), Vote.idea_id == sa.bindparam("idea_id")
    ),
)
_COUNT_ONE_VOTE = (
    update(Idea)
    .where(Idea.id == sa.bindparam("idea_id"))
    .values(vote_count=Idea.vote_count + 1)
    .execution_options(**_NO_SYNC)
)


def _on_team_or_voted(user: User, idea: Idea) -> tuple[bool, bool]:
    """Whether the user is on the idea's team, and whether they voted for it: one query."""
    if idea.author_id == user.id:
        return True, False
    row = db.session.execute(_ON_TEAM_OR_VOTED, {"idea_id": idea.id, "user_id": user.id}).one()
    return bool(row[0]), bool(row[1])


def _move_ballot(user_id: int, challenge_id: int, step: int) -> None:
    db.session.execute(
        update(Ballot)
        .where(Ballot.user_id == user_id, Ballot.challenge_id == challenge_id)
        .values(used=Ballot.used + step)
        .execution_options(**_NO_SYNC)
    )


def _move_counters(user_id: int, idea: Idea, step: int) -> None:
    _move_ballot(user_id, idea.challenge_id, step)
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(vote_count=Idea.vote_count + step)
        .execution_options(**_NO_SYNC)
    )


def voter_refusal(user: User, challenge: Challenge) -> str | None:
    """Why the account itself may not vote in ``challenge`` (its e-mail address
    is not verified, or the challenge admits only accounts that existed before
    voting opened), or None when it may."""
    if not user.is_verified:
        return str(
            _l("Please confirm your e-mail address before you vote: open the link we sent you.")
        )
    if challenge.voters_registered_before_voting and user.created_at >= challenge.voting_open_at:
        return str(
            _l(
                "In this challenge only accounts created before voting opened can vote, "
                "and your account is newer."
            )
        )
    return None


def check_voter(user: User, challenge: Challenge) -> None:
    """Raise Conflict with the reason when the account may not vote in ``challenge``."""
    refusal = voter_refusal(user, challenge)
    if refusal is not None:
        raise Conflict(refusal)


def cast_vote(user: User, idea: Idea, *, remote_addr: str | None = None) -> int:
    """Give ``idea`` one of the user's votes in its challenge; returns the vote's id.

    Conflict when voting is not open, the account may not vote (unverified
    e-mail, or registered too late when the challenge requires it), the idea is
    not published, it is the user's own team's idea, they voted for it already,
    or the budget is spent. ``remote_addr`` is kept only as a keyed hash of its
    network (see ``votes.integrity``).
    """
    challenge = idea.challenge
    if challenge.phase is not Phase.VOTING:
        raise Conflict(_l("Voting is not open in this challenge."))
    check_voter(user, challenge)
    if idea.status is not IdeaStatus.PUBLISHED:
        raise Conflict(_l("Only published ideas can receive votes."))
    if idea.author_id == user.id:
        raise Conflict(_l("You cannot vote for your own team's idea."))
    params = {
        "user_id": user.id,
        "idea_id": idea.id,
        "in_challenge": challenge.id,
        "budget": challenge.vote_budget,
        "voted_at": utcnow(),
        "source_hash": network_hash(remote_addr),
    }
    used, vote_id = _spend_and_insert(user, idea, params)
    if used is None:
        on_team, voted = _on_team_or_voted(user, idea)
        if on_team:
            raise Conflict(_l("You cannot vote for your own team's idea."))
        if voted:
            raise Conflict(_l("You have already voted for this idea."))
        ballot = ballot_for(user, challenge)
        budget = ballot.budget if ballot is not None else challenge.vote_budget
        raise Conflict(
            _l(
                "You have used all your %(n)d votes in this challenge. Withdraw a vote to vote "
                "for another idea.",
                n=budget,
            )
        )
    if vote_id is None:
        # A vote for this idea came in between the check and the insert (a double
        # click): give back the vote just spent, so nothing half-done stays.
        _move_ballot(user.id, challenge.id, -1)
        raise Conflict(_l("You have already voted for this idea."))
    db.session.expire(idea, ["vote_count"])
    return int(vote_id)


def _spend_and_insert(user: User, idea: Idea, params: dict[str, Any]) -> tuple[Any, Any]:
    """The ballot's use after spending one vote (None when the voter is on the
    team, voted already or spent the budget) and the new vote's id (None when a
    vote for the idea came in meanwhile)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # As a plain statement (the ORM would compile it as its own, and gain nothing).
        used, vote_id = db.session.connection().execute(_WHOLE_VOTE, params).one()
        return used, vote_id
    return _vote_step_by_step(user, idea, params)


def _vote_step_by_step(user: User, idea: Idea, params: dict[str, Any]) -> tuple[Any, Any]:
    """``_whole_vote`` on SQLite, whose statements cannot write in a WITH: the
    ballot's use (None when on the team, voted already or the budget is spent)
    and the new vote's id (None when one came in meanwhile)."""
    on_team, voted = _on_team_or_voted(user, idea)
    if on_team or voted:
        return None, None
    ballot = {"user_id": user.id, "challenge_id": params["in_challenge"]}
    used = db.session.scalar(_SPEND_ONE_VOTE, {**ballot, "budget": params["budget"]})
    if used is None:
        return None, None
    vote = {"idea_id": idea.id, "created_at": params["voted_at"]}
    vote["source_hash"] = params["source_hash"]
    vote_id = db.session.scalar(_INSERT_VOTE, {**ballot, **vote})
    if vote_id is not None:
        db.session.execute(_COUNT_ONE_VOTE, {"idea_id": idea.id})
    return used, vote_id


def withdraw_vote(user: User, idea: Idea) -> None:
    """Take back the user's vote for ``idea``; only while voting is open."""
    if idea.challenge.phase is not Phase.VOTING:
        raise Conflict(_l("Votes can only be withdrawn while voting is open."))
    if not discard_vote(user, idea):
        raise Conflict(_l("You have not voted for this idea."))


def ideas_voted_and_hidden(user: User, challenge: Challenge) -> list[Idea]:
    """The ideas in ``challenge`` the user voted for that are no longer published
    (a moderator hid them, or they wait for review): the user cannot open them to
    take the vote back, and such ideas cannot win."""
    return list(
        db.session.scalars(
            select(Idea)
            .join(Vote, Vote.idea_id == Idea.id)
            .where(
                Vote.user_id == user.id,
                Vote.challenge_id == challenge.id,
                Idea.status != IdeaStatus.PUBLISHED,
            )
            .order_by(Idea.id)
        )
    )


# Built once: a logged-in reader's challenge page asks it while voting is open.
def _hidden_votes() -> sa.ColumnElement[int]:
    return (
        select(func.count())
        .select_from(Vote)
        .join(Idea, Vote.idea_id == Idea.id)
        .where(
            Vote.user_id == sa.bindparam("user_id"),
            Vote.challenge_id == sa.bindparam("hidden_in"),
            Idea.status != IdeaStatus.PUBLISHED,
        )
        .scalar_subquery()
    )


def hidden_votes_question(user: User, challenge_id: int) -> Question:
    """How many of ``ideas_voted_and_hidden`` there are (the challenge page's
    notice asks it with the page's other personal parts)."""
    return Question(_hidden_votes, {"user_id": user.id, "hidden_in": challenge_id})


def hidden_vote_count(user: User, challenge_id: int) -> int:
    """The ``hidden_votes_question`` asked alone."""
    count: int | None = ask_together({"hidden": hidden_votes_question(user, challenge_id)})[
        "hidden"
    ]
    return count or 0


def withdraw_hidden_votes(user: User, challenge: Challenge) -> int:
    """Give the user back their votes for ideas hidden since; only while voting is
    open. Returns how many."""
    if challenge.phase is not Phase.VOTING:
        raise Conflict(_l("Votes can only be withdrawn while voting is open."))
    return sum(discard_vote(user, idea) for idea in ideas_voted_and_hidden(user, challenge))


def discard_vote(user: User, idea: Idea) -> bool:
    """Remove the user's vote for ``idea`` if there is one, counters kept right,
    whatever the phase (a voter who joins the idea's team loses that vote).
    True when a vote was removed."""
    # Deleting first means only one of two concurrent withdrawals finds the row.
    result = db.session.execute(
        delete(Vote)
        .where(Vote.user_id == user.id, Vote.idea_id == idea.id)
        .execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    _move_counters(user.id, idea, -1)
    db.session.expire(idea, ["vote_count"])
    return True
