"""Admins suspend an account with a reason: its sessions end at once, it cannot
log in, the person is told by e-mail; the suspension can be lifted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from tests.factories import PASSWORD


@pytest.fixture
def second_client(app, db):
    other = app.test_client()
    other.test_session = db
    return other


def test_suspending_ends_a_live_session_and_blocks_login(client, second_client, make, db, mailbox):
    victim = make.user(name="Sam Suspended", email="sam@example.org")
    second_client.login(victim)
    assert second_client.get("/my/ideas").status_code == 200
    admin = client.login(make.user(Role.ADMIN))
    page = client.get(f"/admin/users/{victim.id}").get_data(as_text=True)
    assert "Suspend this account" in page
    response = client.post(f"/admin/users/{victim.id}/suspend", data={"reason": "Threats"})
    assert response.status_code == 303
    db.refresh(victim)
    assert victim.suspended_at is not None
    assert victim.session_version == 2
    # The browser that was logged in is logged out on its next request.
    assert second_client.get("/my/ideas").status_code == 302
    # Logging in again gives the same answer as a wrong password.
    second_client.logout()
    login = second_client.post("/login", data={"email": "sam@example.org", "password": PASSWORD})
    assert login.status_code == 400
    assert "The e-mail address or password is wrong." in login.get_data(as_text=True)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.suspended"))
    assert entry.actor_id == admin.id
    assert entry.object_id == str(victim.id)
    assert entry.after == {"reason": "Threats"}
    [mail] = mailbox.wait(1)
    assert mail["To"] == "sam@example.org"
    assert "Reason: Threats" in mailbox.body(mail)
    page = client.get(f"/admin/users/{victim.id}").get_data(as_text=True)
    assert "Suspended since" in page


def test_a_suspension_needs_a_reason_and_nobody_suspends_themselves(client, make, db):
    victim = make.user()
    admin = client.login(make.user(Role.ADMIN))
    response = client.post(f"/admin/users/{victim.id}/suspend", data={"reason": " "})
    assert response.status_code == 400
    assert "Give a reason." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{victim.id}/suspend", data={"reason": "x" * 501})
    assert response.status_code == 400
    assert "x" * 501 in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/suspend", data={"reason": "Oops"})
    assert response.status_code == 409
    assert "You cannot suspend your own account." in response.get_data(as_text=True)
    db.refresh(victim)
    db.refresh(admin)
    assert victim.suspended_at is None
    assert admin.suspended_at is None


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GUIDE, Role.OFFICIAL])
def test_only_admins_suspend(client, make, db, role):
    victim = make.user()
    if role is not None:
        client.login(make.user(role))
    response = client.post(f"/admin/users/{victim.id}/suspend", data={"reason": "Bad"})
    assert response.status_code == (302 if role is None else 403)
    response = client.post(f"/admin/users/{victim.id}/unsuspend")
    assert response.status_code == (302 if role is None else 403)
    db.refresh(victim)
    assert victim.suspended_at is None


def test_lifting_a_suspension_lets_the_person_log_in_again(client, make, db, mailbox):
    from inhabithon.db import utcnow

    victim = make.user(email="back@example.org", suspended_at=utcnow())
    client.login(make.user(Role.ADMIN))
    page = client.get(f"/admin/users/{victim.id}").get_data(as_text=True)
    assert "Lift the suspension" in page
    response = client.post(f"/admin/users/{victim.id}/unsuspend")
    assert response.status_code == 303
    db.refresh(victim)
    assert victim.suspended_at is None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "user.unsuspended"))
    [mail] = mailbox.wait(1)
    assert "no longer suspended" in mailbox.body(mail)
    client.logout()
    login = client.post("/login", data={"email": "back@example.org", "password": PASSWORD})
    assert login.status_code == 302
