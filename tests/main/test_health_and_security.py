import pytest
from flask import request

from inhabithon import create_app
from tests.conftest import Client, app_config
from tests.factories import PASSWORD


def test_home_page_renders_in_swedish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="sv"' in response.data


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_pages_carry_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"}, csrf=False)
    assert response.status_code == 400


# --- headers -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/privacy", "/login", "/no-such-page"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    h = response.headers
    csp = {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in h["Content-Security-Policy"].split(";"))
    }
    assert "unsafe-inline" not in h["Content-Security-Policy"]
    assert "unsafe-eval" not in h["Content-Security-Policy"]
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "same-origin"
    assert "camera=()" in h["Permissions-Policy"]
    assert "geolocation=()" in h["Permissions-Policy"]
    assert "microphone=()" in h["Permissions-Policy"]


@pytest.fixture
def build_app(database_url, connection):
    """Apps with other settings, sharing the test's connection (nothing left open)."""

    def build(**extra):
        application = _app(database_url, **extra)
        application.extensions["inhabithon_db"].bind_to(connection)
        return application

    return build


def _app(database_url, **extra):
    from inhabithon.config import load_config

    # The defaults from the environment, as a deployment would have them.
    defaults = load_config({"SECRET_KEY": "x" * 40, "DATABASE_URL": database_url})
    settings = {k: defaults[k] for k in ("HSTS", "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO")}
    application = create_app(app_config(database_url, **{**settings, **extra}))

    @application.get("/_test/client")
    def _client_info():
        return {"addr": request.remote_addr, "secure": request.is_secure}

    return application


def test_proxy_headers_are_not_trusted_by_default(build_app):
    app = build_app()
    assert app.config["PROXY_FIX_X_FOR"] == 0
    assert app.config["PROXY_FIX_X_PROTO"] == 0
    response = app.test_client().get(
        "/_test/client",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.json == {"addr": "10.0.0.2", "secure": False}


def test_behind_a_configured_proxy_the_client_address_and_https_are_seen(build_app):
    app = build_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    response = app.test_client().get(
        "/_test/client",
        headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    # One proxy: only the address it added is trusted, not what the client claimed.
    assert response.json == {"addr": "203.0.113.9", "secure": True}


def test_proxy_fix_counts_come_from_the_environment(monkeypatch, build_app):
    monkeypatch.setenv("PROXY_FIX_X_FOR", "2")
    monkeypatch.setenv("PROXY_FIX_X_PROTO", "1")
    app = build_app()
    assert app.config["PROXY_FIX_X_FOR"] == 2
    assert app.config["PROXY_FIX_X_PROTO"] == 1


def test_hsts_is_sent_only_on_https_requests(build_app):
    app = build_app(HSTS=True)
    plain = app.test_client().get("/_test/client")
    assert "Strict-Transport-Security" not in plain.headers
    secure = app.test_client().get("/_test/client", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_sent_behind_an_https_proxy_when_configured(build_app):
    app = build_app(HSTS=True, PROXY_FIX_X_PROTO=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    spoofed = build_app(HSTS=True).test_client()
    assert (
        "Strict-Transport-Security"
        not in spoofed.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    )


def test_hsts_can_be_turned_off(build_app):
    app = build_app(HSTS=False)
    response = app.test_client().get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers


# --- cookies in production ---------------------------------------------------------------


@pytest.fixture
def production_client(monkeypatch, database_url, connection, db):
    monkeypatch.setenv("INHABITHON_ENV", "production")
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    monkeypatch.delenv("HSTS", raising=False)
    app = create_app(
        {
            "SECRET_KEY": "p" * 48,
            "DATABASE_URL": database_url,
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    client = app.test_client()
    client.test_session = db
    return client


def _cookie(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().split("=", 1)[0].lower() for part in header.split(";")}, header
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_production_cookies_are_secure_httponly_and_samesite(production_client, make):
    make.user(email="prod@example.org")
    response = production_client.post(
        "/login",
        data={"email": "prod@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
        # Over HTTPS, the CSRF check also wants a same-site Referer.
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code in (302, 303)
    for name in ("session", "remember_token"):
        flags, header = _cookie(response, name)
        assert "secure" in flags, header
        assert "httponly" in flags, header
        assert "SameSite=Lax" in header
    home = production_client.get("/", base_url="https://localhost")
    assert "max-age=" in home.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in production_client.get("/").headers


def test_development_cookies_work_over_plain_http(client, make):
    make.user(email="dev@example.org")
    response = client.post("/login", data={"email": "dev@example.org", "password": PASSWORD})
    flags, header = _cookie(response, "session")
    assert "secure" not in flags
    assert "httponly" in flags
    assert "SameSite=Lax" in header


# --- safe redirects ------------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example.com/",
    "//evil.example.com/",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "\\/evil.example.com",
    "%2F%2Fevil.example.com",  # decoded once by the server: //evil
    "%5C%5Cevil.example.com",
    "/%5Cevil.example.com",
    "%2F%5Cevil.example.com",
    "/%09/evil.example.com",  # browsers drop tabs: //evil
    "/%0D%0ALocation:%20https://evil.example.com",
    "%20//evil.example.com",
    "https:evil.example.com",
    "http:/evil.example.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%252F%252Fevil.example.com",  # stays encoded: not a path, so refused
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(client, make, target):
    make.user(email="next@example.org")
    response = client.post(
        f"/login?next={target}", data={"email": "next@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", [t.replace("%2F", "/") for t in HOSTILE_NEXT[:5]])
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_double_encoded_path_stays_on_the_site(client, make):
    make.user(email="next@example.org")
    response = client.post(
        "/login?next=/%252F%252Fevil.example.com",
        data={"email": "next@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/%2F%2Fevil.example.com"
