import pytest
from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.accounts.passwords import common_passwords


def register(client, password, email="maria.lind@example.org", name="Maria Lind"):
    return client.post(
        "/register",
        data={"email": email, "display_name": name, "password": password, "locale": "en"},
    )


def test_the_list_of_common_passwords_is_long_enough():
    words = common_passwords()
    assert len(words) >= 10_000
    assert "password" in words


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 129, "at most 128 characters"),
        ("password1234", "too common"),
        ("PASSWORD1234", "too common"),
        ("Qwerty123456", "too common"),
        ("sunshine2024!!", "too common"),
        ("  dragon 1234567", "too common"),
        ("a" * 20, "too common"),
        ("abababababab", "too common"),
        ("my name is maria.lind!", "must not contain your name or e-mail address"),
        ("hello Lind family 2026", "must not contain your name or e-mail address"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_message(client, db, password, message):
    response = register(client, password)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Maria Lind"' in html  # the rest of the form is kept
    assert db.scalar(select(User).where(User.email == "maria.lind@example.org")) is None


@pytest.mark.parametrize(
    "password",
    [
        "a long enough password",
        "tålamod är en dygd",
        "correct horse battery staple",
        "sunshine on the roof 2024",
        "ab1!" * 32,
    ],
)
def test_long_uncommon_passwords_of_any_kind_are_accepted(client, db, password):
    assert register(client, password).status_code == 200
    assert db.scalar(select(User).where(User.email == "maria.lind@example.org")) is not None


def test_a_duplicate_address_with_a_weak_password_gets_the_same_error(client, make):
    make.user(email="maria.lind@example.org")
    assert register(client, "password1234").status_code == 400


def test_argon2_hashes_are_stored(client, db):
    register(client, "a long enough password")
    user = db.scalar(select(User).where(User.email == "maria.lind@example.org"))
    assert user.password_hash.startswith("$argon2id$")
