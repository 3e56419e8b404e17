"""Loading the demo through the domain services, so counters and rules hold.

Ideas can only be submitted while a challenge accepts them and votes only cast
while voting is open, so each challenge is created with its real dates, briefly
opened for submissions and then for voting (dates moved in this transaction
only), and given its real dates back. Timestamps are then set to fit the story.

Loading is idempotent: accounts are found by e-mail, and an event whose slug
exists is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select

from inhabithon.accounts.models import Role, User
from inhabithon.accounts.services import find_user_by_email, register_user, set_roles
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.challenges.services import ChallengeData, create_challenge
from inhabithon.comments.models import Comment
from inhabithon.comments.services import add_comment
from inhabithon.db import db, utcnow
from inhabithon.demo.content import (
    DEMO_PASSWORD,
    EVENTS,
    USERS,
    DemoChallenge,
    DemoEvent,
    DemoUser,
)
from inhabithon.demo.projects import load_projects
from inhabithon.demo.results import JURORS, load_results
from inhabithon.events.models import Event
from inhabithon.events.services import EventData, create_event
from inhabithon.ideas.models import AuthorDisplay, Idea, IdeaMember
from inhabithon.ideas.services import IdeaData, accept_invitation, invite_member, submit_idea
from inhabithon.outreach.services import submit_on_behalf
from inhabithon.votes.models import Vote
from inhabithon.votes.services import cast_vote
from inhabithon.weekend.demo import load_weekend

_PHASE_FIELDS = (
    "submissions_open_at",
    "voting_open_at",
    "jury_review_at",
    "results_at",
    "archived_at",
)


@dataclass
class LoadReport:
    created_users: list[str] = field(default_factory=list)
    created_events: list[str] = field(default_factory=list)
    skipped_events: list[str] = field(default_factory=list)


def _when(value: dt.datetime | dt.timedelta, now: dt.datetime) -> dt.datetime:
    return now + value if isinstance(value, dt.timedelta) else value


def _users(report: LoadReport) -> dict[str, User]:
    users: dict[str, User] = {}
    for demo in USERS:
        users[demo.key] = _user(demo, report)
    return users


def _user(demo: DemoUser, report: LoadReport) -> User:
    user = find_user_by_email(demo.email)
    if user is None:
        user = register_user(demo.email, demo.name, DEMO_PASSWORD, demo.locale)
        # Demo people have confirmed their addresses, so they can vote at once.
        user.email_verified_at = utcnow()
        report.created_users.append(demo.email)
    if demo.role is not Role.RESIDENT and not user.has_role(demo.role):
        set_roles(None, user, {r.role for r in user.roles} | {demo.role})
    return user


@contextmanager
def _phase_now(challenge: Challenge, phase: Phase) -> Iterator[None]:
    """Put ``challenge`` in ``phase`` for the duration, then restore its dates."""
    saved = {name: getattr(challenge, name) for name in _PHASE_FIELDS}
    now = utcnow()
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    opened = now - hour if phase is Phase.SUBMISSIONS else now - day
    challenge.submissions_open_at = opened
    challenge.voting_open_at = now + day if phase is Phase.SUBMISSIONS else now - hour
    challenge.jury_review_at = now + 2 * day
    challenge.results_at = None
    challenge.archived_at = None
    db.session.flush()
    assert challenge.phase is phase
    yield
    for name, value in saved.items():
        setattr(challenge, name, value)
    db.session.flush()


def _spread(start: dt.datetime, end: dt.datetime, index: int, count: int) -> dt.datetime:
    """The ``index``-th of ``count`` moments evenly inside (start, end)."""
    return start + (end - start) * (index + 1) / (count + 1)


def _create_challenge(
    demo: DemoChallenge, event: Event, official: User, now: dt.datetime
) -> Challenge:
    t = demo.timeline
    return create_challenge(
        official,
        event,
        ChallengeData(
            slug=demo.slug,
            title=demo.title,
            category=demo.category,
            summary=demo.summary,
            description_md=demo.description,
            submissions_open_at=_when(t.submissions_open_at, now),
            voting_open_at=_when(t.voting_open_at, now),
            jury_review_at=_when(t.jury_review_at, now),
            results_at=_when(t.results_at, now) if t.results_at is not None else None,
            is_published=True,
        ),
    )


def _load_challenge(
    demo: DemoChallenge, event: Event, users: dict[str, User], official: User, now: dt.datetime
) -> None:
    challenge = _create_challenge(demo, event, official, now)
    ideas: dict[str, Idea] = {}
    comments: dict[str, Comment] = {}
    vote_ids: list[int] = []
    with _phase_now(challenge, Phase.SUBMISSIONS):
        for item in demo.ideas:
            author = users[item.author]
            data = IdeaData(item.title, item.summary, item.body, item.language, item.anonymous)
            if item.contact_center:
                # ``author`` is the guide who wrote it down; the idea has no account.
                idea = submit_on_behalf(challenge, author, data)
            else:
                idea = submit_idea(challenge, author, data)
            for key in item.team:
                invite_member(idea, author, users[key].email)
                accept_invitation(idea, users[key])
            ideas[item.key] = idea
        for c in demo.comments:
            idea = ideas[c.idea]
            comments[c.key] = add_comment(
                idea,
                users[c.author],
                c.body,
                language="sv",
                anonymous=c.anonymous,
                display=AuthorDisplay.PSEUDONYM if c.pseudonym else None,
                parent=comments[c.parent] if c.parent else None,
            )
    if demo.votes:
        with _phase_now(challenge, Phase.VOTING):
            for voter, keys in demo.votes.items():
                vote_ids.extend(cast_vote(users[voter], ideas[key]) for key in keys)
    votes = db.session.scalars(select(Vote).where(Vote.id.in_(vote_ids)).order_by(Vote.id))
    _date(challenge, ideas, comments, list(votes), now)


def _date(
    challenge: Challenge,
    ideas: dict[str, Idea],
    comments: dict[str, Comment],
    votes: list[Vote],
    now: dt.datetime,
) -> None:
    """Timestamps that fit the story: ideas while submissions were open,
    comments after their idea, votes while voting was open."""
    submissions_end = min(challenge.voting_open_at, now)
    for i, idea in enumerate(ideas.values()):
        idea.created_at = idea.updated_at = _spread(
            challenge.submissions_open_at, submissions_end, i, len(ideas)
        )
        for member in idea.members:
            member.created_at = idea.created_at
            member.accepted_at = idea.created_at
    talk_end = min(challenge.jury_review_at, now)
    per_idea: dict[int, list[Comment]] = {}
    for comment in comments.values():
        per_idea.setdefault(comment.idea_id, []).append(comment)
    by_id = {idea.id: idea for idea in ideas.values()}
    for idea_id, thread in per_idea.items():
        start = by_id[idea_id].created_at
        for i, comment in enumerate(thread):
            comment.created_at = comment.updated_at = _spread(start, talk_end, i, len(thread))
    voting_end = min(challenge.jury_review_at, now)
    for i, vote in enumerate(votes):
        vote.created_at = _spread(challenge.voting_open_at, voting_end, i, len(votes))
    db.session.flush()


def _load_event(demo: DemoEvent, users: dict[str, User], now: dt.datetime) -> Event:
    official = users["official"]
    event = create_event(
        official,
        EventData(
            slug=demo.slug,
            name=demo.name,
            place=demo.place,
            starts_at=_when(demo.starts_at, now),
            ends_at=_when(demo.ends_at, now),
            description_md=demo.description,
        ),
    )
    for challenge in demo.challenges:
        _load_challenge(challenge, event, users, official, now)
    return event


def load_demo() -> LoadReport:
    """Add the demo accounts and events that are missing; flush, never commit."""
    report = LoadReport()
    now = utcnow()
    users = _users(report)
    for demo in EVENTS:
        if db.session.scalar(select(Event.id).where(Event.slug == demo.slug)) is not None:
            report.skipped_events.append(demo.name)
            continue
        _load_event(demo, users, now)
        report.created_events.append(demo.name)
    jurors = [users["jury"], *(_user(demo, report) for demo in JURORS)]
    load_results(jurors, users["official"])
    load_projects(users["official"])
    load_weekend(users["official"])
    db.session.flush()
    return report


def totals() -> dict[str, int]:
    """Row counts of what the demo shows, for the summary."""
    models = {
        "users": User,
        "events": Event,
        "challenges": Challenge,
        "ideas": Idea,
        "team members": IdeaMember,
        "comments": Comment,
        "votes": Vote,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in models.items()
    }
