"""Moderation: flags from residents, officials' decisions, the public log, suspension.

Every decision on an idea or comment (hide, restore, dismiss, approve,
reject) closes the target's open flags, writes one ``ModerationAction`` (the
public log is read from those rows), records an audit entry and, when the
content has an active author account, tells the author by e-mail in their
language.

Hidden ideas answer 404 to everyone but their owner and officials (as before:
nothing of a hidden idea reaches the public, not even a placeholder page); the
public moderation log names the idea and gives the reason. A hidden comment
stays in its thread as a placeholder with the public reason, so its replies
keep their context.

Suspension: a suspended account's login answers like a wrong password (the
generic message), so the login form reveals nothing about an account to
someone who only knows the address; the person learns why by e-mail.

Counters: ``Challenge.idea_count`` counts published ideas and
``Idea.comment_count`` published comments, so hiding takes the content out of
them and restoring puts it back (both recounted from the rows, which also
repairs a drift). Votes for a hidden idea are kept as they are: the idea keeps
its ``vote_count`` and comes back whole if restored, results leave hidden
ideas out, and nobody can vote for it while it is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.mail.services import queue_mail
from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind

REASON_MAX = 500

Target = Idea | Comment

# What the public log shows: what was hidden, and what came back. Dismissed
# flags, approvals and rejections of ideas sent for review stay in the audit log.
PUBLIC_KINDS = (ModerationKind.HIDE, ModerationKind.AUTO_HIDE, ModerationKind.RESTORE)


def _clean_reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise InvalidInput(_l("Give a reason."), field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput(
            _l("The reason can be at most %(n)d characters.", n=REASON_MAX), field="reason"
        )
    return text


def _target_where(target: Target) -> Any:
    if isinstance(target, Idea):
        return Flag.idea_id == target.id
    return Flag.comment_id == target.id


def _idea_of(target: Target) -> Idea:
    if isinstance(target, Idea):
        return target
    idea = db.session.get(Idea, target.idea_id)
    assert idea is not None
    return idea


def _recount(target: Target) -> None:
    """Keep the public counters equal to what the public sees."""
    if isinstance(target, Idea):
        published = (
            select(func.count(Idea.id))
            .where(Idea.challenge_id == target.challenge_id, Idea.status == IdeaStatus.PUBLISHED)
            .scalar_subquery()
        )
        db.session.execute(
            update(Challenge)
            .where(Challenge.id == target.challenge_id)
            .values(idea_count=published)
            .execution_options(synchronize_session=False)
        )
        challenge = db.session.get(Challenge, target.challenge_id)
        if challenge is not None:
            db.session.expire(challenge, ["idea_count"])
    else:
        visible = (
            select(func.count(Comment.id))
            .where(Comment.idea_id == target.idea_id, Comment.status == CommentStatus.PUBLISHED)
            .scalar_subquery()
        )
        db.session.execute(
            update(Idea)
            .where(Idea.id == target.idea_id)
            .values(comment_count=visible)
            .execution_options(synchronize_session=False)
        )
        idea = db.session.get(Idea, target.idea_id)
        if idea is not None:
            db.session.expire(idea, ["comment_count"])


def _resolve_flags(target: Target) -> int:
    """Close the target's open flags; returns how many there were."""
    result = db.session.execute(
        update(Flag)
        .where(_target_where(target), Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    target.flag_count = 0
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _log(target: Target, kind: ModerationKind, reason: str, moderator: User | None) -> None:
    db.session.add(
        ModerationAction(
            idea_id=target.id if isinstance(target, Idea) else None,
            comment_id=target.id if isinstance(target, Comment) else None,
            kind=kind,
            reason=reason,
            moderator_id=moderator.id if moderator is not None else None,
        )
    )


_SUBJECTS = {
    ModerationKind.HIDE: _l("Your post was hidden by a moderator"),
    ModerationKind.AUTO_HIDE: _l("Your post is hidden until a moderator looks at it"),
    ModerationKind.RESTORE: _l("Your post is visible again"),
    ModerationKind.APPROVE: _l("Your idea is published"),
    ModerationKind.REJECT: _l("Your idea was not published"),
}


def _tell_author(target: Target, kind: ModerationKind, reason: str) -> None:
    author = db.session.get(User, target.author_id) if target.author_id else None
    if author is None or not author.is_active or kind not in _SUBJECTS:
        return
    idea = _idea_of(target)
    queue_mail(
        author.email,
        _SUBJECTS[kind],
        f"moderation_{kind.value}",
        author.locale,
        name=author.display_name,
        is_comment=isinstance(target, Comment),
        title=idea.title,
        reason=reason,
        url=url_for("ideas.detail", idea_id=idea.id, _external=True),
    )


def _status(target: Target) -> str:
    return target.status.value


def _audit(actor: User | None, kind: ModerationKind, target: Target, before: str, reason: str):  # noqa: ANN202
    record(
        actor,
        f"moderation.{kind.value}",
        target,
        before={"status": before},
        after={"status": _status(target), "reason": reason},
    )


def _is_hidden(target: Target) -> bool:
    if isinstance(target, Idea):
        return target.status is IdeaStatus.HIDDEN
    return target.status is CommentStatus.HIDDEN


def _set_hidden(target: Target, hidden: bool, reason: str | None) -> None:
    if isinstance(target, Idea):
        target.status = IdeaStatus.HIDDEN if hidden else IdeaStatus.PUBLISHED
    else:
        target.status = CommentStatus.HIDDEN if hidden else CommentStatus.PUBLISHED
    target.moderation_reason = reason if hidden else None
    db.session.flush()
    _recount(target)


# --- flags -------------------------------------------------------------------


def flag(reporter: User, target: Target, reason: str) -> bool:
    """Report ``target``; False when this reporter has reported it before
    (flagging twice counts once). At ``FLAG_HIDE_THRESHOLD`` open flags the
    content is hidden until an official decides."""
    text = _clean_reason(reason, required=True)
    if isinstance(target, Idea):
        if target.status is not IdeaStatus.PUBLISHED:
            raise Conflict(_l("This idea is not public, so it cannot be reported."))
        values: dict[str, Any] = {"idea_id": target.id}
    else:
        if target.status is not CommentStatus.PUBLISHED:
            raise Conflict(_l("This comment is not public, so it cannot be reported."))
        values = {"comment_id": target.id}
    already = db.session.scalar(
        select(Flag.id).where(_target_where(target), Flag.reporter_id == reporter.id)
    )
    if already is not None:
        return False
    # A friendly answer above for the common case; the unique constraint is the rule.
    savepoint = db.session.begin_nested()
    try:
        db.session.add(Flag(reporter_id=reporter.id, reason=text, **values))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    model = type(target)
    db.session.execute(
        update(model)
        .where(model.id == target.id)
        .values(flag_count=model.flag_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(target, ["flag_count", "status"])
    if target.flag_count >= current_app.config["FLAG_HIDE_THRESHOLD"] and not _is_hidden(target):
        before = _status(target)
        # No public reason stored: pages show a neutral, translated text instead.
        _set_hidden(target, True, None)
        _log(target, ModerationKind.AUTO_HIDE, "", None)
        _audit(None, ModerationKind.AUTO_HIDE, target, before, "")
        _tell_author(target, ModerationKind.AUTO_HIDE, "")
    return True


# --- officials' decisions ----------------------------------------------------


def hide(actor: User, target: Target, reason: str) -> None:
    """Hide ``target`` with a public reason ("Hidden by a moderator: <reason>")."""
    text = _clean_reason(reason, required=True)
    if isinstance(target, Comment) and target.status is CommentStatus.DELETED:
        raise Conflict(_l("This comment has been deleted."))
    if isinstance(target, Idea) and target.status is IdeaStatus.PENDING:
        raise Conflict(_l("This idea is waiting for review: approve or reject it."))
    before = _status(target)
    _set_hidden(target, True, text)
    _resolve_flags(target)
    _log(target, ModerationKind.HIDE, text, actor)
    _audit(actor, ModerationKind.HIDE, target, before, text)
    # Also when confirming an automatic hiding: the author learns the moderator's reason.
    _tell_author(target, ModerationKind.HIDE, text)


def restore(actor: User, target: Target, reason: str) -> None:
    """Show hidden content again."""
    text = _clean_reason(reason, required=True)
    if not _is_hidden(target):
        raise Conflict(_l("This is not hidden."))
    before = _status(target)
    _set_hidden(target, False, None)
    _resolve_flags(target)
    _log(target, ModerationKind.RESTORE, text, actor)
    _audit(actor, ModerationKind.RESTORE, target, before, text)
    _tell_author(target, ModerationKind.RESTORE, text)


def dismiss(actor: User, target: Target, reason: str = "") -> None:
    """Keep the content visible and close its open flags."""
    text = _clean_reason(reason, required=False)
    if _is_hidden(target):
        raise Conflict(_l("This is hidden: restore it, or keep it hidden with a reason."))
    if _resolve_flags(target) == 0:
        raise Conflict(_l("There are no open reports about this."))
    before = _status(target)
    _log(target, ModerationKind.DISMISS, text, actor)
    _audit(actor, ModerationKind.DISMISS, target, before, text)


def approve(actor: User, idea: Idea, reason: str = "") -> None:
    """Publish an idea that was held for review."""
    text = _clean_reason(reason, required=False)
    if idea.status is not IdeaStatus.PENDING:
        raise Conflict(_l("This idea is not waiting for review."))
    before = _status(idea)
    idea.status = IdeaStatus.PUBLISHED
    idea.moderation_reason = None
    db.session.flush()
    _recount(idea)
    _log(idea, ModerationKind.APPROVE, text, actor)
    _audit(actor, ModerationKind.APPROVE, idea, before, text)
    _tell_author(idea, ModerationKind.APPROVE, text)


def reject(actor: User, idea: Idea, reason: str) -> None:
    """Turn down an idea held for review: it stays out of public view (hidden)."""
    text = _clean_reason(reason, required=True)
    if idea.status is not IdeaStatus.PENDING:
        raise Conflict(_l("This idea is not waiting for review."))
    before = _status(idea)
    idea.status = IdeaStatus.HIDDEN
    idea.moderation_reason = text
    db.session.flush()
    _log(idea, ModerationKind.REJECT, text, actor)
    _audit(actor, ModerationKind.REJECT, idea, before, text)
    _tell_author(idea, ModerationKind.REJECT, text)


# --- the queue ----------------------------------------------------------------

QUEUE_LIMIT = 100


@dataclass
class FlaggedItem:
    """One reported idea or comment with its open flags (reporters: officials only)."""

    target: Target
    idea: Idea  # the idea itself, or the one the comment belongs to
    flags: list[Flag] = field(default_factory=list)
    reporters: dict[int, User] = field(default_factory=dict)

    @property
    def is_comment(self) -> bool:
        return isinstance(self.target, Comment)


@dataclass
class Queue:
    flagged: list[FlaggedItem]
    pending: Sequence[Idea]
    hidden_ideas: Sequence[Idea]
    hidden_comments: list[tuple[Comment, Idea]]


def _ideas_by_id(ids: set[int]) -> dict[int, Idea]:
    if not ids:
        return {}
    return {
        i.id: i
        for i in db.session.scalars(
            select(Idea).options(selectinload(Idea.challenge)).where(Idea.id.in_(ids))
        )
    }


def queue() -> Queue:
    """What officials decide on, in a fixed number of queries: open flags grouped
    per target (oldest report first), ideas waiting for review, hidden content
    (newest first)."""
    flags = db.session.scalars(
        select(Flag)
        .where(Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)
        .limit(QUEUE_LIMIT * 5)
    ).all()
    comment_ids = {f.comment_id for f in flags if f.comment_id is not None}
    comments = (
        {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))}
        if comment_ids
        else {}
    )
    hidden_comments = db.session.scalars(
        select(Comment)
        .where(Comment.status == CommentStatus.HIDDEN)
        .order_by(Comment.id.desc())
        .limit(QUEUE_LIMIT)
    ).all()
    ideas = _ideas_by_id(
        {f.idea_id for f in flags if f.idea_id is not None}
        | {c.idea_id for c in comments.values()}
        | {c.idea_id for c in hidden_comments}
    )
    reporter_ids = {f.reporter_id for f in flags if f.reporter_id is not None}
    reporters = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(reporter_ids)))}
        if reporter_ids
        else {}
    )
    grouped: dict[tuple[str, int], FlaggedItem] = {}
    for f in flags:
        target: Target | None
        if f.idea_id is not None:
            key, target = ("idea", f.idea_id), ideas.get(f.idea_id)
        else:
            assert f.comment_id is not None
            key, target = ("comment", f.comment_id), comments.get(f.comment_id)
        if target is None:
            continue
        item = grouped.setdefault(key, FlaggedItem(target, _idea_of_loaded(target, ideas)))
        item.flags.append(f)
        if f.reporter_id in reporters:
            item.reporters[f.id] = reporters[f.reporter_id]
    pending = db.session.scalars(
        select(Idea)
        .options(selectinload(Idea.challenge))
        .where(Idea.status == IdeaStatus.PENDING)
        .order_by(Idea.created_at, Idea.id)
        .limit(QUEUE_LIMIT)
    ).all()
    hidden_ideas = db.session.scalars(
        select(Idea)
        .options(selectinload(Idea.challenge))
        .where(Idea.status == IdeaStatus.HIDDEN)
        .order_by(Idea.id.desc())
        .limit(QUEUE_LIMIT)
    ).all()
    # Content hidden by reports is listed once, with its reports.
    return Queue(
        list(grouped.values())[:QUEUE_LIMIT],
        pending,
        [i for i in hidden_ideas if ("idea", i.id) not in grouped],
        [(c, ideas[c.idea_id]) for c in hidden_comments if ("comment", c.id) not in grouped],
    )


def open_flags(target: Target) -> list[tuple[Flag, User | None]]:
    """The target's open reports with their reporters (for officials), oldest first."""
    rows = db.session.execute(
        select(Flag, User)
        .outerjoin(User, User.id == Flag.reporter_id)
        .where(_target_where(target), Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)
    ).all()
    return [(f, u) for f, u in rows]


def _idea_of_loaded(target: Target, ideas: dict[int, Idea]) -> Idea:
    return target if isinstance(target, Idea) else ideas[target.idea_id]


# --- the public log -----------------------------------------------------------

LOG_PER_PAGE = 50


@dataclass
class LogEntry:
    action: ModerationAction
    idea: Idea  # the idea, or the idea the comment belongs to
    is_comment: bool


def public_log(before: int | None = None) -> tuple[list[LogEntry], int | None]:
    """Newest first, paginated by id: the entries and the ``before`` of the next
    page (None on the last). Never who reported nor which moderator."""
    stmt = (
        select(ModerationAction, Idea)
        .outerjoin(Comment, ModerationAction.comment_id == Comment.id)
        .join(Idea, Idea.id == func.coalesce(ModerationAction.idea_id, Comment.idea_id))
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(ModerationAction.kind.in_(PUBLIC_KINDS), Challenge.is_published.is_(True))
        .order_by(ModerationAction.id.desc())
        .limit(LOG_PER_PAGE + 1)
    )
    if before is not None:
        stmt = stmt.where(ModerationAction.id < before)
    rows = db.session.execute(stmt).all()
    entries = [LogEntry(a, i, a.comment_id is not None) for a, i in rows[:LOG_PER_PAGE]]
    next_before = entries[-1].action.id if len(rows) > LOG_PER_PAGE else None
    return entries, next_before


# --- suspension -------------------------------------------------------------------


def suspend_user(actor: User, user: User, reason: str) -> None:
    """Suspend an account: it cannot log in, and its sessions end at once."""
    text = _clean_reason(reason, required=True)
    if user.id == actor.id:
        raise Conflict(_l("You cannot suspend your own account."))
    if user.suspended_at is not None:
        raise Conflict(_l("This account is already suspended."))
    user.suspended_at = utcnow()
    user.session_version += 1
    record(actor, "user.suspended", user, before={"suspended": False}, after={"reason": text})
    queue_mail(
        user.email,
        _l("Your account has been suspended"),
        "moderation_suspended",
        user.locale,
        name=user.display_name,
        reason=text,
    )


def lift_suspension(actor: User, user: User) -> None:
    """Let a suspended account log in again."""
    if user.suspended_at is None:
        raise Conflict(_l("This account is not suspended."))
    user.suspended_at = None
    record(actor, "user.unsuspended", user, before={"suspended": True}, after={"suspended": False})
    queue_mail(
        user.email,
        _l("Your account can be used again"),
        "moderation_unsuspended",
        user.locale,
        name=user.display_name,
        url=url_for("accounts.login", _external=True),
    )
