"""The authorization matrix: every route of the app × every role × GET and POST.

Each (endpoint, method) has an explicit expectation per role in TABLE. A route
missing from the table fails ("unclassified route"), so a new page cannot ship
without someone deciding who may open it; a denial turning into an allow fails.

Classes of answer:
  ok     the request reached the page or the action (2xx, a redirect that is not
         to the login page, or 400: allowed, but the empty form was refused)
  login  sent to log in (302/303 to /login, or 401)
  403    forbidden;  404  not found (hidden);  405  method not allowed
  409    allowed to ask, but the state of things refuses it (e.g. the phase)

The world's challenge is in its voting phase, so some allowed actions answer
409 (closed for now), which is still distinct from a denial.

Every request runs in a savepoint that is rolled back, so one request's effect
(a deletion, a suspension, a logout) never changes what the next one sees.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import Rule

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.ideas.models import IdeaMember, MemberStatus
from inhabithon.projects.models import ProjectTranslation
from inhabithon.teams.models import JoinRequest, Team, TeamMember, TeamRole
from inhabithon.weekend.models import ProgrammeItem, Signup, SignupStatus
from tests.projects.helpers import project

ROLES = ("visitor", "resident", "guide", "jury", "official", "admin", "suspended")
CODES = {"O": "ok", "L": "login", "D": "403", "N": "404", "M": "405", "C": "409"}


def _row(spec: str) -> dict[str, str]:
    """'LOOOOOL' → the class per role, in the order of ROLES."""
    assert len(spec) == len(ROLES), spec
    return {role: CODES[c] for role, c in zip(ROLES, spec, strict=True)}


PUBLIC = "OOOOOOO"
SIGNED_IN = "LOOOOOL"  # suspended accounts are logged out: treated as visitors
OFFICIALS = "LDDDOOL"
ADMINS = "LDDDDOL"
GUIDES = "LDODOOL"  # guides, and officials and admins, who can do what guides do
JURORS = "LDDODDL"  # the jury role; only the juror of the round gets further
OWNER = "LODDDDL"  # the resident owns the idea in the world below
NOT_OWN = "LDOOOOL"  # anyone signed in, except on their own content (flags)

TABLE: dict[tuple[str, str], str] = {
    # --- public pages -------------------------------------------------------------
    ("main.home", "GET"): PUBLIC,
    ("main.accessibility", "GET"): PUBLIC,
    ("main.healthz", "GET"): PUBLIC,
    ("main.set_language", "POST"): PUBLIC,
    ("static", "GET"): PUBLIC,
    ("events.detail", "GET"): PUBLIC,
    ("challenges.detail", "GET"): PUBLIC,
    ("ideas.detail", "GET"): PUBLIC,
    ("results.public", "GET"): "NNNNOON",  # unpublished: officials preview
    ("projects.index", "GET"): PUBLIC,
    ("search.index", "GET"): PUBLIC,
    ("projects.detail", "GET"): PUBLIC,
    ("projects.feed", "GET"): PUBLIC,
    ("projects.project_feed", "GET"): PUBLIC,
    ("moderation.log", "GET"): PUBLIC,
    ("privacy.statement", "GET"): PUBLIC,
    # --- open data: the API answers everyone as a visitor --------------------------------
    ("api.index", "GET"): PUBLIC,
    ("api.openapi", "GET"): PUBLIC,
    ("api.events", "GET"): PUBLIC,
    ("api.event", "GET"): PUBLIC,
    ("api.challenges", "GET"): PUBLIC,
    ("api.challenge", "GET"): PUBLIC,
    ("api.ideas", "GET"): PUBLIC,
    ("api.idea", "GET"): PUBLIC,
    ("api.results", "GET"): PUBLIC,
    ("api.result", "GET"): "NNNNNNN",  # voting: no results yet, for anyone
    ("api.projects", "GET"): PUBLIC,
    ("api.project", "GET"): PUBLIC,
    ("api.ideas_csv", "GET"): PUBLIC,  # officials get more columns, everyone a file
    ("api.results_csv", "GET"): "NNNNNNN",
    ("api.projects_csv", "GET"): PUBLIC,
    ("api.ideas_feed", "GET"): PUBLIC,
    ("outreach.submit_without_account", "GET"): "CCCCCCC",  # closed in voting
    ("outreach.submit_without_account", "POST"): "CCCCCCC",
    ("outreach.track_form", "GET"): PUBLIC,
    ("outreach.track_form", "POST"): PUBLIC,
    ("outreach.track", "GET"): "NNNNNNN",  # an unknown code
    # --- accounts ---------------------------------------------------------------------
    ("accounts.login", "GET"): PUBLIC,
    ("accounts.login", "POST"): PUBLIC,
    ("accounts.logout", "GET"): PUBLIC,
    ("accounts.logout", "POST"): PUBLIC,
    ("accounts.register", "GET"): PUBLIC,
    ("accounts.register", "POST"): PUBLIC,
    ("accounts.forgot_password", "GET"): PUBLIC,
    ("accounts.forgot_password", "POST"): PUBLIC,
    ("accounts.reset_password", "GET"): PUBLIC,
    ("accounts.reset_password", "POST"): PUBLIC,
    ("accounts.verify_email", "GET"): PUBLIC,
    ("accounts.confirm_email_change", "GET"): PUBLIC,
    ("accounts.settings", "GET"): SIGNED_IN,
    ("accounts.settings", "POST"): SIGNED_IN,
    ("accounts.change_email", "POST"): SIGNED_IN,
    ("accounts.change_password", "POST"): SIGNED_IN,
    ("accounts.resend_verification", "POST"): SIGNED_IN,
    ("privacy.export", "GET"): SIGNED_IN,
    ("privacy.export", "POST"): SIGNED_IN,
    ("privacy.delete_account", "GET"): SIGNED_IN,
    ("privacy.delete_account", "POST"): SIGNED_IN,
    # --- ideas, comments, votes -------------------------------------------------------
    ("ideas.new", "GET"): "LCCCCCL",  # voting phase: not accepting ideas
    ("ideas.new", "POST"): "LCCCCCL",
    ("ideas.mine", "GET"): SIGNED_IN,
    ("ideas.edit", "GET"): "LCDDDDL",  # the owner; editing closed with submissions
    ("ideas.edit", "POST"): OWNER,
    ("ideas.team", "GET"): OWNER,
    ("ideas.team", "POST"): OWNER,
    ("ideas.remove", "POST"): OWNER,
    ("ideas.accept", "POST"): "LCCCCCL",  # nobody is invited: refused by state
    ("ideas.decline", "POST"): "LCCCCCL",
    ("comments.create", "POST"): SIGNED_IN,
    ("comments.delete", "POST"): "LODDOOL",  # its author, and officials
    ("votes.cast", "POST"): "LCOOOOL",  # not for one's own idea
    ("votes.withdraw", "POST"): "LCCCCCL",  # nobody has voted
    ("votes.withdraw_hidden", "POST"): SIGNED_IN,  # nothing to give back: done at once
    ("votes.integrity", "GET"): OFFICIALS,
    ("votes.void", "GET"): OFFICIALS,
    ("votes.void", "POST"): OFFICIALS,
    # --- moderation -------------------------------------------------------------------
    ("moderation.flag_idea", "GET"): NOT_OWN,
    ("moderation.flag_idea", "POST"): NOT_OWN,
    ("moderation.flag_comment", "GET"): NOT_OWN,
    ("moderation.flag_comment", "POST"): NOT_OWN,
    ("moderation.queue", "GET"): OFFICIALS,
    ("moderation.decide_idea", "GET"): OFFICIALS,
    ("moderation.decide_idea", "POST"): OFFICIALS,
    ("moderation.decide_comment", "GET"): OFFICIALS,
    ("moderation.decide_comment", "POST"): OFFICIALS,
    # --- outreach ---------------------------------------------------------------------
    ("outreach.guide_page", "GET"): GUIDES,
    ("outreach.submit_on_behalf", "GET"): "LDCDCCL",  # guides; closed in voting
    ("outreach.submit_on_behalf", "POST"): "LDCDCCL",
    # --- events and challenges (officials) --------------------------------------------
    ("events.manage", "GET"): OFFICIALS,
    ("events.new", "GET"): OFFICIALS,
    ("events.new", "POST"): OFFICIALS,
    ("events.edit", "GET"): OFFICIALS,
    ("events.edit", "POST"): OFFICIALS,
    # --- weekend teams: the resident owns the world's team, the member is in it ---------
    ("teams.index", "GET"): PUBLIC,
    ("teams.detail", "GET"): PUBLIC,
    ("teams.post", "GET"): SIGNED_IN,
    ("teams.post", "POST"): SIGNED_IN,  # the empty form is refused (400)
    ("teams.withdraw_post", "POST"): "LCCCCCL",  # nobody has a post: nothing to withdraw
    ("teams.create", "GET"): SIGNED_IN,
    ("teams.create", "POST"): SIGNED_IN,  # the empty form is refused (400)
    ("teams.edit", "GET"): OWNER,
    ("teams.edit", "POST"): OWNER,
    ("teams.join", "POST"): NOT_OWN,  # members cannot ask to join their own team
    ("teams.cancel", "POST"): "LCCCCCL",  # no open request of theirs
    ("teams.accept", "POST"): OWNER,
    ("teams.decline", "POST"): OWNER,
    ("teams.leave", "POST"): "LCDDDDL",  # the owner must hand over first
    ("teams.remove", "POST"): OWNER,
    ("teams.hand_over", "POST"): OWNER,
    ("teams.set_admin", "POST"): OWNER,
    # --- the weekend: residents sign up; the event's officials (none named in the
    # world below, so only admins) see attendee data and run the event -------------
    ("weekend.programme", "GET"): PUBLIC,
    ("weekend.programme_ics", "GET"): PUBLIC,
    ("weekend.attend", "GET"): SIGNED_IN,
    ("weekend.attend", "POST"): "LCCCCCL",  # no sign-up settings in the world: closed
    ("weekend.cancel", "POST"): "LCCCCCL",  # nobody signed up: nothing to cancel
    ("weekend.settings", "GET"): ADMINS,
    ("weekend.settings", "POST"): ADMINS,
    ("weekend.add_official", "POST"): ADMINS,
    ("weekend.remove_official", "POST"): "LDDDDCL",  # not an official of the event
    ("weekend.item_new", "GET"): ADMINS,
    ("weekend.item_new", "POST"): ADMINS,
    ("weekend.item_edit", "GET"): ADMINS,
    ("weekend.item_edit", "POST"): ADMINS,
    ("weekend.item_delete", "POST"): ADMINS,
    ("weekend.attendees", "GET"): ADMINS,
    ("weekend.attendees_csv_view", "GET"): ADMINS,
    ("weekend.check_in", "GET"): ADMINS,
    ("weekend.check_in_one", "POST"): ADMINS,
    ("challenges.new", "GET"): OFFICIALS,
    ("challenges.new", "POST"): OFFICIALS,
    ("challenges.edit", "GET"): OFFICIALS,
    ("challenges.edit", "POST"): OFFICIALS,
    ("challenges.translations", "GET"): OFFICIALS,
    ("challenges.translations", "POST"): OFFICIALS,
    ("challenges.delete_translation", "POST"): OFFICIALS,
    # --- jury -------------------------------------------------------------------------
    ("jury.home", "GET"): JURORS,
    ("jury.assigned", "GET"): JURORS,
    ("jury.compare", "GET"): "LDDNDDL",  # a rubric round has no comparisons
    ("jury.compare", "POST"): "LDDNDDL",
    ("jury.undo", "POST"): "LDDNDDL",
    ("jury.score", "GET"): JURORS,
    ("jury.score", "POST"): "LDDCDDL",  # scoring opens with the jury phase
    ("jury.conflict", "POST"): JURORS,
    ("jury.recuse", "POST"): JURORS,
    ("jury.unrecuse", "POST"): "LDDCDDL",  # not recused
    ("jury.setup", "GET"): OFFICIALS,
    ("jury.setup", "POST"): OFFICIALS,
    ("jury.assignment_add", "POST"): OFFICIALS,
    ("jury.assignment_remove", "POST"): OFFICIALS,
    ("jury.assignment_compute", "POST"): OFFICIALS,
    ("jury.criterion_add", "POST"): OFFICIALS,
    ("jury.criterion_edit", "GET"): OFFICIALS,
    ("jury.criterion_edit", "POST"): OFFICIALS,
    ("jury.criterion_delete", "POST"): OFFICIALS,
    ("jury.criteria_defaults", "POST"): OFFICIALS,
    ("jury.juror_add", "POST"): OFFICIALS,
    ("jury.juror_remove", "POST"): OFFICIALS,
    # --- results ----------------------------------------------------------------------
    ("results.review", "GET"): OFFICIALS,
    ("results.override", "POST"): "LDDDCCL",  # officials; after voting
    ("results.publish", "POST"): "LDDDCCL",
    # --- projects ---------------------------------------------------------------------
    # --- notifications ------------------------------------------------------------------
    ("notifications.index", "GET"): SIGNED_IN,
    ("notifications.mark_read", "POST"): "LNNNNNL",  # someone else's (or no) notification
    ("notifications.mark_all_read", "POST"): SIGNED_IN,
    ("notifications.settings", "GET"): SIGNED_IN,
    ("notifications.settings", "POST"): SIGNED_IN,
    ("notifications.follow", "POST"): SIGNED_IN,
    ("notifications.unfollow", "POST"): SIGNED_IN,
    ("notifications.unsubscribe", "GET"): PUBLIC,  # the signed link decides (400 if bad)
    ("notifications.unsubscribe", "POST"): PUBLIC,
    ("projects.follow", "POST"): SIGNED_IN,
    ("projects.unfollow", "POST"): SIGNED_IN,
    ("projects.new", "GET"): OFFICIALS,
    ("projects.new", "POST"): OFFICIALS,
    ("projects.new_from_idea", "GET"): OFFICIALS,
    ("projects.new_from_idea", "POST"): OFFICIALS,
    ("projects.edit", "GET"): OFFICIALS,
    ("projects.edit", "POST"): OFFICIALS,
    ("projects.status", "GET"): OFFICIALS,
    ("projects.status", "POST"): OFFICIALS,
    ("projects.statuses", "GET"): OFFICIALS,
    ("projects.statuses", "POST"): OFFICIALS,
    ("projects.updates", "GET"): OFFICIALS,
    ("projects.updates", "POST"): OFFICIALS,
    ("projects.translations", "GET"): OFFICIALS,
    ("projects.translations", "POST"): OFFICIALS,
    ("projects.delete_translation", "POST"): OFFICIALS,
    ("projects.new_goal", "GET"): OFFICIALS,
    ("projects.new_goal", "POST"): OFFICIALS,
    ("projects.edit_goal", "GET"): OFFICIALS,
    ("projects.edit_goal", "POST"): OFFICIALS,
    ("projects.delete_goal", "POST"): OFFICIALS,
    ("projects.new_contact", "GET"): OFFICIALS,
    ("projects.new_contact", "POST"): OFFICIALS,
    ("projects.delete_contact", "POST"): OFFICIALS,
    ("projects.new_link", "GET"): OFFICIALS,
    ("projects.new_link", "POST"): OFFICIALS,
    ("projects.delete_link", "POST"): OFFICIALS,
    # --- administration ---------------------------------------------------------------
    ("admin.audit", "GET"): ADMINS,
    ("admin.users", "GET"): ADMINS,
    ("admin.user", "GET"): ADMINS,
    ("admin.user", "POST"): ADMINS,
    ("admin.suspend_user", "POST"): ADMINS,
    ("admin.lift_suspension", "POST"): ADMINS,
}

METHODS = ("GET", "POST")


def _classify(response: Any) -> str:
    status = response.status_code
    if status == 401 or (
        300 <= status < 400
        and response.headers.get("Location", "").split("?")[0].endswith("/login")
    ):
        return "login"
    if status in (403, 404, 405, 409):
        return str(status)
    if status >= 500 or status == 429:
        return f"error {status}"
    return "ok"


@pytest.fixture
def world(make, db):
    """One of everything a URL argument can name, owned so that the roles differ:
    the resident wrote the idea and the comment; the jury user is its round's juror."""
    from inhabithon.projects import services as projects

    users = {
        "resident": make.user(),
        "guide": make.user(Role.GUIDE),
        "jury": make.user(Role.JURY),
        "official": make.user(Role.OFFICIAL),
        "admin": make.user(Role.ADMIN),
        "suspended": make.user(suspended_at=utcnow()),
    }
    event = make.event()
    challenge = make.challenge(phase=Phase.VOTING, event=event)
    make.challenge_translation(challenge, "en")
    idea = make.idea(challenge, users["resident"])
    member = make.user()
    db.add(
        IdeaMember(
            idea_id=idea.id, user_id=member.id, status=MemberStatus.ACCEPTED, accepted_at=utcnow()
        )
    )
    db.commit()
    comment = make.comment(idea, users["resident"])
    jury_round = make.jury_round(challenge)
    juror = make.juror(jury_round, users["jury"])
    assigned = make.idea(challenge)
    assignment = make.assignment(juror, assigned)
    p = project(make, idea)
    with make.context():
        p = make.session.merge(p)
        projects.add_goal(None, p, projects.GoalData(outcome="Fewer thresholds"))
        projects.add_contact(None, p, "Lena", "lena@example.org")
        projects.add_link(None, p, "Evaluation", "https://example.org/eval")
    item_id = _programme_item(db, event)
    signup_id = _signup(db, event, member)
    team_id, request_id = _team(db, challenge, users["resident"], member, make.user())
    db.add(ProjectTranslation(project_id=p.id, language="en", title="A project (en)"))
    db.commit()
    db.refresh(p)
    values = {
        "event": event.slug,
        "challenge": challenge.slug,
        "project": p.slug,
        "idea_id": idea.id,
        "comment_id": comment.id,
        "member_id": member.id,
        "target_id": users["suspended"].id,
        "criterion_id": jury_round.criteria[0].id,
        "assignment_id": assignment.id,
        "assigned_idea_id": assigned.id,
        "juror_id": juror.id,
        "goal_id": p.goals[0].id,
        "contact_id": p.contacts[0].id,
        "link_id": p.links[0].id,
        "item_id": item_id,
        "signup_id": signup_id,
        "team_id": team_id,
        "request_id": request_id,
    }
    return users, values


def _programme_item(db: Any, event: Any) -> int:
    start = utcnow()
    item = ProgrammeItem(event_id=event.id, title="Opening", starts_at=start, ends_at=start)
    db.add(item)
    db.commit()
    return item.id


def _signup(db: Any, event: Any, user: Any) -> int:
    """A confirmed sign-up, written directly (the world's event takes no sign-ups)."""
    signup = Signup(event_id=event.id, user_id=user.id, status=SignupStatus.CONFIRMED)
    db.add(signup)
    db.commit()
    return signup.id


def _team(db: Any, challenge: Any, owner: Any, member: Any, asker: Any) -> tuple[int, int]:
    """A weekend team owned by ``owner`` with ``member`` in it, and ``asker``'s open request."""
    team = Team(challenge_id=challenge.id, name="Harbour", member_count=2, size_max=6)
    db.add(team)
    db.flush()
    for user, role in ((owner, TeamRole.OWNER), (member, TeamRole.MEMBER)):
        db.add(TeamMember(team_id=team.id, user_id=user.id, challenge_id=challenge.id, role=role))
    request = JoinRequest(team_id=team.id, user_id=asker.id, challenge_id=challenge.id)
    db.add(request)
    db.commit()
    return team.id, request.id


def _arguments(rule: Rule, v: dict[str, Any]) -> dict[str, Any]:
    """Values for the rule's URL arguments, taken from the world."""
    blueprint = (rule.endpoint or "").split(".")[0]
    slugs = {"events": v["event"], "projects": v["project"], "weekend": v["event"]}
    args: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "slug":
            args[name] = slugs.get(blueprint, v["challenge"])
            if rule.endpoint == "challenges.new":
                args[name] = v["event"]
        elif name == "idea_id" and blueprint == "jury":
            args[name] = v["assigned_idea_id"]
        elif name == "user_id":
            args[name] = v["member_id"] if blueprint in ("ideas", "teams") else v["target_id"]
        elif name == "language":
            args[name] = "en"
        elif name == "token":
            args[name] = "x" * 43
        elif name == "code":
            args[name] = "NOT-A-REAL-CODE-1234"
        elif name == "kind":  # notifications.follow: a challenge or an idea
            args[name] = "idea"
        elif name == "obj_id":
            args[name] = v["idea_id"]
        elif name == "notification_id":
            args[name] = 999_999
        elif name == "filename":
            args[name] = "css/main.css"
        else:
            args[name] = v[name]
    if rule.endpoint == "votes.void":
        args.update(by="idea", key=v["idea_id"])
    return args


# Most POSTs go out empty (the form is refused after the access check); these
# need values, because an empty one would fail before the check that matters.
FORMS = {
    "jury.assignment_add": lambda v: {"juror": v["juror_id"], "idea": v["idea_id"]},
}


def _rules(app: Any) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def test_every_route_is_classified(app):
    missing = [
        f"{rule.endpoint} {method} {rule.rule}"
        for rule in _rules(app)
        for method in METHODS
        if method in (rule.methods or set()) and (rule.endpoint, method) not in TABLE
    ]
    assert missing == [], "unclassified route(s):\n" + "\n".join(missing)
    stale = [key for key in TABLE if key[0] not in app.view_functions]
    assert stale == [], f"the table names endpoints that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, client, connection, world, role):
    users, values = world
    user = users.get(role)
    adapter = app.url_map.bind("localhost")
    wrong: list[str] = []
    for rule in _rules(app):
        url = adapter.build(rule.endpoint, _arguments(rule, values))
        for method in METHODS:
            if method in (rule.methods or set()):
                spec = TABLE.get((rule.endpoint, method))
                if spec is None:
                    continue  # reported by test_every_route_is_classified
                expected = _row(spec)[role]
            else:
                expected = "405"
            savepoint = connection.begin_nested()
            try:
                if user is not None:
                    client.login(user)
                else:
                    client.logout()
                data = FORMS[rule.endpoint](values) if rule.endpoint in FORMS else {}
                response = client.open(url, method=method, data=data)
                got = _classify(response)
                response.close()
            finally:
                savepoint.rollback()
            if got != expected:
                wrong.append(f"{method} {url} ({rule.endpoint}): expected {expected}, got {got}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
