"""Challenges: creating them, publishing them, moving their phase dates and vote budget."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, ChallengeTranslation, VoteVisibility
from inhabithon.content_translations import remove_translation, store_translation
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.events.models import Event
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.markdown import render
from inhabithon.notifications import services as notifications
from inhabithon.slugs import is_valid_slug, slug_from, slug_taken, unique_slug
from inhabithon.votes.models import Ballot

MIN_VOTE_BUDGET = 1
MAX_VOTE_BUDGET = 100
PHASE_FIELDS = (
    "submissions_open_at",
    "voting_open_at",
    "jury_review_at",
    "results_at",
    "archived_at",
)


@dataclass
class ChallengeData:
    """What an official enters for a challenge; datetimes are aware (UTC)."""

    title: str
    category: str
    submissions_open_at: dt.datetime
    voting_open_at: dt.datetime
    jury_review_at: dt.datetime
    results_at: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    summary: str = ""
    description_md: str = ""
    language: str = "sv"
    vote_budget: int = 3
    is_published: bool = False
    slug: str | None = None  # None or "": made from the title
    vote_visibility: VoteVisibility = VoteVisibility.ALWAYS
    voters_registered_before_voting: bool = False
    team_size_max: int = 6  # the most people in a weekend team


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _phase_dates(obj: Challenge | ChallengeData) -> dict[str, str | None]:
    return {name: _iso(getattr(obj, name)) for name in PHASE_FIELDS}


def check_phase_order(data: ChallengeData) -> None:
    """Each phase starts after the one before it; raise on the first that does not."""
    if data.voting_open_at <= data.submissions_open_at:
        raise InvalidInput(_l("Voting must open after submissions open."), field="voting_open_at")
    if data.jury_review_at <= data.voting_open_at:
        raise InvalidInput(_l("Jury review must start after voting opens."), field="jury_review_at")
    if data.results_at is not None and data.results_at <= data.jury_review_at:
        raise InvalidInput(
            _l("Results must be published after jury review starts."), field="results_at"
        )
    if data.archived_at is not None:
        if data.archived_at <= data.jury_review_at:
            raise InvalidInput(
                _l("The challenge can only be archived after jury review starts."),
                field="archived_at",
            )
        if data.results_at is not None and data.archived_at <= data.results_at:
            raise InvalidInput(
                _l("The challenge can only be archived after the results are published."),
                field="archived_at",
            )


def _check(data: ChallengeData) -> None:
    if not data.title.strip():
        raise InvalidInput(_l("Enter the challenge's title."), field="title")
    if not data.category.strip():
        raise InvalidInput(_l("Enter a category, for example Trygghet."), field="category")
    if data.language not in CONTENT_LANGUAGES:
        raise InvalidInput(_l("Choose a language from the list."), field="language")
    if not MIN_VOTE_BUDGET <= data.vote_budget <= MAX_VOTE_BUDGET:
        raise InvalidInput(
            _l(
                "The vote budget must be between %(min)d and %(max)d.",
                min=MIN_VOTE_BUDGET,
                max=MAX_VOTE_BUDGET,
            ),
            field="vote_budget",
        )
    if not 2 <= data.team_size_max <= 50:
        raise InvalidInput(_l("A team may have from 2 to 50 people."), field="team_size_max")
    check_phase_order(data)


def _slug_for(data: ChallengeData, challenge: Challenge | None) -> str:
    exclude = challenge.id if challenge is not None else None
    typed = (data.slug or "").strip()
    if not typed:
        return unique_slug(Challenge, slug_from(data.title, "challenge"), exclude)
    if not is_valid_slug(typed):
        raise InvalidInput(
            _l("Use only lowercase letters a–z, digits and hyphens in the address."), field="slug"
        )
    if slug_taken(Challenge, typed, exclude):
        raise Conflict(_l("Another challenge already has this address."), field="slug")
    return typed


def _apply(challenge: Challenge, data: ChallengeData, slug: str) -> None:
    challenge.slug = slug
    challenge.title = data.title.strip()
    challenge.category = data.category.strip()
    challenge.summary = data.summary.strip()
    challenge.description_md = data.description_md
    challenge.description_html = render(data.description_md)
    challenge.language = data.language
    challenge.is_published = data.is_published
    challenge.vote_visibility = VoteVisibility(data.vote_visibility)
    challenge.voters_registered_before_voting = data.voters_registered_before_voting
    challenge.team_size_max = data.team_size_max
    for name in PHASE_FIELDS:
        setattr(challenge, name, getattr(data, name))


def create_challenge(actor: User | None, event: Event, data: ChallengeData) -> Challenge:
    """Create a challenge in ``event``: a draft unless ``data.is_published``."""
    _check(data)
    slug = _slug_for(data, None)
    challenge = Challenge(event=event, idea_count=0, vote_budget=data.vote_budget)
    db.session.add(challenge)
    _apply(challenge, data, slug)
    db.session.flush()
    record(
        actor,
        "challenge.created",
        challenge,
        after={
            "event": event.slug,
            "slug": challenge.slug,
            "title": challenge.title,
            "is_published": challenge.is_published,
            "vote_budget": challenge.vote_budget,
            "vote_visibility": challenge.vote_visibility.value,
            "voters_registered_before_voting": challenge.voters_registered_before_voting,
            **_phase_dates(challenge),
        },
    )
    if challenge.is_published:
        record(
            actor,
            "challenge.published",
            challenge,
            before={"is_published": False},
            after={"is_published": True},
        )
    return challenge


def _set_budget(challenge: Challenge, budget: int) -> None:
    """Change the budget of the challenge and of every ballot already given out.

    Lowering it below what a resident has already spent is refused; the ballots'
    CHECK constraint refuses it too if a vote lands between the check and the update.
    """
    most_used = db.session.scalar(
        select(func.max(Ballot.used)).where(Ballot.challenge_id == challenge.id)
    )
    if most_used is not None and budget < most_used:
        raise Conflict(
            _l(
                "A resident has already used %(used)d votes in this challenge, so the budget "
                "cannot be lower than %(used)d.",
                used=most_used,
            ),
            field="vote_budget",
        )
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(Ballot).where(Ballot.challenge_id == challenge.id).values(budget=budget)
            )
    except IntegrityError:
        raise Conflict(
            _l("Votes were cast while you changed the budget. Please try again."),
            field="vote_budget",
        ) from None
    challenge.vote_budget = budget


def update_challenge(actor: User | None, challenge: Challenge, data: ChallengeData) -> Challenge:
    """Change a challenge; publication, phase dates and budget changes are audited."""
    _check(data)
    slug = _slug_for(data, challenge)
    dates_before = _phase_dates(challenge)
    budget_before = challenge.vote_budget
    was_published = challenge.is_published
    visibility_before = challenge.vote_visibility
    early_voters_before = challenge.voters_registered_before_voting

    if data.vote_budget != budget_before:
        _set_budget(challenge, data.vote_budget)
    _apply(challenge, data, slug)
    if db.session.is_modified(challenge):
        challenge.updated_at = utcnow()
    db.session.flush()

    dates_after = _phase_dates(challenge)
    if dates_after != dates_before:
        record(actor, "challenge.phases_changed", challenge, before=dates_before, after=dates_after)
    if dates_after != dates_before or challenge.is_published != was_published:
        # Phases follow the dates: an edit may start a new one at once.
        notifications.check_phase(challenge, actor)
    if challenge.vote_budget != budget_before:
        record(
            actor,
            "challenge.budget_changed",
            challenge,
            before={"vote_budget": budget_before},
            after={"vote_budget": challenge.vote_budget},
        )
    if challenge.vote_visibility != visibility_before:
        record(
            actor,
            "challenge.vote_visibility_changed",
            challenge,
            before={"vote_visibility": visibility_before.value},
            after={"vote_visibility": challenge.vote_visibility.value},
        )
    if challenge.voters_registered_before_voting != early_voters_before:
        record(
            actor,
            "challenge.voter_registration_rule_changed",
            challenge,
            before={"voters_registered_before_voting": early_voters_before},
            after={"voters_registered_before_voting": challenge.voters_registered_before_voting},
        )
    if challenge.is_published != was_published:
        record(
            actor,
            "challenge.published" if challenge.is_published else "challenge.unpublished",
            challenge,
            before={"is_published": was_published},
            after={"is_published": challenge.is_published},
        )
    return challenge


# --- translations of a challenge's texts ----------------------------------------


@dataclass
class TranslationData:
    """An official's translation of a challenge's title, summary and description."""

    title: str
    summary: str = ""
    description_md: str = ""


def translation_languages(challenge: Challenge) -> list[str]:
    """The interface languages a challenge can be translated into (not its own)."""
    return [code for code in current_app.config["LANGUAGES"] if code != challenge.language]


def _translation(challenge: Challenge, language: str) -> ChallengeTranslation | None:
    return db.session.scalar(
        select(ChallengeTranslation).where(
            ChallengeTranslation.challenge_id == challenge.id,
            ChallengeTranslation.language == language,
        )
    )


def save_challenge_translation(
    actor: User | None, challenge: Challenge, language: str, data: TranslationData
) -> ChallengeTranslation:
    """Add or replace the translation of ``challenge`` into ``language``."""
    if language not in translation_languages(challenge):
        raise InvalidInput(
            _l("Choose one of the interface languages other than the challenge's own."),
            field="language",
        )
    if not data.title.strip():
        raise InvalidInput(_l("Enter the translated title."), field="title")
    translation = _translation(challenge, language)
    created = translation is None
    if translation is None:
        translation = ChallengeTranslation(challenge_id=challenge.id, language=language)
        db.session.add(translation)
    translation.title = data.title.strip()
    translation.summary = data.summary.strip()
    translation.description_md = data.description_md
    translation.description_html = render(data.description_md)
    translation.updated_at = utcnow()
    store_translation(actor, challenge, translation, created=created, domain="challenge")
    return translation


def delete_challenge_translation(actor: User | None, challenge: Challenge, language: str) -> None:
    """Remove the translation of ``challenge`` into ``language``; 409 if there is none."""
    remove_translation(actor, challenge, _translation(challenge, language), domain="challenge")
