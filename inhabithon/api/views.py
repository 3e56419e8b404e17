"""Routes of the api domain: the read-only JSON API under /api/v1, the CSV
exports and the Atom feed of a challenge's ideas.

The API answers every client as an anonymous visitor: a session cookie sent
along changes nothing, so any response may be cached and shared.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, request, url_for
from flask.globals import request_ctx
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from inhabithon import permissions as perm
from inhabithon.api import exports, feeds, services
from inhabithon.api import serializers as ser
from inhabithon.api.http import (
    add_cors,
    cacheable,
    is_api_request,
    json_error,
    json_response,
)
from inhabithon.api.openapi import openapi_document
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.errors import DomainError, render_error
from inhabithon.pagecache import shared_page
from inhabithon.projects.feeds import ATOM_TYPE

bp = Blueprint("api", __name__)

CSV_TYPE = "text/csv; charset=utf-8"


@bp.before_request
def _as_visitor() -> None:
    if is_api_request():
        # Flask-Login keeps the request's user here; set it before anything
        # asks, so the session is never read for an API request.
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        # And no cookie goes back: a null session is neither saved nor varies
        # the response, so shared caches may keep any API answer.
        request_ctx._session = current_app.session_interface.make_null_session(current_app)


@bp.after_request
def _api_headers(response: Response) -> Response:
    if not is_api_request():
        return response
    return add_cors(response)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):  # noqa: ANN202
    if is_api_request():
        return json_error(exc.status, exc.message, exc.field)
    return render_error(exc.status, exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):  # noqa: ANN202
    if is_api_request():
        return json_error(exc.code or 500)
    return render_error(exc.code or 500)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _routing_error(exc: HTTPException):  # noqa: ANN202
    """Addresses under /api/v1 that match no route (or no method) answer in JSON too."""
    if is_api_request():
        response = add_cors(json_error(exc.code or 404))
        if exc.code == 405:
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response
    message = exc.description if getattr(exc, "inhabithon_message", False) else None
    return render_error(exc.code or 404, message)


def _list(page: services.Page, items: list[dict[str, Any]], endpoint: str) -> Response:
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    next_url = (
        url_for(endpoint, **args, cursor=page.next_cursor, _external=True)
        if page.next_cursor
        else None
    )
    response = json_response(
        {"data": items, "limit": page.limit, "next_cursor": page.next_cursor, "next": next_url}
    )
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


# --- the API ------------------------------------------------------------------------------


@bp.get("/api/v1/")
@shared_page
def index():  # noqa: ANN201
    return json_response(
        {
            "name": "Inhabithon open data",
            "version": "1",
            "openapi": url_for("api.openapi", _external=True),
            "endpoints": {
                name: url_for(f"api.{name}", _external=True)
                for name in ("events", "challenges", "ideas", "results", "projects")
            },
        }
    )


@bp.get("/api/v1/openapi.json")
@shared_page
def openapi():  # noqa: ANN201
    return json_response(openapi_document(url_for("api.index", _external=True).rstrip("/")))


@bp.get("/api/v1/events")
@shared_page
def events():  # noqa: ANN201
    page = services.event_page(request.args)
    return _list(page, [ser.event_data(e) for e in page.items], "api.events")


@bp.get("/api/v1/events/<event>")
@shared_page
def event(event: str):  # noqa: ANN201
    found = services.public_event(event)
    if found is None:
        abort(404)
    data = ser.event_data(found)
    data["challenges"] = [ser.challenge_data(c) for c in services.challenges_of_event(found)]
    return json_response({"data": data})


@bp.get("/api/v1/challenges")
@shared_page
def challenges():  # noqa: ANN201
    page = services.challenge_page(request.args)
    return _list(page, [ser.challenge_data(c) for c in page.items], "api.challenges")


@bp.get("/api/v1/challenges/<slug>")
@shared_page
def challenge(slug: str):  # noqa: ANN201
    found = services.public_challenge(slug)
    if found is None:
        abort(404)
    return json_response({"data": ser.challenge_data(found)})


@bp.get("/api/v1/ideas")
@shared_page
def ideas():  # noqa: ANN201
    page = services.idea_page(request.args)
    awards = services.public_awards(page.items)
    return _list(page, [ser.idea_data(i, awards.get(i.id, [])) for i in page.items], "api.ideas")


@bp.get("/api/v1/ideas/<int:idea_id>")
@shared_page
def idea(idea_id: int):  # noqa: ANN201
    found = services.public_idea(idea_id)
    if found is None:
        abort(404)
    awards = services.public_awards([found])
    return json_response({"data": ser.idea_data(found, awards.get(found.id, []))})


def _result_data(published: services.PublishedResult) -> dict[str, Any]:
    return ser.result_data(
        published.result, published.challenge, published.awards, published.public_ideas
    )


@bp.get("/api/v1/results")
@shared_page
def results():  # noqa: ANN201
    page = services.result_page(request.args)
    return _list(page, [_result_data(r) for r in page.items], "api.results")


@bp.get("/api/v1/results/<slug>")
@shared_page
def result(slug: str):  # noqa: ANN201
    found = services.public_challenge(slug)
    published = services.public_result(found) if found is not None else None
    if published is None:
        abort(404)
    return json_response({"data": _result_data(published)})


@bp.get("/api/v1/projects")
@shared_page
def projects():  # noqa: ANN201
    page = services.project_page(request.args)
    return _list(page, [ser.project_data(p) for p in page.items], "api.projects")


@bp.get("/api/v1/projects/<project>")
@shared_page
def project(project: str):  # noqa: ANN201
    found = services.public_project(project)
    if found is None:
        abort(404)
    data = ser.project_data(found.project)
    data["goals"] = [ser.goal_data(goal) for goal in found.project.goals]
    data["status_history"] = [ser.status_change_data(c) for c in found.history]
    data["updates"] = [ser.update_data(u) for u in found.updates]
    return json_response({"data": data}, last_modified=found.project.content_updated_at)


# --- CSV exports ------------------------------------------------------------------------------


def _csv(body: bytes, name: str, *, public: bool) -> Response:
    response = Response(body, content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return cacheable(response, body, public=public)


def _challenge(slug: str) -> Challenge:
    found = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if found is None or not perm.can_view_challenge(current_user, found):
        abort(404)
    return found


@bp.get("/challenges/<slug>/ideas.csv")
def ideas_csv(slug: str):  # noqa: ANN201
    found = _challenge(slug)
    officials = perm.can_export_all_ideas(current_user, found)
    body = exports.ideas_csv(found, officials_view=officials)
    return _csv(body, exports.filename(found.slug, "ideas"), public=not officials)


@bp.get("/challenges/<slug>/results.csv")
def results_csv(slug: str):  # noqa: ANN201
    found = _challenge(slug)
    published = services.public_result(found)
    if published is None:
        abort(404)
    return _csv(
        exports.results_csv(published), exports.filename(found.slug, "results"), public=True
    )


@bp.get("/projects.csv")
def projects_csv():  # noqa: ANN201
    return _csv(exports.projects_csv(), "projects.csv", public=True)


# --- the Atom feed of new ideas -----------------------------------------------------------


@bp.get("/challenges/<slug>/ideas.atom")
def ideas_feed(slug: str):  # noqa: ANN201
    found = services.public_challenge(slug)
    if found is None:
        abort(404)
    newest = feeds.newest_ideas(found)
    body = feeds.ideas_feed(found, newest)
    response = Response(body, content_type=ATOM_TYPE)
    response.vary.add("Accept-Language")  # the feed's title is in the reader's language
    return cacheable(response, body, last_modified=feeds.feed_updated(found, newest))
