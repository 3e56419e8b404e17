import datetime as dt
import re
import time
from email.utils import parsedate_to_datetime

from tests.factories import PASSWORD

LOGGED_IN = 'action="/logout"'


def test_login_starts_a_fresh_session(client, make):
    make.user(email="resident@example.org")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.post("/login", data={"email": "resident@example.org", "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert "_user_id" in sess


def test_an_idle_session_ends_with_a_message(client, make, app):
    client.login(make.user())
    timeout = app.config["SESSION_IDLE_TIMEOUT"]
    with client.session_transaction() as sess:
        sess["_seen"] = int(time.time()) - timeout - 5
    html = client.get("/").get_data(as_text=True)
    assert LOGGED_IN not in html
    assert "You were logged out because you had not been active for a while." in html
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_an_active_session_goes_on_and_is_stamped(client, make, app):
    client.login(make.user())
    timeout = app.config["SESSION_IDLE_TIMEOUT"]
    with client.session_transaction() as sess:
        sess["_seen"] = int(time.time()) - timeout + 120
    assert LOGGED_IN in client.get("/").get_data(as_text=True)
    with client.session_transaction() as sess:
        assert sess["_seen"] >= int(time.time()) - 2  # renewed


def test_the_idle_limit_is_configurable(client, make, app):
    app.config["SESSION_IDLE_TIMEOUT"] = 60
    client.login(make.user())
    with client.session_transaction() as sess:
        sess["_seen"] = int(time.time()) - 61
    assert LOGGED_IN not in client.get("/").get_data(as_text=True)


def test_a_kept_login_is_not_ended_for_idleness(client, make, app):
    make.user(email="resident@example.org")
    data = {"email": "resident@example.org", "password": PASSWORD, "remember": "y"}
    client.post("/login", data=data)
    with client.session_transaction() as sess:
        sess["_seen"] = int(time.time()) - app.config["SESSION_IDLE_TIMEOUT"] - 5
    assert LOGGED_IN in client.get("/").get_data(as_text=True)


def test_a_kept_login_lasts_thirty_days_at_most(client, make):
    make.user(email="resident@example.org")
    data = {"email": "resident@example.org", "password": PASSWORD, "remember": "y"}
    response = client.post("/login", data=data)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c)
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    days = (expires - dt.datetime.now(dt.UTC)).total_seconds() / 86400
    assert 29.9 < days <= 30


def test_logging_out_ends_a_kept_login_too(client, make):
    make.user(email="resident@example.org")
    data = {"email": "resident@example.org", "password": PASSWORD, "remember": "y"}
    client.post("/login", data=data)
    response = client.post("/logout")
    cleared = [c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c]
    assert cleared
    assert "Max-Age=0" in cleared[0] or "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert LOGGED_IN not in client.get("/").get_data(as_text=True)


def test_reading_pages_leaves_the_session_cookie_alone(client, make):
    """A logged-in reader's pages send no new cookie (the session was written at
    login): no signing at every request, and kept pages stay kept for them."""
    make.user(email="resident@example.org")
    login = client.post("/login", data={"email": "resident@example.org", "password": PASSWORD})
    assert "session=" in " ".join(login.headers.getlist("Set-Cookie"))
    client.get("/")  # shows (and so takes out of the session) the welcome message
    for _ in range(2):
        page = client.get("/")
        assert LOGGED_IN in page.get_data(as_text=True)
        assert page.headers.getlist("Set-Cookie") == []
