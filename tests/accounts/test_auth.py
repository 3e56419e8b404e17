import re

import pytest
from sqlalchemy import func, select

from inhabithon import create_app
from inhabithon.accounts.models import User
from tests.conftest import Client, app_config
from tests.factories import PASSWORD


def register(client, **overrides):
    data = {
        "email": "newcomer@example.org",
        "display_name": "Newcomer",
        "password": "a long enough password",
        "locale": "en",
    }
    data.update(overrides)
    return client.post("/register", data=data)


def test_register_creates_an_unverified_account_and_asks_to_check_the_mail(client, db):
    response = register(client)
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    user = db.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert user is not None
    assert user.locale == "en"
    assert user.password_hash != "a long enough password"
    assert not user.is_verified
    with client.session_transaction() as sess:
        assert "_user_id" not in sess  # logging in comes after confirming the address


def test_register_normalizes_the_email_address(client, db):
    register(client, email="  NewComer@Example.ORG ")
    assert db.scalar(select(User).where(User.email == "newcomer@example.org")) is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", ""),
        ("email", "not-an-address"),
        ("display_name", ""),
        ("display_name", "x" * 81),
        ("password", "short"),
        ("locale", "xx"),
    ],
)
def test_register_with_bad_input_answers_400_and_keeps_what_was_typed(client, db, field, value):
    typed = {"display_name": "Keep Me Typed", "email": "kept@example.org"}
    typed[field] = value
    response = register(client, **typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert "error-summary" in html
    for name, kept in typed.items():
        if name != field:
            assert kept in html
    assert db.scalar(select(User).where(User.email == "kept@example.org")) is None


def test_register_with_a_taken_address_answers_like_a_new_one(client, make, db):
    make.user(email="taken@example.org")
    taken = register(client, email="Taken@example.org")
    fresh = register(client, email="fresh@example.org")
    assert taken.status_code == fresh.status_code == 200

    def page(response):
        return re.sub(
            r'name="csrf_token" (type="hidden" )?value="[^"]*"', "", response.get_data(as_text=True)
        )

    assert page(taken) == page(fresh)
    assert (
        db.scalar(
            select(func.count())
            .select_from(User)
            .where(User.email_canonical == "taken@example.org")
        )
        == 1
    )


def test_login_with_right_password_starts_a_session(client, make):
    user = make.user(email="resident@example.org")
    response = client.post("/login", data={"email": "Resident@example.org", "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert sess["_user_id"] == user.get_id()


def test_login_with_wrong_password_answers_400_and_keeps_the_email(client, make):
    make.user(email="resident@example.org")
    response = client.post(
        "/login", data={"email": "resident@example.org", "password": "wrong password!"}
    )
    assert response.status_code == 400
    assert "resident@example.org" in response.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_login_with_unknown_email_gives_the_same_message_as_a_wrong_password(client, make):
    make.user(email="resident@example.org")
    wrong = client.post(
        "/login", data={"email": "resident@example.org", "password": "wrong password!"}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@example.org", "password": "wrong password!"}
    )
    assert wrong.status_code == unknown.status_code == 400

    def page(response, address):
        html = response.get_data(as_text=True).replace(address, "X@example.org")
        return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]*"', "", html)

    assert page(wrong, "resident@example.org") == page(unknown, "nobody@example.org")


def test_remember_me_sets_a_lasting_cookie(client, make):
    make.user(email="resident@example.org")
    response = client.post(
        "/login", data={"email": "resident@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_login_without_remember_me_sets_no_lasting_cookie(client, make):
    make.user(email="resident@example.org")
    response = client.post("/login", data={"email": "resident@example.org", "password": PASSWORD})
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/events/x", "/events/x"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_redirects_only_within_the_site(client, make, next_url, expected):
    make.user(email="resident@example.org")
    response = client.post(
        f"/login?next={next_url}", data={"email": "resident@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_is_a_post_and_ends_the_session(client, make):
    user = client.login(make.user())
    assert client.get("/logout").status_code == 200  # a confirmation page, nothing changes
    with client.session_transaction() as sess:
        assert sess["_user_id"] == user.get_id()
    response = client.post("/logout")
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_logout_without_csrf_token_is_refused(client, make):
    client.login(make.user())
    assert client.post("/logout", csrf=False).status_code == 400


def test_a_bumped_session_version_ends_existing_sessions(client, make, db):
    user = client.login(make.user())
    assert 'action="/logout"' in client.get("/").get_data(as_text=True)
    user.session_version += 1
    db.commit()
    assert 'action="/logout"' not in client.get("/").get_data(as_text=True)


def test_a_suspended_user_cannot_log_in(client, make, db):
    from inhabithon.db import utcnow

    user = make.user(email="resident@example.org")
    user.suspended_at = utcnow()
    db.commit()
    response = client.post("/login", data={"email": "resident@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_login_is_rate_limited(database_url, connection):
    app = create_app(
        app_config(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    )
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    client = app.test_client()
    statuses = [
        client.post(
            "/login", data={"email": "a@example.org", "password": "wrong password"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_the_language_switch_sets_a_cookie_and_the_profile(client, make, db):
    user = client.login(make.user(locale="sv"))
    response = client.post("/language", data={"lang": "ar", "next": "/?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/?x=1"
    assert "lang=ar" in response.headers["Set-Cookie"]
    db.refresh(user)
    assert user.locale == "ar"
    assert 'dir="rtl"' in client.get("/").get_data(as_text=True)


def test_the_language_switch_never_redirects_off_site(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example.com/"})
    assert response.headers["Location"] == "/"


def test_the_browser_language_is_followed_on_a_first_visit(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html
