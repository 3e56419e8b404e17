"""Domain errors that services raise, and the HTTP error pages."""

from __future__ import annotations

import time

from flask import Flask, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from inhabithon.extensions import limiter


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user.

    ``status`` is the HTTP status the view answers with: 409 when the state of
    things forbids it (wrong phase, already voted), 400 for invalid input.
    """

    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status = 400


class Conflict(DomainError):
    status = 409


ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("You are not allowed to do this"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("That is not possible right now"),
    413: _l("Too much data"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}

ERROR_TEXTS = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("Your account does not have permission for this page or action."),
    404: _l("We could not find what you were looking for. It may have been moved or removed."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The action could not be completed in the current state."),
    413: _l("What you sent was larger than we accept."),
    429: _l("You have tried too many times. Please wait a minute and try again."),
    500: _l("An unexpected error happened on our side. It has been logged."),
}


def render_error(status: int, message: str | None = None):  # noqa: ANN201 - a Flask response tuple
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])
    text = message or ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": {"status": status, "title": str(title), "message": str(text)}}, status
    return render_template("errors/error.html", status=status, title=title, text=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # noqa: ANN202
        status = exc.code or 500
        # CSRF failures and our own aborts carry a translated description.
        message = exc.description if getattr(exc, "inhabithon_message", False) else None
        return render_error(status, message)

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded):  # noqa: ANN202
        response = make_response(render_error(429))
        limit = limiter.current_limit
        if limit is not None:  # when the window ends: asked of the store only here
            response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
        return response

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):  # noqa: ANN202
        return render_error(exc.status, exc.message)
