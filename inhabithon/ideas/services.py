"""Ideas: submitting and editing them, and the team behind each one.

Who may do something is decided in ``permissions``; these functions own *when*
(the challenge's phase) and the invariants: an idea always has exactly one
owner, the owner is an accepted member, and nobody on a team votes for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.accounts.services import find_user_by_email
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.models import (
    AuthorDisplay,
    Idea,
    IdeaMember,
    IdeaStatus,
    MemberStatus,
    Origin,
)
from inhabithon.ideas.pseudonyms import pseudonym_for
from inhabithon.markdown import render
from inhabithon.notifications import services as notifications
from inhabithon.votes.services import discard_vote

TITLE_MAX = 140
SUMMARY_MAX = 400
BODY_MAX = 20_000

# Phases in which an idea's text may still change, and in which its team may grow.
_EDITABLE_PHASES = frozenset({Phase.UPCOMING, Phase.SUBMISSIONS})
_TEAM_PHASES = frozenset({Phase.UPCOMING, Phase.SUBMISSIONS, Phase.VOTING})


@dataclass
class IdeaData:
    """What a resident writes; the same for a new idea and an edit."""

    title: str
    summary: str
    body_md: str
    language: str = "sv"
    anonymous: bool = False
    # How the author appears; None means by name, or anonymous if ``anonymous``.
    display: AuthorDisplay | None = None

    @property
    def author_display(self) -> AuthorDisplay:
        if self.display is not None:
            return self.display
        return AuthorDisplay.ANONYMOUS if self.anonymous else AuthorDisplay.NAME


def _clean(data: IdeaData) -> IdeaData:
    """Trimmed values, or InvalidInput naming the first field that is wrong."""
    title, summary, body = data.title.strip(), data.summary.strip(), data.body_md.strip()
    if not title:
        raise InvalidInput(_l("Give your idea a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _l("The title can be at most %(n)d characters.", n=TITLE_MAX), field="title"
        )
    if not summary:
        raise InvalidInput(_l("Summarize your idea in a few sentences."), field="summary")
    if len(summary) > SUMMARY_MAX:
        raise InvalidInput(
            _l("The summary can be at most %(n)d characters.", n=SUMMARY_MAX), field="summary"
        )
    if not body:
        raise InvalidInput(_l("Describe your idea."), field="body_md")
    if len(body) > BODY_MAX:
        raise InvalidInput(
            _l("The description can be at most %(n)d characters.", n=BODY_MAX), field="body_md"
        )
    if data.language not in CONTENT_LANGUAGES:
        raise InvalidInput(_l("Choose a language from the list."), field="language")
    return IdeaData(title, summary, body, data.language, bool(data.anonymous), data.author_display)


def _pseudonym_id(author: User | None, challenge: Challenge, display: AuthorDisplay) -> int | None:
    if author is None or display is not AuthorDisplay.PSEUDONYM:
        return None
    return pseudonym_for(author, challenge).id


def submit_idea(challenge: Challenge, author: User, data: IdeaData) -> Idea:
    """Publish a new idea in ``challenge``; its author becomes the team's owner.

    Only while the challenge accepts ideas (Conflict otherwise).
    """
    return add_idea(challenge, data, author=author)


def add_idea(
    challenge: Challenge,
    data: IdeaData,
    *,
    author: User | None,
    origin: Origin = Origin.DIRECT,
    status: IdeaStatus = IdeaStatus.PUBLISHED,
    submitted_by: User | None = None,
) -> Idea:
    """A new idea in ``challenge``, by ``author`` (who owns its team) or, for
    the outreach channels, by nobody with an account (``author=None``).

    Only while the challenge accepts ideas (Conflict otherwise).
    """
    if challenge.phase is not Phase.SUBMISSIONS:
        raise Conflict(_l("This challenge is not accepting ideas right now."))
    data = _clean(data)
    display = data.author_display if author is not None else AuthorDisplay.ANONYMOUS
    now = utcnow()
    idea = Idea(
        challenge_id=challenge.id,
        author_id=author.id if author is not None else None,
        submitted_by_id=submitted_by.id if submitted_by is not None else None,
        pseudonym_id=_pseudonym_id(author, challenge, display),
        title=data.title,
        summary=data.summary,
        body_md=data.body_md,
        body_html=render(data.body_md),
        language=data.language,
        author_display=display,
        origin=origin,
        status=status,
        created_at=now,
        updated_at=now,
    )
    if author is not None:
        idea.members = [
            IdeaMember(
                user_id=author.id, is_owner=True, status=MemberStatus.ACCEPTED, accepted_at=now
            )
        ]
    db.session.add(idea)
    # One UPDATE, so concurrent submissions cannot lose a count.
    db.session.execute(
        update(Challenge)
        .where(Challenge.id == challenge.id)
        .values(idea_count=Challenge.idea_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.expire(challenge, ["idea_count"])
    if author is not None:
        notifications.idea_joined(idea, author)
    return idea


def editing_open(idea: Idea) -> bool:
    """Whether the idea's text may still change: until submissions close."""
    return idea.challenge.phase in _EDITABLE_PHASES


def update_idea(idea: Idea, editor: User, data: IdeaData) -> Idea:
    """Change an idea's text, language and anonymity until submissions close."""
    if not editing_open(idea):
        raise Conflict(_l("Submissions have closed, so the idea can no longer be edited."))
    data = _clean(data)
    if data.body_md != idea.body_md:
        idea.body_html = render(data.body_md)
    idea.title = data.title
    idea.summary = data.summary
    idea.body_md = data.body_md
    idea.language = data.language
    if idea.author is not None:
        idea.author_display = data.author_display
        idea.pseudonym_id = _pseudonym_id(idea.author, idea.challenge, idea.author_display)
    idea.updated_at = utcnow()
    db.session.flush()
    return idea


# --- the team ----------------------------------------------------------------


def _check_team_phase(idea: Idea) -> None:
    if idea.challenge.phase not in _TEAM_PHASES:
        raise Conflict(_l("Voting has closed, so the team can no longer change."))


def _membership(idea: Idea, user_id: int) -> IdeaMember | None:
    return db.session.get(IdeaMember, (idea.id, user_id))


def invite_member(idea: Idea, inviter: User, email: str) -> IdeaMember:
    """Invite a registered user to the team by e-mail address.

    An unknown address gets the same kind of answer as a malformed one, so the
    form does not become a way to look up who has an account with which address.
    """
    _check_team_phase(idea)
    invitee = find_user_by_email(email or "")
    if invitee is None or not invitee.is_active:
        raise InvalidInput(
            _l(
                "We could not send an invitation to this address. Check it, and ask the "
                "person to create an account first: only registered people can be invited."
            ),
            field="email",
        )
    if invitee.id == inviter.id:
        raise InvalidInput(_l("You are already on the team."), field="email")
    existing = _membership(idea, invitee.id)
    if existing is not None:
        if existing.status is MemberStatus.ACCEPTED:
            raise Conflict(_l("This person is already on the team."), field="email")
        raise Conflict(_l("This person has already been invited."), field="email")
    member = IdeaMember(
        idea_id=idea.id,
        user_id=invitee.id,
        is_owner=False,
        status=MemberStatus.INVITED,
        invited_by_id=inviter.id,
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError as exc:
        # Another request invited the same person a moment ago.
        raise Conflict(_l("This person has already been invited."), field="email") from exc
    db.session.expire(idea, ["members"])
    return member


def _pending(idea: Idea, user: User) -> IdeaMember:
    member = _membership(idea, user.id)
    if member is None or member.status is not MemberStatus.INVITED:
        raise Conflict(_l("There is no open invitation to this idea's team for you."))
    return member


def accept_invitation(idea: Idea, user: User) -> IdeaMember:
    """Join the team. A vote the new member gave the idea is withdrawn:
    nobody votes for their own team's idea."""
    _check_team_phase(idea)
    member = _pending(idea, user)
    member.status = MemberStatus.ACCEPTED
    member.accepted_at = utcnow()
    db.session.flush()
    discard_vote(user, idea)
    db.session.expire(idea, ["members"])
    notifications.idea_joined(idea, user)
    return member


def decline_invitation(idea: Idea, user: User) -> None:
    """Say no to an invitation; the owner may invite again later."""
    member = _pending(idea, user)
    db.session.delete(member)
    db.session.flush()
    db.session.expire(idea, ["members"])


def remove_member(idea: Idea, actor: User, member_user: User) -> None:
    """Take someone off the team or withdraw their invitation; ``actor`` is the
    owner, or the member themselves when leaving. The owner cannot be removed."""
    member = _membership(idea, member_user.id)
    if member is None:
        raise Conflict(_l("This person is not on the team."))
    if member.is_owner:
        raise Conflict(_l("The owner of an idea cannot leave or be removed from its team."))
    db.session.delete(member)
    db.session.flush()
    db.session.expire(idea, ["members"])


# --- reading -------------------------------------------------------------------


def memberships_of(user: User) -> list[IdeaMember]:
    """The user's team places, accepted and invited, newest idea first."""
    return list(
        db.session.scalars(
            select(IdeaMember)
            .join(Idea, Idea.id == IdeaMember.idea_id)
            .options(selectinload(IdeaMember.idea).selectinload(Idea.challenge))
            .where(IdeaMember.user_id == user.id)
            .order_by(Idea.created_at.desc(), Idea.id.desc())
        )
    )
