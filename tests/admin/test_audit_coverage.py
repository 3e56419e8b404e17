"""The audit log covers what the issue asks for (role changes, moderation and
suspensions, phase changes, jury overrides, project status changes): each is
done through HTTP, recorded with who, what, when and before/after, and readable
by admins only."""

from __future__ import annotations

import html as html_lib

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from tests.challenges.test_manage_challenges import challenge_form
from tests.projects.helpers import project, status
from tests.results.helpers import scored_round


def _entry(db, action):
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 1, [e.action for e in db.scalars(select(AuditEntry))]
    return entries[0]


def _admin_sees(client, make, action, *fragments):
    """The admin audit page lists ``action`` with its actor and values."""
    client.login(make.user(Role.ADMIN))
    response = client.get("/admin/audit")
    assert response.status_code == 200
    page = html_lib.unescape(response.get_data(as_text=True))
    row = next(r for r in page.split("<tr>") if f"<code>{action}</code>" in r)
    for fragment in fragments:
        assert fragment in row, (fragment, row)
    return row


def test_role_changes_are_audited_and_shown(client, make, db):
    admin = make.user(Role.ADMIN, name="Ada Admin")
    person = make.user()
    client.login(admin)
    response = client.post(f"/admin/users/{person.id}", data={"jury": "y", "guide": "y"})
    assert response.status_code == 303
    entry = _entry(db, "user.roles_changed")
    assert entry.actor_id == admin.id
    assert (entry.before, entry.after) == ({"roles": []}, {"roles": ["guide", "jury"]})
    _admin_sees(client, make, "user.roles_changed", "Ada Admin", "roles: –", "roles: guide, jury")


def test_phase_changes_and_publication_are_audited_and_shown(client, make, db):
    official = make.user(Role.OFFICIAL, name="Olle Official")
    challenge = make.challenge(Phase.DRAFT, title="Draft challenge")
    client.login(official)
    response = client.post(
        f"/manage/challenges/{challenge.slug}/edit",
        data=challenge_form(
            title="Draft challenge",
            slug=challenge.slug,
            is_published="y",
            jury_review_at="2025-07-01T09:00",
        ),
    )
    assert response.status_code == 303
    phases = _entry(db, "challenge.phases_changed")
    assert phases.actor_id == official.id
    assert phases.before["jury_review_at"] != phases.after["jury_review_at"]
    published = _entry(db, "challenge.published")
    assert (published.before, published.after) == ({"is_published": False}, {"is_published": True})
    _admin_sees(client, make, "challenge.phases_changed", "Olle Official", "jury_review_at:")
    _admin_sees(client, make, "challenge.published", "Olle Official", "is_published: False", "True")


def test_jury_ranking_overrides_are_audited_and_shown(client, make, db):
    scored = scored_round(make)
    client.login(scored.official)
    idea = scored.ideas[2]
    reason = "The district has already funded this pilot."
    response = client.post(
        f"/manage/challenges/{scored.challenge.slug}/results/overrides",
        data={"idea_id": str(idea.id), "new_rank": "1", "reason": reason},
    )
    assert response.status_code == 303
    entry = _entry(db, "results.ranking_overridden")
    assert entry.actor_id == scored.official.id
    assert entry.before["rank"] == 3
    assert entry.after == {"idea_id": idea.id, "rank": 1, "reason": reason}
    _admin_sees(
        client,
        make,
        "results.ranking_overridden",
        scored.official.display_name,
        "rank: 3",
        f"reason: {reason}",
    )


def test_manual_jury_assignments_are_audited_and_shown(client, make, db):
    official = make.user(Role.OFFICIAL, name="Olle Official")
    challenge = make.challenge(Phase.VOTING)
    idea = make.idea(challenge)
    jury_round = make.jury_round(challenge)
    juror = make.juror(jury_round)
    client.login(official)
    response = client.post(
        f"/manage/challenges/{challenge.slug}/jury/assignments",
        data={"juror": str(juror.id), "idea": str(idea.id)},
    )
    assert response.status_code in (302, 303)
    entry = _entry(db, "jury.assignment_changed")
    assert entry.after == {"juror_id": juror.id, "idea_id": idea.id, "assigned": True}
    _admin_sees(client, make, "jury.assignment_changed", "Olle Official", "assigned: True")


def test_project_status_changes_are_audited_and_shown(client, make, db):
    official = make.user(Role.OFFICIAL, name="Olle Official")
    p = project(make)
    client.login(official)
    planned = status(make, "planned")
    response = client.post(
        f"/projects/{p.slug}/status", data={"status": planned.id, "comment": "Plan ready."}
    )
    assert response.status_code == 303
    entry = _entry(db, "project.status_changed")
    assert entry.actor_id == official.id
    assert entry.before == {"status": "idea", "progress": 10}
    _admin_sees(
        client,
        make,
        "project.status_changed",
        "Olle Official",
        "status: idea; progress: 10",
        "status: planned",
    )


def test_moderation_decisions_are_audited_and_shown(client, make, db):
    official = make.user(Role.OFFICIAL, name="Olle Official")
    idea = make.idea(make.challenge(), title="Rude idea")
    comment = make.comment(idea, body_md="Rude comment")
    client.login(official)
    response = client.post(
        f"/moderation/ideas/{idea.id}",
        data={"action": "hide", f"idea-{idea.id}-reason": "Insults a neighbour."},
    )
    assert response.status_code == 303
    response = client.post(
        f"/moderation/comments/{comment.id}",
        data={"action": "hide", f"comment-{comment.id}-reason": "Spam link."},
    )
    assert response.status_code == 303
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "moderation.hide").order_by(AuditEntry.id)
    ).all()
    assert [(e.object_type, e.actor_id) for e in entries] == [
        ("ideas", official.id),
        ("comments", official.id),
    ]
    assert entries[0].before == {"status": "published"}
    assert entries[0].after == {"status": "hidden", "reason": "Insults a neighbour."}
    row = _admin_sees(client, make, "moderation.hide", "Olle Official", "status: published")
    assert "reason: Spam link." in row  # newest first: the comment


def test_suspensions_are_audited_and_shown(client, make, db):
    admin = make.user(Role.ADMIN, name="Ada Admin")
    person = make.user()
    client.login(admin)
    response = client.post(f"/admin/users/{person.id}/suspend", data={"reason": "Threats"})
    assert response.status_code in (302, 303)
    entry = _entry(db, "user.suspended")
    assert entry.actor_id == admin.id
    _admin_sees(client, make, "user.suspended", "Ada Admin", "reason: Threats")


@pytest.mark.parametrize("role", [None, Role.GUIDE, Role.JURY, Role.OFFICIAL])
def test_only_admins_read_the_audit_log(client, make, role):
    user = make.user(role) if role else make.user()
    client.login(user)
    assert client.get("/admin/audit").status_code == 403


def test_suspended_admins_cannot_read_the_audit_log(client, make):
    client.login(make.user(Role.ADMIN, suspended_at=utcnow()))
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_visitors_are_sent_to_log_in_for_the_audit_log(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
