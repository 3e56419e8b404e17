"""Small factories that build the world a test needs, through the services
where a rule (a counter, a team) must hold."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy.orm import Session

from inhabithon.accounts.models import Role, User, UserRole
from inhabithon.accounts.services import canonical_email
from inhabithon.challenges.models import Challenge, ChallengeTranslation, Phase
from inhabithon.comments.models import Comment
from inhabithon.db import utcnow
from inhabithon.events.models import Event
from inhabithon.ideas.models import AuthorDisplay, Idea, IdeaMember, MemberStatus
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryRound,
    JuryScore,
    JuryScoreSheet,
    PairwiseComparison,
)
from inhabithon.markdown import render
from inhabithon.votes.models import Vote
from inhabithon.votes.services import cast_vote

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_password_hash: str | None = None


def _hash() -> str:
    # Hashing is deliberately slow; every test user shares one hash.
    global _password_hash
    if _password_hash is None:
        from inhabithon.accounts.services import hash_password

        _password_hash = hash_password(PASSWORD)
    return _password_hash


def phase_dates(phase: Phase, now: dt.datetime | None = None) -> dict[str, Any]:
    """Dates that put a challenge in ``phase`` now."""
    now = now or utcnow()
    day = dt.timedelta(days=1)
    offsets = {
        Phase.DRAFT: -1,
        Phase.UPCOMING: 1,
        Phase.SUBMISSIONS: 0,
        Phase.VOTING: -1,
        Phase.JURY: -2,
        Phase.RESULTS: -3,
        Phase.ARCHIVED: -4,
    }
    start = now + day * offsets[phase] - dt.timedelta(hours=1)
    if phase is Phase.UPCOMING:
        start = now + day
    dates: dict[str, Any] = {
        "submissions_open_at": start,
        "voting_open_at": start + day,
        "jury_review_at": start + 2 * day,
        "results_at": start + 3 * day if phase in (Phase.RESULTS, Phase.ARCHIVED) else None,
        "archived_at": start + 4 * day if phase is Phase.ARCHIVED else None,
    }
    return dates


class Factory:
    """Builds rows in the test's transaction; ``with factory.context()`` runs
    service code with the test's session as the request session."""

    def __init__(self, app: Flask, session: Session) -> None:
        self.app = app
        self.session = session

    @contextmanager
    def context(self) -> Iterator[None]:
        with self.app.test_request_context():
            g.db_session = self.session
            try:
                yield
            finally:
                g.pop("db_session", None)
        self.session.commit()

    def _save(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.commit()
        return obj

    def user(
        self,
        *roles: Role,
        email: str | None = None,
        name: str | None = None,
        locale: str = "en",  # tests read English; language tests pass another
        verified: bool = True,
        **kw: Any,
    ) -> User:
        n = next(_counter)
        address = email or f"user{n}@example.org"
        user = User(
            email=address,
            email_canonical=canonical_email(address),
            email_verified_at=utcnow() if verified else None,
            display_name=name or f"Resident {n}",
            password_hash=_hash(),
            locale=locale,
            **kw,
        )
        user.roles = [UserRole(role=r) for r in roles if r is not Role.RESIDENT]
        return self._save(user)

    def event(self, **kw: Any) -> Event:
        n = next(_counter)
        now = utcnow()
        values: dict[str, Any] = {
            "slug": f"event-{n}",
            "name": f"Inhabithon {n}",
            "place": "Prismahuset, Oceanhamnen",
            "starts_at": now - dt.timedelta(days=1),
            "ends_at": now + dt.timedelta(days=30),
            "description_md": "An **event**.",
        }
        values.update(kw)
        values["description_html"] = render(values["description_md"])
        return self._save(Event(**values))

    def challenge(
        self, phase: Phase = Phase.SUBMISSIONS, event: Event | None = None, **kw: Any
    ) -> Challenge:
        n = next(_counter)
        values: dict[str, Any] = {
            "slug": f"challenge-{n}",
            "title": f"Challenge {n}",
            "category": "Trygghet",
            "summary": "How can residents feel safe?",
            "description_md": "A *challenge*.",
            "is_published": phase is not Phase.DRAFT,
            "vote_budget": 3,
            **phase_dates(phase),
        }
        values.update(kw)
        values["description_html"] = render(values["description_md"])
        return self._save(Challenge(event=event or self.event(), **values))

    def challenge_translation(
        self, challenge: Challenge, language: str = "en", **kw: Any
    ) -> ChallengeTranslation:
        values: dict[str, Any] = {
            "title": f"{challenge.title} ({language})",
            "summary": "",
            "description_md": "",
            **kw,
        }
        values["description_html"] = render(values["description_md"])
        translation = ChallengeTranslation(challenge_id=challenge.id, language=language, **values)
        saved = self._save(translation)
        self.session.expire(challenge, ["translations"])
        return saved

    def idea(
        self,
        challenge: Challenge | None = None,
        author: User | None = None,
        *,
        anonymous: bool = False,
        **kw: Any,
    ) -> Idea:
        """An idea written directly (not through the phase check), counters kept."""
        challenge = challenge or self.challenge()
        author = author or self.user()
        n = next(_counter)
        body = kw.pop("body_md", f"Body of idea {n}.")
        idea = Idea(
            challenge=challenge,
            author_id=author.id,
            title=kw.pop("title", f"Idea {n}"),
            summary=kw.pop("summary", f"Summary of idea {n}."),
            body_md=body,
            body_html=render(body),
            author_display=AuthorDisplay.ANONYMOUS if anonymous else AuthorDisplay.NAME,
            **kw,
        )
        idea.members = [
            IdeaMember(
                user_id=author.id, is_owner=True, status=MemberStatus.ACCEPTED, accepted_at=utcnow()
            )
        ]
        challenge.idea_count += 1
        return self._save(idea)

    def comment(
        self, idea: Idea, author: User | None = None, parent: Comment | None = None, **kw: Any
    ) -> Comment:
        author = author or self.user()
        body = kw.pop("body_md", "A comment.")
        comment = Comment(
            idea_id=idea.id,
            author_id=author.id,
            parent_id=parent.id if parent else None,
            body_md=body,
            body_html=render(body),
            **kw,
        )
        idea.comment_count += 1
        return self._save(comment)

    def sheet(
        self, juror: Juror, idea: Idea, values: list[int] | None = None, **kw: Any
    ) -> JuryAssignment:
        """An assignment of ``idea`` to ``juror`` with a score sheet of ``values``
        (one per criterion in order; fewer make an incomplete sheet; None: no sheet)."""
        assignment = JuryAssignment(juror_id=juror.id, idea_id=idea.id, **kw)
        if values is not None:
            criteria = sorted(
                self.session.get(JuryRound, juror.round_id).criteria, key=lambda c: c.position
            )
            assignment.sheet = JuryScoreSheet(
                scores=[
                    JuryScore(criterion_id=c.id, value=v)
                    for c, v in zip(criteria, values, strict=False)
                ]
            )
        return self._save(assignment)

    def comparison(
        self, juror: Juror, winner: Idea, loser: Idea, *, undone: bool = False
    ) -> PairwiseComparison:
        return self._save(
            PairwiseComparison(
                juror_id=juror.id,
                winner_id=winner.id,
                loser_id=loser.id,
                undone_at=utcnow() if undone else None,
            )
        )

    def vote(self, user: User, idea: Idea) -> Vote:
        """A vote cast through ``cast_vote``: the phase, team and budget rules hold."""
        with self.context():
            vote_id = cast_vote(user, idea)
        vote = self.session.get(Vote, vote_id)
        assert vote is not None
        return vote

    # --- jury ------------------------------------------------------------------

    def jury_round(self, challenge: Challenge, criteria: int = 2, **kw: Any) -> Any:
        """A rubric round on the 0–4 scale with ``criteria`` criteria (weight 1)."""
        from inhabithon.jury.models import JuryCriterion, JuryRound

        labels = [f"Level {v}" for v in range(kw.get("scale_min", 0), kw.get("scale_max", 4) + 1)]
        jury_round = JuryRound(challenge_id=challenge.id, scale_labels=labels, **kw)
        jury_round.criteria = [
            JuryCriterion(name=f"Criterion {n}", description=f"Hint {n}", weight=1.0, position=n)
            for n in range(1, criteria + 1)
        ]
        return self._save(jury_round)

    def juror(self, jury_round: Any, user: User | None = None) -> Any:
        """A juror: ``user``, else a new English-speaking user with the jury role."""
        from inhabithon.jury.models import Juror

        user = user or self.user(Role.JURY, locale="en")
        return self._save(Juror(round_id=jury_round.id, user_id=user.id))

    def assignment(self, juror: Any, idea: Idea, **kw: Any) -> Any:
        from inhabithon.jury.models import JuryAssignment

        return self._save(JuryAssignment(juror_id=juror.id, idea_id=idea.id, **kw))
