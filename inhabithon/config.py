"""Configuration from environment variables, with safe development defaults."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

LANGUAGES = ("sv", "en", "ar")  # interface languages; sv is the default
RTL_LANGUAGES = frozenset({"ar"})


class ConfigError(RuntimeError):
    """A required setting is missing or unsafe."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config dict: defaults, then environment, then overrides."""
    env = os.environ.get("INHABITHON_ENV", "development")
    config: dict[str, Any] = {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "DATABASE_URL": os.environ.get("DATABASE_URL"),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Stockholm"),
        "LANGUAGES": LANGUAGES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SECURE_COOKIES", env == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("SECURE_COOKIES", env == "production"),
        # "Keep me logged in" lasts 30 days, then asks for the password again (ASVS 3.3.2).
        "REMEMBER_COOKIE_DURATION": dt.timedelta(days=30),
        # Sent only on HTTPS requests; behind a reverse proxy, set the PROXY_FIX_* counts
        # so that the proxy's X-Forwarded-Proto tells the app a request was HTTPS.
        "HSTS": _env_bool("HSTS", env == "production"),
        "HSTS_MAX_AGE": int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600))),
        # How many reverse proxies in front of the app set X-Forwarded-For / -Proto
        # (werkzeug's ProxyFix); 0 trusts none of these headers.
        "PROXY_FIX_X_FOR": int(os.environ.get("PROXY_FIX_X_FOR", "0")),
        "PROXY_FIX_X_PROTO": int(os.environ.get("PROXY_FIX_X_PROTO", "0")),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "IDEAS_PER_PAGE": 20,
        "DEFAULT_VOTE_BUDGET": 3,
        # Outgoing mail (SMTP). Without MAIL_SERVER, mail waits in the outbox.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "inhabithon@example.org"),
        "MAIL_FROM_NAME": os.environ.get("MAIL_FROM_NAME", "Inhabithon"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "10")),
        # Where the site lives, for links in mail sent outside a request (notifications).
        "SITE_URL": os.environ.get("SITE_URL", "http://localhost:5000"),
        # "immediate": send right after the request commits; "queue": only by `flask mail send`.
        "MAIL_DELIVERY": os.environ.get("MAIL_DELIVERY", "immediate"),
        # Trust and safety.
        "FLAG_HIDE_THRESHOLD": int(os.environ.get("FLAG_HIDE_THRESHOLD", "3")),
        "TOKEN_HOURS_VERIFY": 48,
        "TOKEN_HOURS_RESET": 1,
        # Sessions end after this long without a request (seconds).
        "SESSION_IDLE_TIMEOUT": int(os.environ.get("SESSION_IDLE_TIMEOUT", str(2 * 3600))),
        "REGISTER_RATE_LIMIT": os.environ.get("REGISTER_RATE_LIMIT", "5 per hour"),
        "RESET_RATE_LIMIT": os.environ.get("RESET_RATE_LIMIT", "5 per hour"),
        "POST_RATE_LIMIT": os.environ.get("POST_RATE_LIMIT", "30 per hour"),
        "VOTE_RATE_LIMIT": os.environ.get("VOTE_RATE_LIMIT", "60 per minute"),
        "TRACK_RATE_LIMIT": os.environ.get("TRACK_RATE_LIMIT", "20 per minute"),
        # Where residents report accessibility problems (the accessibility statement).
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "tillganglighet@example.org"),
        # Where residents send questions and requests about their personal data
        # (the privacy statement); CONTACT_EMAIL when unset.
        "PRIVACY_EMAIL": os.environ.get("PRIVACY_EMAIL"),
        # Public pages as visitors who are not logged in see them are kept this many
        # seconds per app server (inhabithon/pagecache.py); 0 turns the cache off.
        "PAGE_CACHE_SECONDS": float(
            os.environ.get("PAGE_CACHE_SECONDS", "5" if env == "production" else "0")
        ),
        "PAGE_CACHE_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "500")),
        # With REDIS_URL, the app servers share the pages they rendered (0: each its own).
        "PAGE_CACHE_SHARED": os.environ.get("PAGE_CACHE_SHARED", "1") != "0",
    }
    if overrides:
        config.update(overrides)

    if env == "production":
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not config.get(k)]
        if missing:
            raise ConfigError(
                "Inhabithon refuses to start in production without "
                + ", ".join(missing)
                + ". Set them as environment variables (see README.md, 'Configuration')."
            )
        if len(config["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
    if not config.get("SECRET_KEY"):
        # Development only: a fixed, obviously unsafe key so sessions survive restarts.
        config["SECRET_KEY"] = "dev-only-not-secret-change-me-in-production"  # noqa: S105 - development only; production refuses to start without one
    if not config.get("DATABASE_URL"):
        INSTANCE.mkdir(exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{INSTANCE / 'inhabithon.sqlite3'}"
    config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    # Several sites (or test runs) may share one Redis: each keeps its own counters.
    config.setdefault("RATELIMIT_KEY_PREFIX", os.environ.get("RATELIMIT_KEY_PREFIX", "inhabithon"))
    return config
