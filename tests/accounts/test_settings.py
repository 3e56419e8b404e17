from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.audit.models import AuditEntry
from tests.accounts.helpers import link_path
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new sentence to remember"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "new_password_confirm": confirm or new,
        },
    )


def change_email(client, new_email, password=PASSWORD):
    return client.post("/account/email", data={"new_email": new_email, "email_password": password})


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_account_page_shows_the_forms_and_the_data_links(client, make):
    client.login(make.user(email="resident@example.org", name="Ada Resident"))
    response = client.get("/account")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "resident@example.org" in html
    assert 'value="Ada Resident"' in html
    for action in ('action="/account"', 'action="/account/password"', 'action="/account/email"'):
        assert action in html
    assert 'href="/account/data"' in html
    assert 'href="/account/delete"' in html


def test_the_nav_links_to_the_account_for_signed_in_people(client, make):
    assert 'href="/account"' not in client.get("/").get_data(as_text=True)
    client.login(make.user())
    assert 'href="/account"' in client.get("/").get_data(as_text=True)


def test_name_and_language_are_saved(client, make, db):
    user = client.login(make.user(locale="en"))
    response = client.post("/account", data={"display_name": "  New Name ", "locale": "sv"})
    assert response.status_code == 303
    db.refresh(user)
    assert user.display_name == "New Name"
    assert user.locale == "sv"
    assert 'lang="sv"' in client.get("/account").get_data(as_text=True)


def test_a_bad_display_name_answers_400_and_keeps_the_input(client, make, db):
    user = client.login(make.user(name="Old Name"))
    response = client.post("/account", data={"display_name": "x", "locale": "xx"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="x"' in html
    assert "The display name must be 2 to 80 characters." in html
    db.refresh(user)
    assert user.display_name == "Old Name"


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    app, client, make, db, mailbox
):
    user = client.login(make.user(email="resident@example.org"))
    other = app.test_client()
    other.test_session = db
    other.login(user)
    response = change_password(client)
    assert response.status_code == 303
    db.refresh(user)
    assert user.session_version == 2
    assert user.password_changed_at is not None
    assert 'action="/logout"' in client.get("/account").get_data(as_text=True)
    assert 'action="/logout"' not in other.get("/").get_data(as_text=True)
    notice = mailbox.wait(1)[0]
    assert notice["To"] == "resident@example.org"
    assert notice["Subject"] == "Your password was changed"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_changed"))
    assert entry is not None
    assert entry.actor_id == user.id
    assert entry.before is None
    assert entry.after is None


def test_a_wrong_current_password_changes_nothing(client, make, db, mailbox):
    user = client.login(make.user())
    response = change_password(client, current="not my password at all")
    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.session_version == 1
    assert mailbox.wait(1, timeout=0.3) == []


def test_a_common_new_password_is_refused_in_the_settings(client, make):
    client.login(make.user())
    response = change_password(client, new="qwerty123456")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This password is too common" in html
    assert 'id="new_password-error"' in html


def test_changing_the_address_is_confirmed_from_the_new_mailbox(client, make, db, mailbox):
    user = client.login(make.user(email="old@example.org"))
    response = change_email(client, "New.Address@example.org")
    assert response.status_code == 303
    (message,) = mailbox.wait(1)
    assert message["To"] == "new.address@example.org"
    db.refresh(user)
    assert user.email == "old@example.org"  # not until the link is followed
    mailbox.clear()

    path = link_path(message, "/account/email/")
    response = client.get(path)
    assert response.status_code == 302
    db.refresh(user)
    assert user.email == "new.address@example.org"
    assert user.email_canonical == "new.address@example.org"
    assert user.is_verified
    (notice,) = mailbox.wait(1)
    assert notice["To"] == "old@example.org"
    assert notice["Subject"] == "The e-mail address of your account was changed"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "user.email_changed"))
    assert entry is not None
    assert entry.before is None
    assert entry.after is None
    assert client.get(path).status_code == 400  # once only


def test_a_taken_address_gets_the_same_answer_and_no_mail(client, make, db, mailbox):
    make.user(email="taken@gmail.com")
    user = client.login(make.user(email="me@example.org"))
    taken = change_email(client, "Tak.en+x@gmail.com")
    fresh = change_email(client, "free@example.org")
    assert taken.status_code == fresh.status_code == 303
    assert taken.headers["Location"] == fresh.headers["Location"]
    messages = mailbox.wait(2, timeout=0.5)
    assert [m["To"] for m in messages] == ["free@example.org"]
    db.refresh(user)
    assert user.email == "me@example.org"


def test_an_address_taken_before_confirming_is_refused(client, make, db, mailbox):
    user = client.login(make.user(email="me@example.org"))
    change_email(client, "wanted@example.org")
    path = link_path(mailbox.wait(1)[0], "/account/email/")
    make.user(email="wanted@example.org")
    response = client.get(path)
    assert response.status_code == 409
    assert "This address cannot be used for your account." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.email == "me@example.org"


def test_changing_the_address_needs_the_current_password(client, make, mailbox):
    client.login(make.user())
    response = change_email(client, "new@example.org", password="wrong password here")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your current password is not right." in html
    assert 'value="new@example.org"' in html
    assert mailbox.wait(1, timeout=0.3) == []


def test_the_settings_forms_need_a_login(client):
    assert change_password(client).status_code == 302
    assert change_email(client, "x@example.org").status_code == 302
    assert client.post("/account", data={"display_name": "X Y", "locale": "en"}).status_code == 302
    assert client.get("/account/email/whatever").status_code == 400


def test_the_old_email_still_reaches_the_account_until_confirmed(client, make, db):
    client.login(make.user(email="old@example.org"))
    change_email(client, "new@example.org")
    assert db.scalar(select(User).where(User.email == "old@example.org")) is not None
