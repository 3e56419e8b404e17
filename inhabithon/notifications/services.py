"""Following, notifying and mailing notifications.

Events (a comment, a phase change, published results, a project's status or
update) write one ``Notification`` row per follower in the event's own
transaction, never for the actor. Nothing here talks to a mail server during a
request: ``send_notifications`` (run by ``flask --app app notifications send``)
turns pending rows into outbox mail, one message per recipient and run, or one
daily digest, in the recipient's language.

Notification texts name the idea, challenge or project, never a person, so an
anonymous or pseudonymous author can never be revealed by them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import Question, among, ask_together, db, ids_of, ids_where, utcnow
from inhabithon.errors import InvalidInput
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.mail.services import queue_mail
from inhabithon.notifications.models import (
    ChallengeFollower,
    ChallengePhaseMark,
    EmailMode,
    EmailState,
    IdeaFollower,
    Notification,
    NotificationKind,
    NotificationSetting,
)
from inhabithon.projects.models import Project, ProjectFollower

PER_PAGE = 20
# The header badge counts at most this many, then shows "9+".
BADGE_CAP = 9
DIGEST_INTERVAL = dt.timedelta(days=1)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"

# The same labels as the phase_label() macro (templates/_macros/content.html).
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.UPCOMING: _l("Upcoming"),
    Phase.SUBMISSIONS: _l("Open for ideas"),
    Phase.VOTING: _l("Voting open"),
    Phase.JURY: _l("Jury review"),
    Phase.RESULTS: _l("Results published"),
    Phase.ARCHIVED: _l("Archived"),
}


# --- following --------------------------------------------------------------------


def _follow_row(user: User, obj: Challenge | Idea) -> ChallengeFollower | IdeaFollower | None:
    if isinstance(obj, Challenge):
        return db.session.get(ChallengeFollower, (obj.id, user.id))
    return db.session.get(IdeaFollower, (obj.id, user.id))


def is_following(user: User, obj: Challenge | Idea) -> bool:
    return _follow_row(user, obj) is not None


# The follow buttons of a logged-in reader's pages ask which they follow, with
# the page's other personal parts (inhabithon.db.ask_together).
def _followed_challenges() -> sa.ColumnElement[str]:
    followed = ChallengeFollower.challenge_id
    mine = ChallengeFollower.user_id == sa.bindparam("user_id")
    return ids_where(followed, mine, among(followed, "followed_challenges"))


def _followed_ideas() -> sa.ColumnElement[str]:
    followed = IdeaFollower.idea_id
    mine = IdeaFollower.user_id == sa.bindparam("user_id")
    return ids_where(followed, mine, among(followed, "followed_ideas"))


_FOLLOWED = {"challenge": _followed_challenges, "idea": _followed_ideas}


def followed_questions(user: User, refs: list[tuple[str, int]]) -> dict[str, Question]:
    """Which of ``refs`` (("challenge" or "idea", id) pairs) ``user`` follows, as
    one question per kind found in them, however many buttons a page shows;
    ``followed_among`` reads the answers."""
    questions = {}
    for kind, column in _FOLLOWED.items():
        ids = sorted({obj_id for k, obj_id in refs if k == kind})
        if ids:
            questions[kind] = Question(column, {"user_id": user.id, f"followed_{kind}s": ids})
    return questions


def followed_among(
    user: User, refs: list[tuple[str, int]], answers: Mapping[str, Any] | None = None
) -> set[tuple[str, int]]:
    """Which of ``refs`` ``user`` follows: from the ``answers`` to the
    ``followed_questions`` (by kind), or asked now, in one query."""
    if answers is None:
        answers = ask_together(followed_questions(user, refs))
    return {(str(kind), obj_id) for kind, listed in answers.items() for obj_id in ids_of(listed)}


def follow(user: User, obj: Challenge | Idea) -> bool:
    """Follow a challenge or an idea; False if already following."""
    if is_following(user, obj):
        return False
    if isinstance(obj, Challenge):
        db.session.add(ChallengeFollower(challenge_id=obj.id, user_id=user.id))
    else:
        db.session.add(IdeaFollower(idea_id=obj.id, user_id=user.id))
    db.session.flush()
    return True


def unfollow(user: User, obj: Challenge | Idea) -> bool:
    row = _follow_row(user, obj)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def idea_joined(idea: Idea, user: User) -> None:
    """The author of a new idea, or a new team member, follows the idea."""
    follow(user, idea)


@dataclass
class Following:
    challenges: list[Challenge]
    ideas: list[Idea]
    projects: list[Project]


def _followed(user: User, model: Any, follower: Any, key: Any) -> list[Any]:
    """The ``model`` rows ``user`` follows through ``follower``, latest follow first."""
    return list(
        db.session.scalars(
            select(model)
            .join(follower, key == model.id)
            .where(follower.user_id == user.id)
            .order_by(follower.created_at.desc(), model.id.desc())
        )
    )


def following_of(user: User) -> Following:
    """What ``user`` follows, for the settings page (three queries)."""
    return Following(
        challenges=_followed(user, Challenge, ChallengeFollower, ChallengeFollower.challenge_id),
        ideas=_followed(user, Idea, IdeaFollower, IdeaFollower.idea_id),
        projects=_followed(user, Project, ProjectFollower, ProjectFollower.project_id),
    )


# --- settings ---------------------------------------------------------------------


def email_mode(user: User) -> EmailMode:
    setting = db.session.get(NotificationSetting, user.id)
    return setting.email_mode if setting is not None else EmailMode.IMMEDIATE


def set_email_mode(user: User, mode: EmailMode) -> None:
    """Choose how notifications are mailed. Choosing the digest starts its day now."""
    setting = db.session.get(NotificationSetting, user.id)
    before = setting.email_mode if setting is not None else EmailMode.IMMEDIATE
    if setting is None:
        setting = NotificationSetting(user_id=user.id)
        db.session.add(setting)
    now = utcnow()
    if mode is EmailMode.DIGEST and before is not EmailMode.DIGEST:
        setting.last_digest_at = now
    setting.email_mode = mode
    setting.updated_at = now
    if mode is EmailMode.NEVER:
        # Nothing already waiting goes out either.
        db.session.execute(
            update(Notification)
            .where(
                Notification.recipient_id == user.id,
                Notification.email_state == EmailState.PENDING,
            )
            .values(email_state=EmailState.SKIPPED)
        )
    db.session.flush()
    if mode is not before:
        record(
            user,
            "notifications.email_mode_changed",
            user,
            before={"email_mode": before.value},
            after={"email_mode": mode.value},
        )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User) -> str:
    """A signed token that stops ``user``'s notification e-mail, without login."""
    return str(_serializer().dumps({"u": user.id}))


def user_for_unsubscribe_token(token: str) -> User:
    """The account behind an unsubscribe token; InvalidInput (400) when tampered with."""
    invalid = InvalidInput(
        _l("This link is not valid. Check that you copied the whole link from the e-mail.")
    )
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise invalid from None
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.deleted_at is not None:
        raise invalid
    return user


# --- events ------------------------------------------------------------------------


def _notify(
    recipient_ids: Iterable[int],
    kind: NotificationKind,
    *,
    actor_ids: Iterable[int | None] = (),
    challenge_id: int | None = None,
    idea_id: int | None = None,
    project_id: int | None = None,
    detail: str = "",
) -> int:
    """One notification per recipient, never for the actor nor a deleted account."""
    ids = set(recipient_ids) - {a for a in actor_ids if a is not None}
    if not ids:
        return 0
    rows = db.session.execute(
        select(User.id, NotificationSetting.email_mode)
        .outerjoin(NotificationSetting, NotificationSetting.user_id == User.id)
        .where(User.id.in_(ids), User.deleted_at.is_(None))
        .order_by(User.id)
    ).all()
    now = utcnow()
    for user_id, mode in rows:
        db.session.add(
            Notification(
                recipient_id=user_id,
                kind=kind,
                challenge_id=challenge_id,
                idea_id=idea_id,
                project_id=project_id,
                detail=detail[:80],
                created_at=now,
                email_state=EmailState.SKIPPED if mode is EmailMode.NEVER else EmailState.PENDING,
            )
        )
    db.session.flush()
    return len(rows)


def _idea_followers(idea_ids: Iterable[int]) -> set[int]:
    ids = list(idea_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(select(IdeaFollower.user_id).where(IdeaFollower.idea_id.in_(ids)))
    )


def _challenge_followers(challenge: Challenge) -> set[int]:
    return set(
        db.session.scalars(
            select(ChallengeFollower.user_id).where(ChallengeFollower.challenge_id == challenge.id)
        )
    )


def comment_added(comment: Comment, actor: User | None) -> int:
    """A comment on a public idea: its followers hear of it (not the writer)."""
    idea = db.session.get(Idea, comment.idea_id)
    if (
        idea is None
        or idea.status is not IdeaStatus.PUBLISHED
        or comment.status is not CommentStatus.PUBLISHED
        or not idea.challenge.is_published
    ):
        return 0
    return _notify(
        _idea_followers([idea.id]),
        NotificationKind.COMMENT,
        actor_ids=(comment.author_id, comment.submitted_by_id, actor.id if actor else None),
        challenge_id=idea.challenge_id,
        idea_id=idea.id,
    )


def _mark(challenge: Challenge, phase: Phase) -> ChallengePhaseMark | None:
    """Note ``phase`` as told; returns the previous mark (None if there was none)."""
    mark = db.session.get(ChallengePhaseMark, challenge.id)
    if mark is None:
        db.session.add(
            ChallengePhaseMark(challenge_id=challenge.id, phase=phase.value, noted_at=utcnow())
        )
        return None
    if mark.phase != phase.value:
        previous = mark.phase
        mark.phase = phase.value
        mark.noted_at = utcnow()
        return ChallengePhaseMark(challenge_id=challenge.id, phase=previous)
    return mark


def check_phase(challenge: Challenge, actor: User | None = None) -> bool:
    """Tell the challenge's followers when its phase differs from the one they
    were last told about. The first look only notes the phase."""
    phase = challenge.phase
    previous = _mark(challenge, phase)
    db.session.flush()
    if previous is None or previous.phase == phase.value or phase is Phase.DRAFT:
        return False
    _notify(
        _challenge_followers(challenge),
        NotificationKind.PHASE,
        actor_ids=(actor.id if actor else None,),
        challenge_id=challenge.id,
        detail=phase.value,
    )
    return True


def check_all_phases() -> int:
    """The send run's look at every challenge's phase; returns how many changed."""
    challenges = db.session.scalars(select(Challenge).order_by(Challenge.id)).all()
    return sum(check_phase(c) for c in challenges)


def results_published(challenge: Challenge, actor: User | None) -> int:
    """Followers of the challenge and of its public ideas hear of the results.
    Publishing starts the results phase: that is noted so it is not told twice."""
    _mark(challenge, challenge.phase)
    idea_ids = db.session.scalars(
        select(Idea.id).where(
            Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED
        )
    ).all()
    return _notify(
        _challenge_followers(challenge) | _idea_followers(idea_ids),
        NotificationKind.RESULTS,
        actor_ids=(actor.id if actor else None,),
        challenge_id=challenge.id,
    )


def _project_followers(project: Project) -> set[int]:
    return set(
        db.session.scalars(
            select(ProjectFollower.user_id).where(ProjectFollower.project_id == project.id)
        )
    )


def project_status_changed(project: Project, status_key: str, actor: User | None) -> int:
    return _notify(
        _project_followers(project),
        NotificationKind.PROJECT_STATUS,
        actor_ids=(actor.id if actor else None,),
        project_id=project.id,
        detail=status_key,
    )


def project_update_posted(project: Project, title: str, actor: User | None) -> int:
    return _notify(
        _project_followers(project),
        NotificationKind.PROJECT_UPDATE,
        actor_ids=(actor.id if actor else None,),
        project_id=project.id,
        detail=title,
    )


# --- reading -------------------------------------------------------------------------


# Built once: the header of every page a logged-in user reads asks it (bench.cpu).
def _unread() -> sa.ColumnElement[int]:
    return (
        select(func.count())
        .select_from(
            select(Notification.id)
            .where(
                Notification.recipient_id == sa.bindparam("user_id"),
                Notification.read_at.is_(None),
            )
            .limit(sa.bindparam("unread_limit"))
            .subquery()
        )
        .scalar_subquery()
    )


def unread_question(user: User, cap: int = BADGE_CAP) -> Question:
    """Unread notifications, counted up to ``cap + 1`` over the unread index (the
    badge in the header asks it with the page's other personal parts)."""
    return Question(_unread, {"user_id": user.id, "unread_limit": cap + 1})


def unread_count(user: User, cap: int = BADGE_CAP) -> int:
    """The ``unread_question``'s answer, asked alone."""
    count: int | None = ask_together({"unread": unread_question(user, cap)})["unread"]
    return count or 0


def badge_text(count: int, cap: int = BADGE_CAP) -> str:
    return f"{cap}+" if count > cap else str(count)


def page_of(
    user: User, before_id: int | None = None, per_page: int = PER_PAGE
) -> tuple[list[Notification], int | None]:
    """A page of ``user``'s notifications, newest first, by key; and the next key."""
    query = (
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .options(
            selectinload(Notification.challenge),
            selectinload(Notification.idea),
            selectinload(Notification.project),
        )
        .order_by(Notification.id.desc())
        .limit(per_page + 1)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.scalars(query))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return rows, (rows[-1].id if more else None)


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of ``user``'s notifications read; False if it is not theirs."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.recipient_id == user.id,
        )
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _status_name(key: str | None) -> Any:
    """A project status by its key: a built-in one translated, an official's own by
    its name (all of them read once per request), one removed since by its key."""
    from inhabithon.projects.services.statuses import STATUS_LABELS, statuses

    if key in STATUS_LABELS:
        return STATUS_LABELS[key]
    names: dict[str, str] | None = g.get("inhabithon_status_names")
    if names is None:
        names = {s.key: s.name for s in statuses()}
        g.inhabithon_status_names = names
    return names.get(key or "", key or "")


def describe(n: Notification) -> Any:
    """What happened, as a lazy string translated where it is printed."""
    if n.kind is NotificationKind.COMMENT and n.idea is not None:
        return _l("New comment on the idea “%(title)s”.", title=n.idea.title)
    if n.kind is NotificationKind.PHASE and n.challenge is not None:
        known = {p.value: p for p in Phase}
        label = PHASE_LABELS[known[n.detail]] if n.detail in known else n.detail
        return _l(
            "The challenge “%(title)s” has entered a new phase: %(phase)s.",
            title=n.challenge.title,
            phase=label,
        )
    if n.kind is NotificationKind.RESULTS and n.challenge is not None:
        return _l(
            "The results of the challenge “%(title)s” are published.", title=n.challenge.title
        )
    if n.kind is NotificationKind.PROJECT_STATUS and n.project is not None:
        return _l(
            "The project “%(title)s” has a new status: %(status)s.",
            title=n.project.title,
            status=_status_name(n.detail),
        )
    if n.kind is NotificationKind.PROJECT_UPDATE and n.project is not None:
        return _l(
            "The project “%(title)s” posted an update: %(update)s",
            title=n.project.title,
            update=n.detail,
        )
    return _l("Something you follow has changed.")


def link(n: Notification, *, external: bool = False) -> str:
    """Where the notification leads."""
    if n.idea_id is not None:
        return url_for("ideas.detail", idea_id=n.idea_id, _external=external)
    if n.project is not None:
        return url_for("projects.detail", slug=n.project.slug, _external=external)
    if n.kind is NotificationKind.RESULTS and n.challenge is not None:
        return url_for("results.public", slug=n.challenge.slug, _external=external)
    if n.challenge is not None:
        return url_for("challenges.detail", slug=n.challenge.slug, _external=external)
    return url_for("notifications.index", _external=external)


# --- e-mail ----------------------------------------------------------------------------


@dataclass
class SendReport:
    phases: int = 0
    mails: int = 0
    skipped: int = 0
    waiting: int = 0


def _queue(user: User, items: list[Notification], *, digest: bool) -> None:
    lines = [{"text": describe(n), "url": link(n, external=True)} for n in items]
    if digest:
        subject = _l("Your daily summary from Inhabithon")
    elif len(items) == 1:
        subject = _l("News from Inhabithon: %(text)s", text=describe(items[0]))
    else:
        subject = _l("News from Inhabithon about what you follow")
    queue_mail(
        user.email,
        subject,
        "notification_digest" if digest else "notification_immediate",
        user.locale,
        name=user.display_name,
        items=lines,
        settings_url=url_for("notifications.settings", _external=True),
        unsubscribe_url=url_for(
            "notifications.unsubscribe", token=unsubscribe_token(user), _external=True
        ),
    )


def send_notifications(now: dt.datetime | None = None, limit: int = 5000) -> SendReport:
    """Check phases, then queue mail for pending notifications, grouped per
    recipient: immediately (one message per recipient and run) or as a daily
    digest. Needs a request context for the links; the caller commits."""
    now = now or utcnow()
    report = SendReport(phases=check_all_phases())
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.email_state == EmailState.PENDING)
        .options(
            selectinload(Notification.challenge),
            selectinload(Notification.idea),
            selectinload(Notification.project),
        )
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_recipient[n.recipient_id].append(n)
    if not by_recipient:
        return report
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(by_recipient)))}
    settings = {
        s.user_id: s
        for s in db.session.scalars(
            select(NotificationSetting).where(NotificationSetting.user_id.in_(by_recipient))
        )
    }
    for user_id, items in by_recipient.items():
        user = users[user_id]
        setting = settings.get(user_id)
        mode = setting.email_mode if setting is not None else EmailMode.IMMEDIATE
        if mode is EmailMode.NEVER or not user.is_active or not user.is_verified:
            for n in items:
                n.email_state = EmailState.SKIPPED
            report.skipped += len(items)
            continue
        if mode is EmailMode.DIGEST:
            assert setting is not None
            if (
                setting.last_digest_at is not None
                and now - setting.last_digest_at < DIGEST_INTERVAL
            ):
                report.waiting += len(items)
                continue
            setting.last_digest_at = now
        _queue(user, items, digest=mode is EmailMode.DIGEST)
        for n in items:
            n.email_state = EmailState.SENT
        report.mails += 1
    db.session.flush()
    return report


# --- personal data ------------------------------------------------------------------------


def export_for(user: User) -> dict[str, Any]:
    """The user's follows, notifications and setting, for the privacy export."""

    def when(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    challenges = db.session.execute(
        select(Challenge.slug, ChallengeFollower.created_at)
        .join(ChallengeFollower, ChallengeFollower.challenge_id == Challenge.id)
        .where(ChallengeFollower.user_id == user.id)
        .order_by(Challenge.id)
    )
    ideas = db.session.execute(
        select(IdeaFollower.idea_id, IdeaFollower.created_at)
        .where(IdeaFollower.user_id == user.id)
        .order_by(IdeaFollower.idea_id)
    )
    notifications = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    return {
        "email_mode": email_mode(user).value,
        "challenge_follows": [
            {"challenge": r.slug, "followed_at": when(r.created_at)} for r in challenges
        ],
        "idea_follows": [{"idea_id": r.idea_id, "followed_at": when(r.created_at)} for r in ideas],
        "notifications": [
            {
                "kind": n.kind.value,
                "challenge_id": n.challenge_id,
                "idea_id": n.idea_id,
                "project_id": n.project_id,
                "detail": n.detail,
                "created_at": when(n.created_at),
                "read_at": when(n.read_at),
                "email": n.email_state.value,
            }
            for n in notifications
        ],
    }


def forget(user: User) -> None:
    """Account deletion: the user's follows, notifications and setting go."""
    uid = user.id
    db.session.execute(delete(ChallengeFollower).where(ChallengeFollower.user_id == uid))
    db.session.execute(delete(IdeaFollower).where(IdeaFollower.user_id == uid))
    db.session.execute(delete(Notification).where(Notification.recipient_id == uid))
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == uid))
