import datetime as dt

from sqlalchemy import select

from inhabithon.accounts.models import AccountToken, TokenPurpose, User
from inhabithon.db import utcnow
from tests.accounts.helpers import link_path

NEW = {
    "email": "newcomer@example.org",
    "display_name": "Newcomer",
    "password": "a long enough password",
    "locale": "en",
}


def test_registration_mails_a_link_that_confirms_the_address(client, db, mailbox):
    assert client.post("/register", data=NEW).status_code == 200
    (message,) = mailbox.wait(1)
    assert message["To"] == "newcomer@example.org"
    assert message["Subject"] == "Confirm your e-mail address"
    path = link_path(message, "/account/verify/")
    token = path.rsplit("/", 1)[1]
    stored = db.scalar(select(AccountToken))
    assert stored.purpose is TokenPurpose.VERIFY_EMAIL
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64

    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    user = db.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert user.is_verified
    login = client.get("/login").get_data(as_text=True)
    assert "Thank you, your e-mail address is confirmed." in login


def test_a_verification_link_works_only_once(client, db, mailbox):
    client.post("/register", data=NEW)
    path = link_path(mailbox.wait(1)[0], "/account/verify/")
    assert client.get(path).status_code == 302
    again = client.get(path)
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "This link has already been used." in html
    assert "Log in and we will offer to send you a new link." in html


def test_an_expired_verification_link_is_refused_with_a_way_to_a_new_one(client, db, make, mailbox):
    user = client.login(make.user(verified=False))
    client.post("/account/verify")
    path = link_path(mailbox.wait(1)[0], "/account/verify/")
    token = db.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    response = client.get(path)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This link has expired." in html
    assert 'action="/account/verify"' in html  # the button for a new link
    db.refresh(user)
    assert not user.is_verified


def test_an_unknown_verification_link_is_refused(client):
    response = client.get("/account/verify/not-a-real-token")
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)


def test_new_accounts_are_unverified_and_see_a_notice_with_a_resend_button(client, make):
    client.login(make.user(verified=False))
    home = client.get("/").get_data(as_text=True)
    assert "Please confirm your e-mail address" in home
    assert 'action="/account/verify"' in home
    settings = client.get("/account").get_data(as_text=True)
    assert "Your address is not confirmed yet." in settings


def test_verified_people_see_no_notice(client, make):
    client.login(make.user())
    assert "Please confirm your e-mail address" not in client.get("/").get_data(as_text=True)


def test_resending_mails_a_new_working_link(client, db, make, mailbox):
    user = client.login(make.user(email="later@example.org", verified=False))
    response = client.post("/account/verify", data={"next": "/projects"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/projects"
    (message,) = mailbox.wait(1)
    assert message["To"] == "later@example.org"
    response = client.get(link_path(message, "/account/verify/"))
    assert response.headers["Location"] == "/account"
    db.refresh(user)
    assert user.is_verified


def test_resending_needs_a_login_and_a_csrf_token(client, make, mailbox):
    assert client.post("/account/verify").status_code == 302  # to the login page
    client.login(make.user(verified=False))
    assert client.post("/account/verify", csrf=False).status_code == 400
    assert mailbox.wait(1, timeout=0.3) == []


def test_resending_to_a_verified_address_sends_nothing(client, make, mailbox):
    client.login(make.user())
    client.post("/account/verify")
    assert "already confirmed" in client.get("/account").get_data(as_text=True)
    assert mailbox.wait(1, timeout=0.3) == []
