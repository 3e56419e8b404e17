"""Deleting one's account: personal data gone, content kept as "Deleted user"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from inhabithon import create_app
from inhabithon.accounts.models import AccountToken, Pseudonym, Role, TokenPurpose, User
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.ideas.models import AuthorDisplay, Idea, IdeaMember
from inhabithon.mail.models import OutgoingMail
from inhabithon.moderation.models import Flag
from inhabithon.projects.models import ProjectFollower
from inhabithon.votes.models import Ballot, Vote
from tests.conftest import Client, app_config
from tests.factories import PASSWORD
from tests.projects.helpers import project


def _delete(client, password=PASSWORD):
    return client.post("/account/delete", data={"password": password})


def test_the_page_explains_the_consequences_and_asks_for_the_password(client, make):
    client.login(make.user())
    response = client.get("/account/delete")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "cannot be undone" in html
    assert "shown as written by a deleted user" in html
    assert 'type="password"' in html
    assert "Delete my account permanently" in html


def test_a_wrong_password_deletes_nothing(client, make, db):
    user = make.user(email="keep@example.org")
    client.login(user)
    response = _delete(client, "not my password at all")
    assert response.status_code == 400
    assert "The password is wrong." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.deleted_at is None
    assert user.email == "keep@example.org"
    assert client.get("/account/delete").status_code == 200  # still logged in


def test_an_empty_password_is_refused_with_a_message(client, make, db):
    user = make.user()
    client.login(user)
    response = _delete(client, "")
    assert response.status_code == 400
    assert "Enter your password." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.deleted_at is None


def test_deleting_needs_the_csrf_token(client, make, db):
    user = make.user()
    client.login(user)
    response = client.post("/account/delete", data={"password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    db.refresh(user)
    assert user.deleted_at is None


def test_deletion_removes_personal_data_and_logs_out(client, make, db):
    user = make.user(Role.GUIDE, Role.JURY, email="gone@example.org", name="Gunnel Gone")
    version = user.session_version
    challenge = make.challenge()
    idea = make.idea(challenge, user, title="Kept idea")
    pseudonym = Pseudonym(user_id=user.id, challenge_id=challenge.id, name="Brave Otter")
    db.add(pseudonym)
    db.add(
        AccountToken(
            user_id=user.id,
            purpose=TokenPurpose.RESET_PASSWORD,
            token_hash="a" * 64,
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
    )
    db.add(OutgoingMail(to_address="gone@example.org", subject="Hello", body_text="Hi Gunnel"))
    db.add(
        AccountToken(
            user_id=user.id,
            purpose=TokenPurpose.CHANGE_EMAIL,
            token_hash="b" * 64,
            new_email="new-gone@example.org",
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
    )
    db.add(OutgoingMail(to_address="new-gone@example.org", subject="Confirm", body_text="Hi"))
    db.add(OutgoingMail(to_address="other@example.org", subject="Hello", body_text="Hi"))
    followed = project(make)
    db.add(ProjectFollower(project_id=followed.id, user_id=user.id))
    db.add(Flag(idea_id=make.idea(challenge).id, reporter_id=user.id, reason="Rude"))
    db.commit()
    client.login(user)

    response = _delete(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"

    db.expire_all()
    user = db.get(User, user.id)
    assert user.deleted_at is not None
    assert user.email.startswith("deleted-")
    assert user.email.endswith("@invalid")
    assert user.email_canonical == user.email
    assert user.display_name == ""
    assert user.email_verified_at is None
    assert user.roles == []
    assert user.session_version == version + 1
    assert not user.password_hash.startswith("$argon2")
    assert db.scalar(select(func.count()).where(AccountToken.user_id == user.id)) == 0
    assert db.scalar(select(func.count()).where(IdeaMember.user_id == user.id)) == 0
    assert db.scalar(select(func.count()).where(ProjectFollower.user_id == user.id)) == 0
    assert db.get(Pseudonym, pseudonym.id).user_id is None
    assert db.scalar(select(Flag.reporter_id).where(Flag.reason == "Rude")) is None
    assert db.get(Idea, idea.id).author_id is None
    addresses = db.scalars(select(OutgoingMail.to_address)).all()
    assert "gone@example.org" not in addresses
    assert "new-gone@example.org" not in addresses
    assert "other@example.org" in addresses

    # Logged out: the next request is a visitor's.
    assert client.get("/account/data").status_code == 302
    assert "Your account has been deleted" in client.get("/").get_data(as_text=True)


def test_an_old_session_elsewhere_ends_too(app, client, make, db):
    user = make.user()
    elsewhere = app.test_client()
    elsewhere.test_session = db
    elsewhere.login(user)
    assert elsewhere.get("/account/delete").status_code == 200
    client.login(user)
    assert _delete(client).status_code == 303
    assert elsewhere.get("/account/delete").status_code == 302


def test_the_old_password_no_longer_logs_in(client, make):
    make.user(email="gone@example.org")
    user = make.user(email="gone2@example.org")
    client.login(user)
    _delete(client)
    response = client.post("/login", data={"email": "gone2@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The e-mail address or password is wrong." in response.get_data(as_text=True)


def test_the_same_address_can_register_again(client, make, db):
    user = make.user(email="Again.Me@gmail.com")
    client.login(user)
    _delete(client)
    response = client.post(
        "/register",
        data={
            "email": "againme@gmail.com",
            "display_name": "New Me",
            "password": "a brand new long password",
            "locale": "en",
        },
    )
    assert response.status_code in (200, 302)  # a "check your e-mail" page or straight in
    fresh = db.scalar(select(User).where(User.email == "againme@gmail.com"))
    assert fresh is not None
    assert fresh.id != user.id
    assert fresh.deleted_at is None


def test_content_stays_and_shows_deleted_user(client, make, db):
    user = make.user(name="Gunnel Gone")
    reader = make.user(name="Rita Reader")
    challenge = make.challenge()
    named = make.idea(challenge, user, title="Named idea of Gunnel")
    anonymous = make.idea(challenge, user, anonymous=True, title="Anonymous idea of Gunnel")
    pseudonym = Pseudonym(user_id=user.id, challenge_id=challenge.id, name="Brave Otter")
    db.add(pseudonym)
    db.flush()
    pseudonymous = make.idea(challenge, user, title="Pseudonymous idea of Gunnel")
    pseudonymous.author_display = AuthorDisplay.PSEUDONYM
    pseudonymous.pseudonym_id = pseudonym.id
    db.commit()
    make.comment(make.idea(challenge, reader, title="Rita's idea"), user, body_md="Gunnel says hi")
    client.login(user)
    assert _delete(client).status_code == 303

    page = client.get(f"/ideas/{named.id}").get_data(as_text=True)
    assert "Named idea of Gunnel" in page
    assert "Deleted user" in page
    assert "Gunnel Gone" not in page
    page = client.get(f"/ideas/{anonymous.id}").get_data(as_text=True)
    assert "Anonymous resident" in page
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Gunnel Gone" not in page
    assert "Pseudonymous idea of Gunnel" in page
    rita_idea = db.scalar(select(Idea).where(Idea.title == "Rita's idea"))
    page = client.get(f"/ideas/{rita_idea.id}").get_data(as_text=True)
    assert "Gunnel says hi" in page
    assert "Deleted user" in page
    assert "Gunnel Gone" not in page
    assert db.get(Idea, pseudonymous.id).pseudonym_id == pseudonym.id


def test_votes_are_withdrawn_where_voting_is_open_and_kept_where_it_closed(client, make, db):
    user = make.user()
    open_challenge = make.challenge(phase=Phase.VOTING)
    open_idea = make.idea(open_challenge)
    make.vote(user, open_idea)
    closed_challenge = make.challenge(phase=Phase.JURY)
    closed_idea = make.idea(closed_challenge)
    db.add(Ballot(user_id=user.id, challenge_id=closed_challenge.id, budget=3, used=1))
    db.flush()
    db.add(Vote(user_id=user.id, idea_id=closed_idea.id, challenge_id=closed_challenge.id))
    closed_idea.vote_count = 1
    db.commit()
    assert db.get(Idea, open_idea.id).vote_count == 1

    client.login(user)
    assert _delete(client).status_code == 303

    db.expire_all()
    assert db.get(Idea, open_idea.id).vote_count == 0
    assert db.scalar(select(func.count()).where(Vote.idea_id == open_idea.id)) == 0
    assert db.get(Idea, closed_idea.id).vote_count == 1
    assert db.scalar(select(func.count()).where(Vote.idea_id == closed_idea.id)) == 1


def test_the_last_admin_cannot_delete_their_account(client, make, db):
    admin = make.user(Role.ADMIN, email="only-admin@example.org")
    client.login(admin)
    response = _delete(client)
    assert response.status_code == 409
    assert "You are the last administrator." in response.get_data(as_text=True)
    db.refresh(admin)
    assert admin.deleted_at is None
    assert admin.has_role(Role.ADMIN)


def test_an_admin_can_delete_their_account_when_another_admin_remains(client, make, db):
    admin = make.user(Role.ADMIN)
    make.user(Role.ADMIN)
    client.login(admin)
    assert _delete(client).status_code == 303
    db.refresh(admin)
    assert admin.deleted_at is not None
    assert admin.roles == []


def test_a_suspended_admin_does_not_count_as_the_remaining_admin(client, make, db):
    admin = make.user(Role.ADMIN)
    make.user(Role.ADMIN, suspended_at=utcnow())
    client.login(admin)
    assert _delete(client).status_code == 409


def test_the_deletion_is_audited_without_personal_data(client, make, db):
    user = make.user(email="gone@example.org", name="Gunnel Gone")
    db.add(
        AuditEntry(
            actor_id=user.id,
            action="user.email_changed",
            object_type="users",
            object_id=str(user.id),
            before={"email": "older@example.org"},
            after={"email": "gone@example.org", "verified": True},
        )
    )
    db.commit()
    client.login(user)
    assert _delete(client).status_code == 303

    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.object_id == str(user.id)).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["user.email_changed", "user.deleted"]
    assert entries[0].before == {"email": None}
    assert entries[0].after == {"email": None, "verified": True}
    assert entries[1].actor_id == user.id
    text = repr([(e.before, e.after) for e in entries])
    for secret in ("gone@example.org", "older@example.org", "Gunnel"):
        assert secret not in text

    admin = make.user(Role.ADMIN)
    client.login(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "user.deleted" in html
    assert "Gunnel" not in html
    assert "gone@example.org" not in html


def test_password_guesses_on_the_delete_form_are_rate_limited(database_url, connection, make, db):
    app = create_app(
        app_config(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    )
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    client = app.test_client()
    client.test_session = db
    user = make.user()
    client.login(user)
    statuses = [_delete(client, f"guess number {n}").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    db.refresh(user)
    assert user.deleted_at is None


def test_lists_of_people_show_a_deleted_account_as_deleted_user(client, make, db):
    official = make.user(Role.OFFICIAL)
    juror_user = make.user(Role.JURY, name="Julia Juror")
    challenge = make.challenge(phase=Phase.VOTING)
    juror = make.juror(make.jury_round(challenge), juror_user)
    make.assignment(juror, make.idea(challenge))
    client.login(juror_user)
    assert _delete(client).status_code == 303

    client.login(official)
    page = client.get(f"/manage/challenges/{challenge.slug}/jury").get_data(as_text=True)
    assert "Julia Juror" not in page
    assert page.count("Deleted user") >= 2  # the juror list and the assignment
    admin = make.user(Role.ADMIN)
    make.user(Role.ADMIN)
    client.login(admin)
    users = client.get("/admin/users").get_data(as_text=True)
    row = next(r for r in users.split("<tr>") if f"/admin/users/{juror_user.id}" in r)
    assert "Deleted user" in row
    assert "Suspended" not in row
    person = client.get(f"/admin/users/{juror_user.id}").get_data(as_text=True)
    assert "<h1>Roles of Deleted user</h1>" in person
