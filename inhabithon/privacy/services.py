"""A resident's own data: everything we hold about them as one JSON document,
and deleting the account (personal data gone, content kept as "Deleted user").

Deletion keeps the ``users`` row (votes, jury sheets and audit entries point at
it) but empties it: a placeholder address that cannot receive mail, no name, a
password hash no password matches, no roles, no tokens, a bumped session
version. Ideas and comments lose their author link (``author_id`` NULL), so
every page and export shows them as written by a deleted user; pseudonyms lose
their account link. Votes in challenges whose voting is still open are
withdrawn, so deleting and registering again never gives a second ballot;
votes in challenges where voting has closed stay, so published counts and
results do not change afterwards.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import AccountToken, Pseudonym, Role, User, UserRole
from inhabithon.accounts.services import password_matches
from inhabithon.audit.models import AuditEntry
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.comments.models import Comment
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import Idea, IdeaMember
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryConflict,
    JuryRound,
    JuryScoreSheet,
    PairwiseComparison,
)
from inhabithon.mail.models import OutgoingMail
from inhabithon.moderation.models import Flag
from inhabithon.notifications import services as notifications
from inhabithon.projects.models import Project, ProjectFollower
from inhabithon.teams import services as teams
from inhabithon.votes.models import Ballot, Vote
from inhabithon.votes.services import discard_vote
from inhabithon.weekend import services as weekend

EXPORT_FORMAT = 1
# Keys that may carry someone's personal data inside audit values.
PERSONAL_KEYS = frozenset({"email", "new_email", "old_email", "display_name", "name"})
# The placeholder's domain is reserved (RFC 6761): no mail can ever reach it.
DELETED_DOMAIN = "invalid"
# Not an argon2 hash: verifying any password against it fails.
UNUSABLE_PASSWORD_HASH = "!deleted"  # noqa: S105 - a marker, not a password


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- export ----------------------------------------------------------------------


def export_user_data(user: User) -> dict[str, Any]:
    """Everything stored about ``user``, one query per kind of data.

    Only the user's own personal data: other people appear as ids of the
    content involved, never with their names or addresses.
    """
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _when(utcnow()),
        "profile": _profile(user),
        "pseudonyms": _pseudonyms(user),
        "ideas": _ideas(user),
        "ideas_submitted_on_behalf": _ideas_on_behalf(user),
        "comments": _comments(user),
        "comments_submitted_on_behalf": _comments_on_behalf(user),
        "votes": _votes(user),
        "ballots": _ballots(user),
        "team_memberships": _memberships(user),
        "flags": _flags(user),
        "project_follows": _follows(user),
        "notifications": notifications.export_for(user),
        "event_signups": weekend.export_signups(user),
        "weekend_teams": teams.export_for(user),
        "jury": _jury(user),
        "audit_entries": _audit(user),
    }


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "created_at": _when(user.created_at),
        "email_verified_at": _when(user.email_verified_at),
        "password_changed_at": _when(user.password_changed_at),
        "suspended_at": _when(user.suspended_at),
        "roles": sorted(r.value for r in user.role_set),
    }


def _pseudonyms(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Pseudonym.name, Pseudonym.created_at, Challenge.slug)
        .join(Challenge, Challenge.id == Pseudonym.challenge_id)
        .where(Pseudonym.user_id == user.id)
        .order_by(Pseudonym.id)
    )
    return [{"challenge": r.slug, "name": r.name, "created_at": _when(r.created_at)} for r in rows]


def _ideas(user: User) -> list[dict[str, Any]]:
    ideas = db.session.scalars(
        select(Idea)
        .options(selectinload(Idea.challenge))
        .where(Idea.author_id == user.id)
        .order_by(Idea.id)
    )
    return [
        {
            "id": i.id,
            "challenge": i.challenge.slug,
            "title": i.title,
            "summary": i.summary,
            "body_markdown": i.body_md,
            "language": i.language,
            "shown_as": i.author_display.value,
            "pseudonym": i.pseudonym.name if i.pseudonym is not None else None,
            "origin": i.origin.value,
            "status": i.status.value,
            "moderation_reason": i.moderation_reason,
            "votes": i.vote_count,
            "comments": i.comment_count,
            "created_at": _when(i.created_at),
            "updated_at": _when(i.updated_at),
        }
        for i in ideas
    ]


def _ideas_on_behalf(user: User) -> list[dict[str, Any]]:
    """Ideas a guide brought in for residents: the guide's work, not the residents' data."""
    rows = db.session.execute(
        select(Idea.id, Idea.title, Idea.status, Idea.created_at)
        .where(Idea.submitted_by_id == user.id)
        .order_by(Idea.id)
    )
    return [
        {"id": r.id, "title": r.title, "status": r.status.value, "created_at": _when(r.created_at)}
        for r in rows
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    )
    return [
        {
            "id": c.id,
            "idea_id": c.idea_id,
            "reply_to": c.parent_id,
            "body_markdown": c.body_md,
            "language": c.language,
            "shown_as": c.author_display.value,
            "pseudonym": c.pseudonym.name if c.pseudonym is not None else None,
            "status": c.status.value,
            "moderation_reason": c.moderation_reason,
            "created_at": _when(c.created_at),
            "updated_at": _when(c.updated_at),
        }
        for c in comments
    ]


def _comments_on_behalf(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Comment.id, Comment.idea_id, Comment.status, Comment.created_at)
        .where(Comment.submitted_by_id == user.id)
        .order_by(Comment.id)
    )
    return [
        {
            "id": r.id,
            "idea_id": r.idea_id,
            "status": r.status.value,
            "created_at": _when(r.created_at),
        }
        for r in rows
    ]


def _votes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Vote.idea_id, Vote.created_at, Vote.source_hash, Idea.title, Challenge.slug)
        .join(Idea, Idea.id == Vote.idea_id)
        .join(Challenge, Challenge.id == Vote.challenge_id)
        .where(Vote.user_id == user.id)
        .order_by(Vote.id)
    )
    return [
        {
            "challenge": r.slug,
            "idea_id": r.idea_id,
            "idea_title": r.title,
            "created_at": _when(r.created_at),
            "network_hash": r.source_hash,
        }
        for r in rows
    ]


def _ballots(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Ballot.budget, Ballot.used, Challenge.slug)
        .join(Challenge, Challenge.id == Ballot.challenge_id)
        .where(Ballot.user_id == user.id)
        .order_by(Challenge.id)
    )
    return [{"challenge": r.slug, "budget": r.budget, "used": r.used} for r in rows]


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(IdeaMember, Idea.title)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .where(IdeaMember.user_id == user.id)
        .order_by(IdeaMember.idea_id)
    )
    return [
        {
            "idea_id": m.idea_id,
            "idea_title": title,
            "owner": m.is_owner,
            "status": m.status.value,
            "invited_at": _when(m.created_at),
            "accepted_at": _when(m.accepted_at),
        }
        for m, title in rows
    ]


def _flags(user: User) -> list[dict[str, Any]]:
    flags = db.session.scalars(select(Flag).where(Flag.reporter_id == user.id).order_by(Flag.id))
    return [
        {
            "idea_id": f.idea_id,
            "comment_id": f.comment_id,
            "reason": f.reason,
            "created_at": _when(f.created_at),
            "resolved_at": _when(f.resolved_at),
        }
        for f in flags
    ]


def _follows(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Project.slug, Project.title, ProjectFollower.created_at)
        .join(Project, Project.id == ProjectFollower.project_id)
        .where(ProjectFollower.user_id == user.id)
        .order_by(Project.id)
    )
    return [{"project": r.slug, "title": r.title, "followed_at": _when(r.created_at)} for r in rows]


def _jury(user: User) -> dict[str, Any]:
    """Rounds the user judges in, their conflicts, score sheets and comparisons."""
    rounds = db.session.execute(
        select(Juror.id, Juror.added_at, Challenge.slug)
        .join(JuryRound, JuryRound.id == Juror.round_id)
        .join(Challenge, Challenge.id == JuryRound.challenge_id)
        .where(Juror.user_id == user.id)
        .order_by(Juror.id)
    ).all()
    juror_ids = [r.id for r in rounds]
    if not juror_ids:
        return {"rounds": [], "conflicts": [], "score_sheets": [], "comparisons": []}
    conflicts = db.session.scalars(
        select(JuryConflict).where(JuryConflict.juror_id.in_(juror_ids)).order_by(JuryConflict.id)
    )
    assignments = db.session.scalars(
        select(JuryAssignment)
        .options(
            selectinload(JuryAssignment.sheet).selectinload(JuryScoreSheet.scores),
        )
        .where(JuryAssignment.juror_id.in_(juror_ids))
        .order_by(JuryAssignment.id)
    )
    comparisons = db.session.scalars(
        select(PairwiseComparison)
        .where(PairwiseComparison.juror_id.in_(juror_ids))
        .order_by(PairwiseComparison.id)
    )
    return {
        "rounds": [{"challenge": r.slug, "added_at": _when(r.added_at)} for r in rounds],
        "conflicts": [
            {"idea_id": c.idea_id, "reason": c.reason, "declared_at": _when(c.declared_at)}
            for c in conflicts
        ],
        "score_sheets": [
            {
                "idea_id": a.idea_id,
                "recused_at": _when(a.recused_at),
                "recusal_reason": a.recusal_reason or None,
                "comment": a.sheet.comment if a.sheet else None,
                "scores": (
                    {
                        str(s.criterion_id): s.value
                        for s in sorted(a.sheet.scores, key=lambda s: s.criterion_id)
                    }
                    if a.sheet
                    else {}
                ),
                "updated_at": _when(a.sheet.updated_at) if a.sheet else None,
            }
            for a in assignments
        ],
        "comparisons": [
            {
                "winner_id": c.winner_id,
                "loser_id": c.loser_id,
                "created_at": _when(c.created_at),
                "undone_at": _when(c.undone_at),
            }
            for c in comparisons
        ],
    }


def _about_user(user: User) -> Any:
    return (AuditEntry.object_type == User.__tablename__) & (AuditEntry.object_id == str(user.id))


def _audit(user: User) -> list[dict[str, Any]]:
    entries = db.session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.actor_id == user.id, _about_user(user)))
        .order_by(AuditEntry.id)
    )
    result = []
    for e in entries:
        own = e.object_type == User.__tablename__ and e.object_id == str(user.id)
        result.append(
            {
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "by_you": e.actor_id == user.id,
                # Values about someone else lose their personal fields.
                "before": e.before if own else _scrubbed(e.before),
                "after": e.after if own else _scrubbed(e.after),
                "created_at": _when(e.created_at),
            }
        )
    return result


def _scrubbed(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (None if k in PERSONAL_KEYS else v) for k, v in values.items()}


# --- deletion --------------------------------------------------------------------


def _is_last_admin(user: User) -> bool:
    if not user.has_role(Role.ADMIN):
        return False
    # The admins' role rows stay locked until this transaction ends (PostgreSQL),
    # so two admins deleting themselves at once cannot both count the other.
    admins = db.session.scalars(
        select(UserRole.user_id)
        .join(User, User.id == UserRole.user_id)
        .where(
            UserRole.role == Role.ADMIN,
            User.deleted_at.is_(None),
            User.suspended_at.is_(None),
        )
        .with_for_update(of=UserRole)
    ).all()
    return all(admin_id == user.id for admin_id in admins)


def delete_account(user: User, password: str) -> None:
    """Delete ``user``'s account after checking ``password`` (see the module docstring)."""
    if not password_matches(user, password):
        raise InvalidInput(_l("The password is wrong."), field="password")
    if _is_last_admin(user):
        raise Conflict(
            _l(
                "You are the last administrator. Give another account the admin role "
                "before you delete yours."
            )
        )
    now = utcnow()
    _withdraw_open_votes(user, now)
    # Board posts and join requests go; owned teams pass to another member or dissolve.
    teams.forget_user(user)
    # Cancelled like any sign-up: a freed seat goes to the first on the waiting list.
    weekend.forget_user(user)
    uid = user.id
    old_email = user.email

    db.session.execute(delete(IdeaMember).where(IdeaMember.user_id == uid))
    db.session.execute(update(Idea).where(Idea.author_id == uid).values(author_id=None))
    db.session.execute(update(Idea).where(Idea.submitted_by_id == uid).values(submitted_by_id=None))
    db.session.execute(update(Comment).where(Comment.author_id == uid).values(author_id=None))
    db.session.execute(
        update(Comment).where(Comment.submitted_by_id == uid).values(submitted_by_id=None)
    )
    db.session.execute(update(Pseudonym).where(Pseudonym.user_id == uid).values(user_id=None))
    db.session.execute(update(Flag).where(Flag.reporter_id == uid).values(reporter_id=None))
    db.session.execute(delete(ProjectFollower).where(ProjectFollower.user_id == uid))
    notifications.forget(user)
    # Messages (sent or waiting) hold the address and often the name: those to
    # the account's address and to an address it was being changed to go.
    pending = select(AccountToken.new_email).where(
        AccountToken.user_id == uid, AccountToken.new_email.is_not(None)
    )
    addresses = {old_email, *(a for a in db.session.scalars(pending) if a)}
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.to_address.in_(addresses)))
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == uid))
    _scrub_audit(user)

    placeholder = f"deleted-{secrets.token_hex(12)}@{DELETED_DOMAIN}"
    user.email = placeholder
    user.email_canonical = placeholder
    user.display_name = ""
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.email_verified_at = None
    user.roles.clear()
    user.deleted_at = now
    user.session_version += 1
    db.session.flush()
    # Everything loaded before the bulk updates is stale now.
    db.session.expire_all()
    record(user, "user.deleted", user, after={"deleted": True})


def _withdraw_open_votes(user: User, now: dt.datetime) -> None:
    votes = db.session.scalars(
        select(Vote)
        .where(Vote.user_id == user.id)
        .join(Challenge, Challenge.id == Vote.challenge_id)
        .where(Challenge.voting_open_at <= now, Challenge.jury_review_at > now)
    ).all()
    for vote in votes:
        idea = db.session.get(Idea, vote.idea_id)
        if idea is not None and idea.challenge.phase is Phase.VOTING:
            discard_vote(user, idea)


def _scrub_audit(user: User) -> None:
    """Entries about the account keep what happened, not who it was."""
    for entry in db.session.scalars(select(AuditEntry).where(_about_user(user))):
        for attr in ("before", "after"):
            values = getattr(entry, attr)
            if values and PERSONAL_KEYS & values.keys():
                setattr(entry, attr, _scrubbed(values))
