"""Who may do what: every authorization decision, written once.

Predicates take the current user (possibly anonymous) and the object, answer
True or False, and are used by views (through ``require`` and the load helpers)
and by templates (to show a button) alike. *When* something is allowed (the
challenge's phase) is a rule of the domain and lives in the services.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.db import Base, db
from inhabithon.events.models import Event
from inhabithon.ideas.models import Idea, IdeaStatus, MemberStatus
from inhabithon.teams.models import Team, TeamRole
from inhabithon.weekend.models import EventOfficial

M = TypeVar("M", bound=Base)


def _user(user: Any) -> User | None:
    """The account behind ``user``, or None for visitors and suspended users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active:
        return None
    return user


def has_role(user: Any, role: Role) -> bool:
    u = _user(user)
    return u is not None and u.has_role(role)


def is_admin(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def is_official(user: Any) -> bool:
    """Officials run events; admins can do whatever officials can."""
    return has_role(user, Role.OFFICIAL) or is_admin(user)


def shares_residents_pages(user: Any) -> bool:
    """A resident and nothing more: sees a public page as every such resident
    does, but for its personal parts (inhabithon/pagecache). Guides, jurors,
    officials and admins see more, so their pages are rendered for them."""
    u = _user(user)
    return u is not None and u.role_set == {Role.RESIDENT}


# --- events and challenges -------------------------------------------------


def can_manage_events(user: Any) -> bool:
    return is_official(user)


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge.is_published or is_official(user)


# --- the weekend (sign-up, programme, check-in, attendee data) ---------------


def is_event_official(user: Any, event: Event) -> bool:
    """Admins, and the officials named as officials of this event: the only ones
    who see its attendees' personal data."""
    if is_admin(user):
        return True
    u = _user(user)
    if u is None or not has_role(u, Role.OFFICIAL):
        return False
    return (
        db.session.scalar(
            select(EventOfficial.user_id).where(
                EventOfficial.event_id == event.id, EventOfficial.user_id == u.id
            )
        )
        is not None
    )


def can_manage_weekend(user: Any, event: Event) -> bool:
    """Capacity, sign-up, retention, the event's officials and its programme."""
    return is_event_official(user, event)


def can_view_attendees(user: Any, event: Event) -> bool:
    return is_event_official(user, event)


def can_check_in(user: Any, event: Event) -> bool:
    return is_event_official(user, event)


def can_sign_up(user: Any, event: Event) -> bool:
    """Anyone signed in may sign up to attend (whether it is open is the domain's rule)."""
    return _user(user) is not None


# --- weekend teams (the board, teams, join requests) -------------------------


def can_post_on_team_board(user: Any, challenge: Challenge) -> bool:
    """Anyone signed in may post what they bring (whether it is open is the domain's rule)."""
    return _user(user) is not None and can_view_challenge(user, challenge)


def can_create_team(user: Any, challenge: Challenge) -> bool:
    return _user(user) is not None and can_view_challenge(user, challenge)


def is_weekend_team_member(user: Any, team: Team) -> bool:
    u = _user(user)
    return u is not None and team.member(u.id) is not None


def is_weekend_team_owner(user: Any, team: Team) -> bool:
    u = _user(user)
    member = team.member(u.id) if u is not None else None
    return member is not None and member.role is TeamRole.OWNER


def can_request_to_join(user: Any, team: Team) -> bool:
    return _user(user) is not None and not is_weekend_team_member(user, team)


def can_decide_join_requests(user: Any, team: Team) -> bool:
    """The team's owner and the admins the owner named."""
    u = _user(user)
    member = team.member(u.id) if u is not None else None
    return member is not None and member.can_decide


def can_edit_team(user: Any, team: Team) -> bool:
    return can_decide_join_requests(user, team)


def can_manage_team_members(user: Any, team: Team) -> bool:
    """Removing members, naming admins and handing over ownership: the owner only."""
    return is_weekend_team_owner(user, team)


# --- ideas -----------------------------------------------------------------


def is_idea_owner(user: Any, idea: Idea) -> bool:
    u = _user(user)
    return u is not None and idea.author_id == u.id


def is_team_member(user: Any, idea: Idea) -> bool:
    u = _user(user)
    return u is not None and u.id in idea.member_ids()


def can_view_idea(user: Any, idea: Idea) -> bool:
    if not can_view_challenge(user, idea.challenge):
        return False
    if idea.status is IdeaStatus.PUBLISHED:
        return True
    return is_idea_owner(user, idea) or is_official(user)


def can_submit_idea(user: Any, challenge: Challenge) -> bool:
    return _user(user) is not None and can_view_challenge(user, challenge)


def can_edit_idea(user: Any, idea: Idea) -> bool:
    return is_idea_owner(user, idea)


def can_manage_team(user: Any, idea: Idea) -> bool:
    return is_idea_owner(user, idea)


def is_signed_in(user: Any) -> bool:
    """Logged in with an active account (everyone then takes part as a resident)."""
    return _user(user) is not None


def is_invited(user: Any, idea: Idea) -> bool:
    """Has an open invitation to the idea's team."""
    u = _user(user)
    return u is not None and any(
        m.user_id == u.id and m.status is MemberStatus.INVITED for m in idea.members
    )


def can_remove_member(user: Any, idea: Idea, member_user_id: int) -> bool:
    """The owner removes others (or withdraws their invitation); a member may leave."""
    u = _user(user)
    return u is not None and (is_idea_owner(user, idea) or u.id == member_user_id)


def can_see_author(user: Any, anonymous_content: Any) -> bool:
    """Whether ``user`` may see who wrote content marked anonymous: admins only."""
    return is_admin(user)


# --- votes and comments ----------------------------------------------------


def can_vote(user: Any, idea: Idea) -> bool:
    """Residents vote on ideas that are not their own team's."""
    return (
        _user(user) is not None and not is_team_member(user, idea) and not is_idea_owner(user, idea)
    )


def can_view_vote_integrity(user: Any, challenge: Challenge) -> bool:
    """Officials see where a challenge's votes come from (never who voted for what
    beyond account numbers, and never an address)."""
    return is_official(user)


def can_void_votes(user: Any, challenge: Challenge) -> bool:
    """Officials void votes that should not count, with a reason (audited)."""
    return is_official(user)


def can_comment(user: Any, idea: Idea) -> bool:
    return _user(user) is not None and can_view_idea(user, idea)


def can_delete_comment(user: Any, comment: Comment) -> bool:
    u = _user(user)
    if u is None or comment.status is CommentStatus.DELETED:
        return False
    return comment.author_id == u.id or is_official(user)


# --- jury ------------------------------------------------------------------


def can_manage_jury(user: Any, challenge: Challenge) -> bool:
    """Officials set up a challenge's jury round: criteria, jurors, assignments."""
    return is_official(user)


def can_judge(user: Any) -> bool:
    """Holds the jury role: sees the jurors' pages (only their own rounds in them)."""
    return has_role(user, Role.JURY)


def is_juror(user: Any, challenge: Challenge) -> bool:
    """A juror of the challenge's round (holding the jury role is not enough)."""
    from inhabithon.jury.models import Juror, JuryRound

    u = _user(user)
    if u is None or not u.has_role(Role.JURY):
        return False
    found = db.session.scalar(
        select(Juror.id)
        .join(JuryRound, Juror.round_id == JuryRound.id)
        .where(JuryRound.challenge_id == challenge.id, Juror.user_id == u.id)
    )
    return found is not None


def can_score(user: Any, assignment: Any) -> bool:
    """Only the juror an assignment belongs to sees or writes its score sheet."""
    u = _user(user)
    return u is not None and u.has_role(Role.JURY) and assignment.juror.user_id == u.id


# --- projects ----------------------------------------------------------------


def can_manage_projects(user: Any) -> bool:
    """Officials create projects, edit them, change their status and post updates."""
    return is_official(user)


def can_follow_project(user: Any) -> bool:
    return _user(user) is not None


# --- notifications ------------------------------------------------------------------


def can_read_notifications(user: Any) -> bool:
    """One's own notifications and e-mail setting: any active account."""
    return _user(user) is not None


def can_follow(user: Any, obj: Challenge | Idea) -> bool:
    """Follow a challenge or an idea one can see."""
    if _user(user) is None:
        return False
    if isinstance(obj, Challenge):
        return can_view_challenge(user, obj)
    return can_view_idea(user, obj)


# --- results -------------------------------------------------------------------


def can_manage_results(user: Any, challenge: Challenge) -> bool:
    """Officials review the computed ranking, override it and publish the awards."""
    return is_official(user)


def can_export_all_ideas(user: Any, challenge: Challenge) -> bool:
    """Officials' CSV of a challenge's ideas also lists the pending and hidden
    ones with their moderation columns (never the authors of anonymous ideas)."""
    return is_official(user)


# --- moderation --------------------------------------------------------------


def can_moderate(user: Any) -> bool:
    """Officials work the moderation queue: hide, restore, approve, reject."""
    return is_official(user)


def can_flag_idea(user: Any, idea: Idea) -> bool:
    """Any signed-in resident may report a published idea that is not their own."""
    return (
        _user(user) is not None
        and idea.status is IdeaStatus.PUBLISHED
        and not is_idea_owner(user, idea)
        and can_view_idea(user, idea)
    )


def can_flag_comment(user: Any, comment: Comment) -> bool:
    """Any signed-in resident may report a published comment that is not their own."""
    u = _user(user)
    return u is not None and comment.status is CommentStatus.PUBLISHED and comment.author_id != u.id


# --- one's own data (privacy) --------------------------------------------------


def can_manage_own_data(user: Any) -> bool:
    """Download one's data or delete one's account: any active account, for itself."""
    return _user(user) is not None


# --- outreach ------------------------------------------------------------------


def is_guide(user: Any) -> bool:
    """Guides (and officials) bring in residents' ideas and comments on their behalf."""
    return has_role(user, Role.GUIDE) or is_official(user)


def can_submit_on_behalf(user: Any, challenge: Challenge) -> bool:
    return is_guide(user) and can_view_challenge(user, challenge)


def can_see_submitter(user: Any, content: Any) -> bool:
    """Which guide wrote content down for a resident: shown to officials only."""
    return is_official(user)


def can_send_without_account(user: Any, challenge: Challenge) -> bool:
    """Anyone may send an idea without an account to a published challenge."""
    return challenge.is_published


# --- administration ----------------------------------------------------------


def can_manage_roles(user: Any) -> bool:
    return is_admin(user)


def can_view_audit(user: Any) -> bool:
    return is_admin(user)


def can_suspend_users(user: Any) -> bool:
    """Admins suspend accounts and lift suspensions."""
    return is_admin(user)


# --- helpers for views -------------------------------------------------------


def require(allowed: bool) -> None:
    """Abort with 401 for visitors (via login) and 403 for everyone else."""
    if allowed:
        return
    if not getattr(current_user, "is_authenticated", False):
        abort(current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    abort(403)


def get_or_404(model: type[M], ident: Any) -> M:
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


@cache
def _idea_query() -> Select[Idea]:
    """Built once, as every vote, comment and idea action loads its idea through
    it, and on first use: a loader option needs every model mapped, which is not
    so while modules import."""
    return select(Idea).options(joinedload(Idea.challenge)).where(Idea.id == bindparam("id"))


def load_idea(idea_id: int) -> Idea:
    """An idea the current user may see, else 404 (hidden ideas do not exist to others)."""
    idea = db.session.scalar(_idea_query(), {"id": idea_id})
    if idea is None:
        abort(404)
    if not can_view_idea(current_user, idea):
        abort(404)
    return idea


TEMPLATE_PREDICATES = {
    name: obj
    for name, obj in list(globals().items())
    if name.startswith(("can_", "is_")) and callable(obj)
}
