"""HTTP for open data: JSON bodies and errors, CORS, and revalidation
(weak ETags from the body, Last-Modified where a date says it all)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import Response, current_app, request

from inhabithon.errors import ERROR_TEXTS, ERROR_TITLES

API_PREFIX = "/api/v1"
MAX_AGE = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def cacheable(
    response: Response,
    body: bytes,
    *,
    last_modified: dt.datetime | None = None,
    public: bool = True,
) -> Response:
    """Tag the response for revalidation and answer 304 when the client's copy is current."""
    response.set_etag(hashlib.sha256(body).hexdigest()[:32], weak=True)
    if last_modified is not None:
        if last_modified.tzinfo is None:
            last_modified = last_modified.replace(tzinfo=dt.UTC)
        response.last_modified = last_modified.replace(microsecond=0)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
    else:
        # What officials see depends on who asks: no shared cache may keep it.
        response.cache_control.private = True
        response.cache_control.no_cache = True
        response.vary.add("Cookie")
    response.make_conditional(request)
    return response


def json_response(payload: Any, *, last_modified: dt.datetime | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = current_app.response_class(body, mimetype="application/json")
    response.vary.add("Accept-Language")
    return cacheable(response, body, last_modified=last_modified)


def json_error(status: int, message: str | None = None, parameter: str | None = None) -> Response:
    """``{"error": {"status", "title", "message", "parameter"}}`` in the visitor's language."""
    error: dict[str, Any] = {
        "status": status,
        "title": str(ERROR_TITLES.get(status, ERROR_TITLES[500])),
        "message": str(message or ERROR_TEXTS.get(status, ERROR_TEXTS[500])),
    }
    if parameter:
        error["parameter"] = parameter
    response = current_app.response_class(
        json.dumps({"error": error}, ensure_ascii=False), status=status, mimetype="application/json"
    )
    response.vary.add("Accept-Language")
    response.cache_control.no_store = True
    return response


def add_cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
        response.headers["Allow"] = PREFLIGHT_HEADERS["Access-Control-Allow-Methods"]
    return response
