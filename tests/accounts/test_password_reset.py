import datetime as dt

from sqlalchemy import select

from inhabithon import create_app
from inhabithon.accounts.models import AccountToken, TokenPurpose
from inhabithon.audit.models import AuditEntry
from inhabithon.db import utcnow
from tests.accounts.helpers import link_path, without_csrf
from tests.conftest import Client, app_config
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new sentence to remember"


def ask_for_link(client, mailbox, email="resident@example.org") -> str:
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 200
    return link_path(mailbox.wait(1)[0], "/password/reset/")


def reset(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, make, mailbox):
    make.user(email="resident@example.org")
    known = client.post("/password/forgot", data={"email": "resident@example.org"})
    mailbox.wait(1)
    mailbox.clear()
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.get_data(as_text=True)) == without_csrf(
        unknown.get_data(as_text=True)
    )
    assert "If an account has this address, we have sent a link to it." in known.get_data(
        as_text=True
    )
    assert mailbox.wait(1, timeout=0.5) == []


def test_a_suspended_account_gets_no_reset_mail(client, make, db, mailbox):
    make.user(email="resident@example.org", suspended_at=utcnow())
    assert (
        client.post("/password/forgot", data={"email": "resident@example.org"}).status_code == 200
    )
    assert mailbox.wait(1, timeout=0.5) == []


def test_a_bad_address_is_a_form_error_that_keeps_what_was_typed(client):
    response = client.post("/password/forgot", data={"email": "not an address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert 'value="not an address"' in html


def test_the_link_sets_a_new_password_once_and_the_old_one_stops_working(client, make, db, mailbox):
    user = make.user(email="Resident@example.org")
    path = ask_for_link(client, mailbox, "resident@EXAMPLE.org")
    (message,) = mailbox.wait(1)
    assert message["Subject"] == "Choose a new password"
    version = user.session_version
    mailbox.clear()

    assert client.get(path).status_code == 200
    response = reset(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    db.refresh(user)
    assert user.session_version == version + 1
    assert user.password_changed_at is not None
    notice = mailbox.wait(1)[0]
    assert notice["Subject"] == "Your password was changed"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset"))
    assert entry.before is None
    assert entry.after is None

    login_old = {"email": "resident@example.org", "password": PASSWORD}
    assert client.post("/login", data=login_old).status_code == 400
    login_new = {"email": "resident@example.org", "password": NEW_PASSWORD}
    assert client.post("/login", data=login_new).status_code == 302

    client.logout()
    again = reset(client, path, "yet another long password")
    assert again.status_code == 400
    assert "This link has already been used." in again.get_data(as_text=True)
    assert 'href="/password/forgot"' in again.get_data(as_text=True)


def test_a_reset_ends_sessions_elsewhere(app, client, make, db, mailbox):
    user = make.user(email="resident@example.org")
    elsewhere = app.test_client()
    elsewhere.test_session = db
    elsewhere.login(user)
    assert 'action="/logout"' in elsewhere.get("/").get_data(as_text=True)
    reset(client, ask_for_link(client, mailbox))
    assert 'action="/logout"' not in elsewhere.get("/").get_data(as_text=True)


def test_a_reset_closes_the_other_open_links(client, make, db, mailbox):
    make.user(email="resident@example.org")
    first = ask_for_link(client, mailbox)
    mailbox.clear()
    second = ask_for_link(client, mailbox)
    assert first != second
    assert reset(client, second).status_code == 302
    assert reset(client, first, "one more long password!").status_code == 400


def test_an_expired_link_is_refused(client, make, db, mailbox):
    make.user(email="resident@example.org")
    path = ask_for_link(client, mailbox)
    token = db.scalar(
        select(AccountToken).where(AccountToken.purpose == TokenPurpose.RESET_PASSWORD)
    )
    token.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.commit()
    for response in (client.get(path), reset(client, path)):
        assert response.status_code == 400
        assert "This link has expired." in response.get_data(as_text=True)


def test_the_link_lives_for_the_configured_hours(client, make, db, mailbox):
    make.user(email="resident@example.org")
    ask_for_link(client, mailbox)
    token = db.scalar(select(AccountToken))
    lifetime = token.expires_at - token.created_at
    assert dt.timedelta(minutes=59) < lifetime <= dt.timedelta(hours=1)


def test_a_common_or_mismatched_new_password_is_a_form_error(client, make, db, mailbox):
    user = make.user(email="resident@example.org")
    path = ask_for_link(client, mailbox)
    common = reset(client, path, "password1234")
    assert common.status_code == 400
    assert "This password is too common" in common.get_data(as_text=True)
    mismatch = reset(client, path, NEW_PASSWORD, "something different entirely")
    assert mismatch.status_code == 400
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    db.refresh(user)
    assert user.password_changed_at is None
    assert reset(client, path).status_code == 302  # the link still works


def test_unknown_reset_links_are_refused(client):
    response = client.get("/password/reset/nonsense")
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)


def _limited_client(database_url, connection, **limits):
    app = create_app(app_config(database_url, RATELIMIT_ENABLED=True, **limits))
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    return app.test_client()


def test_asking_for_reset_links_is_rate_limited(database_url, connection):
    client = _limited_client(database_url, connection, RESET_RATE_LIMIT="2 per hour")
    statuses = [
        client.post("/password/forgot", data={"email": "a@example.org"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_registering_is_rate_limited(database_url, connection):
    client = _limited_client(database_url, connection, REGISTER_RATE_LIMIT="2 per hour")
    statuses = [
        client.post(
            "/register",
            data={"email": f"n{i}@example.org", "display_name": "N", "password": "x"},
        ).status_code
        for i in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_asking_for_new_verification_links_is_rate_limited(database_url, connection, make):
    client = _limited_client(database_url, connection, RESET_RATE_LIMIT="2 per hour")
    client.login(make.user(verified=False))
    statuses = [client.post("/account/verify").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
