"""Flask extensions, created once and initialised in create_app."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# No X-RateLimit-* headers on every limited answer: each limited route is an HTML
# form (the API has no limits), no browser reads them, and they cost two more
# round trips to the limits' store per request (with Redis, a sixth of a vote's
# CPU time). A refusal still says when to come back: Retry-After, errors.py.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def user_or_address() -> str:
    """Rate-limit key: the signed-in account (many residents share one network
    in a housing block), else the client's address."""
    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"addr:{get_remote_address()}"


def configured_limit(setting: str) -> Callable[[], str]:
    """A limit read from the app's config when a request needs it (e.g. POST_RATE_LIMIT)."""

    def limit() -> str:
        return str(current_app.config[setting])

    return limit
