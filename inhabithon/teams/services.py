"""Weekend teams: the board, teams, join requests and their rules.

The rules that must hold under concurrent requests are database rules: a
team's ``member_count`` moves with one atomic UPDATE that the CHECK
``member_count <= size_max`` refuses past the limit, a person is in at most
one team per challenge (unique), and a join request is decided once (an
UPDATE that only matches while it is pending). Integrity errors are caught
inside a savepoint and become a Conflict (409) with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import AuthorDisplay, Idea, Origin
from inhabithon.mail.services import queue_mail
from inhabithon.teams.models import (
    BoardPost,
    JoinRequest,
    RequestStatus,
    Team,
    TeamMember,
    TeamRole,
)

_NO_SYNC = {"synchronize_session": False}
MIN_TEAM_SIZE = 2
MAX_TEAM_SIZE = 50
_CLOSED_PHASES = (Phase.DRAFT, Phase.RESULTS, Phase.ARCHIVED)


@dataclass
class PostData:
    brings: str
    looks_for: str
    languages: str = ""
    nickname: str | None = None  # None: shown by the account's name


@dataclass
class TeamData:
    name: str
    description: str = ""
    languages: str = ""
    idea_id: int | None = None
    nickname: str | None = None  # how the owner is shown (creation only)


def _nick(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def check_open(challenge: Challenge) -> None:
    """Teams form from the moment a challenge is published until its results are out."""
    if challenge.phase in _CLOSED_PHASES:
        raise Conflict(_l("Team formation is closed in this challenge."))


# --- the board -----------------------------------------------------------------


def post_of(user: User, challenge: Challenge) -> BoardPost | None:
    return db.session.scalar(
        select(BoardPost).where(
            BoardPost.user_id == user.id, BoardPost.challenge_id == challenge.id
        )
    )


def board(challenge: Challenge) -> list[BoardPost]:
    """The posts of people with an account, newest first."""
    return list(
        db.session.scalars(
            select(BoardPost)
            .join(User, User.id == BoardPost.user_id)
            .options(selectinload(BoardPost.user))
            .where(BoardPost.challenge_id == challenge.id, User.deleted_at.is_(None))
            .order_by(BoardPost.created_at.desc(), BoardPost.id.desc())
        )
    )


def save_post(user: User, challenge: Challenge, data: PostData) -> BoardPost:
    """Post on the board, or update the user's post (one per challenge)."""
    check_open(challenge)
    if not data.brings.strip() or not data.looks_for.strip():
        raise InvalidInput(_l("Say what you bring and what you look for."))
    post = post_of(user, challenge)
    now = utcnow()
    created = post is None
    if post is None:
        post = BoardPost(user_id=user.id, challenge_id=challenge.id, created_at=now)
    post.brings = data.brings.strip()
    post.looks_for = data.looks_for.strip()
    post.languages = data.languages.strip()
    post.nickname = _nick(data.nickname)
    post.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.add(post)
    except IntegrityError:
        raise Conflict(_l("You already have a post on this board.")) from None
    record(user, "team_board.posted" if created else "team_board.updated", post)
    return post


def withdraw_post(user: User, challenge: Challenge) -> None:
    result = db.session.execute(
        delete(BoardPost)
        .where(BoardPost.user_id == user.id, BoardPost.challenge_id == challenge.id)
        .execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict(_l("You have no post on this board."))


# --- teams -----------------------------------------------------------------------


def teams_of(challenge: Challenge) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .options(selectinload(Team.members).selectinload(TeamMember.user))
            .where(Team.challenge_id == challenge.id)
            .order_by(Team.name, Team.id)
        )
    )


def membership(user: User, challenge: Challenge) -> TeamMember | None:
    """The user's place in a team of ``challenge``, if any."""
    return db.session.scalar(
        select(TeamMember).where(
            TeamMember.user_id == user.id, TeamMember.challenge_id == challenge.id
        )
    )


def _check_idea(team_owner: User, challenge: Challenge, idea_id: int | None) -> Idea | None:
    if idea_id is None:
        return None
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.challenge_id != challenge.id or idea.author_id != team_owner.id:
        raise InvalidInput(
            _l("A team can link only an idea in this challenge that its owner wrote."),
            field="idea_id",
        )
    if not _linkable(idea):
        raise InvalidInput(
            _l(
                "Only an idea published under your own name can be linked: the team's page "
                "would tell who wrote an anonymous idea."
            ),
            field="idea_id",
        )
    return idea


def _linkable(idea: Idea) -> bool:
    """Linking an anonymous or pseudonymous idea to a named team would name its author."""
    return idea.author_display is AuthorDisplay.NAME and idea.origin is Origin.DIRECT


def _check_size_max(challenge: Challenge) -> int:
    return max(MIN_TEAM_SIZE, min(challenge.team_size_max, MAX_TEAM_SIZE))


def _name_taken() -> Conflict:
    return Conflict(_l("A team with this name already exists in this challenge."), field="name")


def create_team(owner: User, challenge: Challenge, data: TeamData) -> Team:
    """Create a team with ``owner`` as its first member and owner."""
    check_open(challenge)
    name = data.name.strip()
    if not name:
        raise InvalidInput(_l("Give the team a name."), field="name")
    if membership(owner, challenge) is not None:
        raise Conflict(_l("You are already in a team in this challenge."))
    idea = _check_idea(owner, challenge, data.idea_id)
    team = Team(
        challenge_id=challenge.id,
        name=name,
        description=data.description.strip(),
        languages=data.languages.strip(),
        idea_id=idea.id if idea else None,
        member_count=1,
        size_max=_check_size_max(challenge),
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(team)
            db.session.flush()
    except IntegrityError:
        raise _name_taken() from None
    try:
        with db.session.begin_nested():
            db.session.add(
                TeamMember(
                    team_id=team.id,
                    user_id=owner.id,
                    challenge_id=challenge.id,
                    role=TeamRole.OWNER,
                    nickname=_nick(data.nickname),
                    joined_at=utcnow(),
                )
            )
    except IntegrityError:
        raise Conflict(_l("You are already in a team in this challenge.")) from None
    # The user's open requests to other teams are moot now.
    _cancel_other_requests(owner.id, challenge.id, None)
    record(owner, "team.created", team, after={"name": team.name, "challenge": challenge.slug})
    db.session.expire(team, ["members"])
    return team


def update_team(actor: User, team: Team, data: TeamData) -> Team:
    check_open(team.challenge)
    name = data.name.strip()
    if not name:
        raise InvalidInput(_l("Give the team a name."), field="name")
    owner = team.owner
    if data.idea_id != team.idea_id:
        if owner is None:  # pragma: no cover - a team always has an owner
            raise Conflict(_l("The team has no owner."))
        _check_idea(owner.user, team.challenge, data.idea_id)
    before = {"name": team.name, "idea_id": team.idea_id}
    team.name = name
    team.description = data.description.strip()
    team.languages = data.languages.strip()
    team.idea_id = data.idea_id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _name_taken() from None
    record(
        actor, "team.updated", team, before=before, after={"name": name, "idea_id": team.idea_id}
    )
    return team


def ideas_to_link_for(owner_id: int | None, challenge: Challenge) -> list[Idea]:
    """The ideas a team owned by ``owner_id`` may link: the owner's own in the challenge."""
    if owner_id is None:
        return []
    return list(
        db.session.scalars(
            select(Idea)
            .where(
                Idea.challenge_id == challenge.id,
                Idea.author_id == owner_id,
                Idea.author_display == AuthorDisplay.NAME,
                Idea.origin == Origin.DIRECT,
            )
            .order_by(Idea.created_at.desc(), Idea.id.desc())
        )
    )


# --- join requests ---------------------------------------------------------------


def request_of(user: User, team: Team) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(JoinRequest.team_id == team.id, JoinRequest.user_id == user.id)
    )


def pending_requests(team: Team) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .options(selectinload(JoinRequest.user))
            .where(JoinRequest.team_id == team.id, JoinRequest.status == RequestStatus.PENDING)
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def request_to_join(user: User, team: Team, message: str, nickname: str | None) -> JoinRequest:
    """Ask to join ``team``; its owner and admins are told by e-mail."""
    challenge = team.challenge
    check_open(challenge)
    if membership(user, challenge) is not None:
        raise Conflict(_l("You are already in a team in this challenge."))
    if team.open_seats <= 0:
        raise Conflict(_l("This team is full."))
    existing = request_of(user, team)
    if existing is not None and existing.status is RequestStatus.PENDING:
        raise Conflict(_l("You have already asked to join this team."))
    now = utcnow()
    req = existing or JoinRequest(team_id=team.id, user_id=user.id, challenge_id=challenge.id)
    req.message = message.strip()
    req.nickname = _nick(nickname)
    req.status = RequestStatus.PENDING
    req.created_at = now
    req.decided_at = None
    try:
        with db.session.begin_nested():
            db.session.add(req)
    except IntegrityError:
        raise Conflict(_l("You have already asked to join this team.")) from None
    record(user, "team.join_requested", team)
    url = url_for("teams.detail", team_id=team.id, _external=True)
    for member in team.members:
        if member.can_decide and member.user.deleted_at is None:
            queue_mail(
                member.user.email,
                _l("Someone asks to join your team “%(team)s”", team=team.name),
                "team_request_received",
                member.user.locale,
                name=member.user.display_name,
                team=team.name,
                requester=req.shown_name,
                message=req.message,
                url=url,
            )
    return req


def cancel_request(user: User, team: Team) -> None:
    result = db.session.execute(
        update(JoinRequest)
        .where(
            JoinRequest.team_id == team.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
        .values(status=RequestStatus.CANCELLED, decided_at=utcnow())
        .execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict(_l("You have no open request to join this team."))


def _cancel_other_requests(user_id: int, challenge_id: int, except_team: int | None) -> None:
    stmt = update(JoinRequest).where(
        JoinRequest.user_id == user_id,
        JoinRequest.challenge_id == challenge_id,
        JoinRequest.status == RequestStatus.PENDING,
    )
    if except_team is not None:
        stmt = stmt.where(JoinRequest.team_id != except_team)
    db.session.execute(
        stmt.values(status=RequestStatus.CANCELLED, decided_at=utcnow()).execution_options(
            **_NO_SYNC
        )
    )


def _decide(req: JoinRequest, status: RequestStatus) -> None:
    """Move a pending request to ``status``; only one of two concurrent decisions wins."""
    result = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == req.id, JoinRequest.status == RequestStatus.PENDING)
        .values(status=status, decided_at=utcnow())
        .execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict(_l("This request has already been answered or withdrawn."))
    db.session.expire(req, ["status", "decided_at"])


def _tell_requester(req: JoinRequest, team: Team, accepted: bool) -> None:
    user = req.user
    if user.deleted_at is not None:  # pragma: no cover - deleted accounts have no requests
        return
    queue_mail(
        user.email,
        _l("You are in the team “%(team)s”", team=team.name)
        if accepted
        else _l("Your request to join “%(team)s”", team=team.name),
        "team_request_accepted" if accepted else "team_request_declined",
        user.locale,
        name=user.display_name,
        team=team.name,
        url=url_for("teams.detail", team_id=team.id, _external=True),
    )


def full_message(team: Team) -> str:
    return str(
        _l(
            "The team is full: it has %(max)d members, the most this challenge allows. "
            "Someone must leave before another person can join.",
            max=team.size_max,
        )
    )


def accept_request(actor: User, team: Team, req: JoinRequest) -> TeamMember:
    """Let the requester in: Conflict when the team is full or they joined
    another team meanwhile; nothing is kept then."""
    challenge = team.challenge
    check_open(challenge)
    savepoint = db.session.begin_nested()
    try:
        _decide(req, RequestStatus.ACCEPTED)
    except Conflict:
        savepoint.rollback()
        raise
    try:
        # The limit as the challenge sets it now; the CHECK refuses a full team.
        db.session.execute(
            update(Team)
            .where(Team.id == team.id)
            .values(member_count=Team.member_count + 1, size_max=_check_size_max(challenge))
            .execution_options(**_NO_SYNC)
        )
    except IntegrityError:
        savepoint.rollback()
        db.session.expire(team)
        raise Conflict(full_message(team)) from None
    member = TeamMember(
        team_id=team.id,
        user_id=req.user_id,
        challenge_id=challenge.id,
        role=TeamRole.MEMBER,
        nickname=req.nickname,
        joined_at=utcnow(),
    )
    try:
        db.session.add(member)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(_l("This person has joined another team in this challenge.")) from None
    savepoint.commit()
    _cancel_other_requests(req.user_id, challenge.id, team.id)
    db.session.expire(team)
    record(actor, "team.request_accepted", team, after={"user_id": req.user_id})
    _tell_requester(req, team, accepted=True)
    return member


def decline_request(actor: User, team: Team, req: JoinRequest) -> None:
    _decide(req, RequestStatus.DECLINED)
    record(actor, "team.request_declined", team, after={"user_id": req.user_id})
    _tell_requester(req, team, accepted=False)


# --- members ---------------------------------------------------------------------


def _drop_member(team: Team, member: TeamMember) -> None:
    db.session.delete(member)
    db.session.flush()
    db.session.execute(
        update(Team)
        .where(Team.id == team.id)
        .values(member_count=Team.member_count - 1)
        .execution_options(**_NO_SYNC)
    )
    db.session.expire(team)


def leave_team(user: User, team: Team) -> None:
    """Leave; the owner hands over ownership first (or is the last one, and the team goes)."""
    member = team.member(user.id)
    if member is None:
        raise Conflict(_l("You are not in this team."))
    if member.role is TeamRole.OWNER:
        if len(team.members) > 1:
            raise Conflict(_l("Hand over ownership to another member before you leave the team."))
        dissolve(user, team)
        return
    _drop_member(team, member)
    record(user, "team.left", team)


def remove_member(actor: User, team: Team, user_id: int) -> None:
    member = team.member(user_id)
    if member is None:
        raise Conflict(_l("This person is not in the team."))
    if member.role is TeamRole.OWNER:
        raise Conflict(_l("The owner cannot be removed; hand over ownership first."))
    _drop_member(team, member)
    record(actor, "team.member_removed", team, after={"user_id": user_id})


def hand_over(actor: User, team: Team, user_id: int) -> None:
    """Make the member ``user_id`` the owner; the old owner stays as an admin."""
    member = team.member(user_id)
    old = team.owner
    if member is None:
        raise Conflict(_l("This person is not in the team."))
    if old is None or member is old:
        raise Conflict(_l("This person already owns the team."))
    old.role = TeamRole.ADMIN
    member.role = TeamRole.OWNER
    if team.idea is not None and team.idea.author_id != user_id:
        # The link rule: only the owner's own idea.
        team.idea_id = None
    db.session.flush()
    record(
        actor,
        "team.owner_changed",
        team,
        before={"owner_id": old.user_id},
        after={"owner_id": user_id},
    )


def set_admin(actor: User, team: Team, user_id: int, admin: bool) -> None:
    member = team.member(user_id)
    if member is None:
        raise Conflict(_l("This person is not in the team."))
    if member.role is TeamRole.OWNER:
        raise Conflict(_l("This person already owns the team."))
    member.role = TeamRole.ADMIN if admin else TeamRole.MEMBER
    db.session.flush()
    record(actor, "team.role_changed", team, after={"user_id": user_id, "role": member.role.value})


def dissolve(actor: User | None, team: Team) -> None:
    record(actor, "team.dissolved", team, before={"name": team.name})
    db.session.delete(team)
    db.session.flush()


# --- privacy ---------------------------------------------------------------------


def export_for(user: User) -> dict[str, list[dict[str, Any]]]:
    """The user's board posts, team places and join requests (no other people's data)."""
    posts = db.session.scalars(
        select(BoardPost).where(BoardPost.user_id == user.id).order_by(BoardPost.id)
    ).all()
    members = db.session.scalars(
        select(TeamMember)
        .options(selectinload(TeamMember.team))
        .where(TeamMember.user_id == user.id)
        .order_by(TeamMember.team_id)
    ).all()
    requests = db.session.scalars(
        select(JoinRequest)
        .options(selectinload(JoinRequest.team))
        .where(JoinRequest.user_id == user.id)
        .order_by(JoinRequest.id)
    ).all()
    return {
        "board_posts": [
            {
                "challenge_id": p.challenge_id,
                "shown_as": p.nickname or "account name",
                "brings": p.brings,
                "looks_for": p.looks_for,
                "languages": p.languages,
                "created_at": p.created_at.isoformat(),
            }
            for p in posts
        ],
        "teams": [
            {
                "team_id": m.team_id,
                "team": m.team.name,
                "challenge_id": m.challenge_id,
                "role": m.role.value,
                "shown_as": m.nickname or "account name",
                "joined_at": m.joined_at.isoformat(),
            }
            for m in members
        ],
        "join_requests": [
            {
                "team_id": r.team_id,
                "team": r.team.name,
                "message": r.message,
                "status": r.status.value,
                "created_at": r.created_at.isoformat(),
            }
            for r in requests
        ],
    }


def forget_user(user: User) -> None:
    """For account deletion: posts and requests go; the user leaves their teams,
    handing ownership to an admin or the longest-standing member, and a team
    left empty is dissolved."""
    db.session.execute(delete(BoardPost).where(BoardPost.user_id == user.id))
    db.session.execute(delete(JoinRequest).where(JoinRequest.user_id == user.id))
    places = db.session.scalars(select(TeamMember).where(TeamMember.user_id == user.id)).all()
    for place in places:
        team = place.team
        others = [m for m in team.members if m.user_id != user.id]
        if not others:
            dissolve(None, team)
            continue
        if place.role is TeamRole.OWNER:
            heir = next((m for m in others if m.role is TeamRole.ADMIN), others[0])
            heir.role = TeamRole.OWNER
            if team.idea is not None and team.idea.author_id != heir.user_id:
                team.idea_id = None
            record(None, "team.owner_changed", team, after={"owner_id": heir.user_id})
        _drop_member(team, place)
