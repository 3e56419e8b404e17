"""The OpenAPI 3.1 document of /api/v1, written next to the serializers it
describes; the tests check every real response against it."""

from __future__ import annotations

import copy
from typing import Any

from inhabithon.api.services import MAX_LIMIT, ORIGINS, PUBLIC_PHASES
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.results.models import AwardKind

STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NUMBER_OR_NULL = {"type": ["number", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}
DATE_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": "string", "format": "uri"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


AUTHOR_KINDS = [*(d.value for d in AuthorDisplay), "contact_center", "no_account", "deleted"]

EVENT = {
    "slug": STRING,
    "name": STRING,
    "place": STRING,
    "starts_at": DATE_TIME,
    "ends_at": DATE_TIME,
    "description_html": STRING,
    "language": STRING,
    "url": URL,
    "api_url": URL,
}

CHALLENGE = {
    "slug": STRING,
    "title": STRING,
    "category": STRING,
    "summary": STRING,
    "description_html": STRING,
    "language": STRING,
    "event": {"type": "string", "description": "The event's slug."},
    "phase": {"type": "string", "enum": PUBLIC_PHASES},
    "phases": _array(
        _object(
            {
                "phase": {"type": "string", "enum": PUBLIC_PHASES},
                "starts_at": DATE_TIME_OR_NULL,
            }
        )
    ),
    "vote_budget": INTEGER,
    "votes_visible": BOOLEAN,
    "idea_count": INTEGER,
    "url": URL,
    "api_url": URL,
    "ideas_url": URL,
}

IDEA = {
    "id": INTEGER,
    "challenge": {"type": "string", "description": "The challenge's slug."},
    "title": STRING,
    "summary": STRING,
    "body_html": STRING,
    "language": STRING,
    "origin": {"type": "string", "enum": ORIGINS},
    "author": _object(
        {
            "kind": {"type": "string", "enum": AUTHOR_KINDS},
            "name": {
                "type": ["string", "null"],
                "description": "The name or pseudonym; null for every other kind.",
            },
        },
        "How the author is shown: never an account, e-mail address or the guide who wrote it down.",
    ),
    "vote_count": {
        "type": ["integer", "null"],
        "description": "Null while the challenge hides vote counts (until voting closes).",
    },
    "comment_count": INTEGER,
    "awards": _array({"type": "string", "enum": [k.value for k in AwardKind]}),
    "created_at": DATE_TIME,
    "url": URL,
    "api_url": URL,
}

RESULT = {
    "challenge": STRING,
    "published_at": DATE_TIME,
    "method": STRING,
    "awards": _array(
        _object(
            {
                "kind": {"type": "string", "enum": [k.value for k in AwardKind]},
                "idea_id": INTEGER,
                "motivation_html": STRING,
            }
        )
    ),
    "ranking": _array(
        _object(
            {
                "idea_id": INTEGER,
                "rank": INTEGER,
                "tied": BOOLEAN,
                "mean": NUMBER_OR_NULL,
                "standard_error": NUMBER_OR_NULL,
                "n_jurors": {"type": ["integer", "null"]},
                "overridden": BOOLEAN,
            },
            "The jury's ranking as published: aggregates over jurors, no juror's scores.",
        )
    ),
    "votes": _array(_object({"idea_id": INTEGER, "votes": INTEGER})),
    "url": URL,
    "api_url": URL,
}

PROJECT = {
    "slug": STRING,
    "title": STRING,
    "category": STRING,
    "lead": STRING,
    "language": STRING,
    "status": _object({"key": STRING, "name": STRING}),
    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    "department": STRING,
    "partners": STRING,
    "budget": _object(
        {"estimated": NUMBER_OR_NULL, "granted": NUMBER_OR_NULL, "used": NUMBER_OR_NULL}
    ),
    "event": TEXT_OR_NULL,
    "challenge": TEXT_OR_NULL,
    "idea_id": {"type": ["integer", "null"]},
    "published_at": DATE_TIME,
    "updated_at": DATE_TIME,
    "url": URL,
    "api_url": URL,
}

PROJECT_DETAIL = {
    **PROJECT,
    "goals": _array(
        _object(
            {
                "outcome": STRING,
                "indicator": TEXT_OR_NULL,
                "baseline": NUMBER_OR_NULL,
                "target": NUMBER_OR_NULL,
                "current": NUMBER_OR_NULL,
                "unit": STRING,
                "comment": STRING,
                "reached": BOOLEAN,
                "percent": {"type": ["integer", "null"]},
            }
        )
    ),
    "status_history": _array(
        _object(
            {
                "from_status": TEXT_OR_NULL,
                "to_status": STRING,
                "progress": INTEGER,
                "comment": STRING,
                "changed_at": DATE_TIME,
            }
        )
    ),
    "updates": _array(_object({"title": STRING, "body_html": STRING, "posted_at": DATE_TIME})),
}

ERROR = _object(
    {
        "error": {
            "type": "object",
            "properties": {
                "status": INTEGER,
                "title": STRING,
                "message": {"type": "string", "description": "In the language asked for."},
                "parameter": {"type": "string", "description": "The parameter at fault."},
            },
            "required": ["status", "title", "message"],
            "additionalProperties": False,
        }
    }
)

SCHEMAS: dict[str, Any] = {
    "Event": _object(EVENT),
    "EventDetail": _object({**EVENT, "challenges": _array(_ref("Challenge"))}),
    "Challenge": _object(CHALLENGE),
    "Idea": _object(IDEA),
    "Result": _object(RESULT),
    "Project": _object(PROJECT),
    "ProjectDetail": _object(PROJECT_DETAIL),
    "Error": ERROR,
    "Index": _object(
        {
            "name": STRING,
            "version": STRING,
            "openapi": URL,
            "endpoints": {"type": "object", "additionalProperties": URL},
        }
    ),
}
for _name in ("Event", "Challenge", "Idea", "Result", "Project"):
    SCHEMAS[f"{_name}List"] = _object(
        {
            "data": _array(_ref(_name)),
            "limit": INTEGER,
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
            "next": {"type": ["string", "null"], "format": "uri"},
        }
    )
for _name in ("EventDetail", "Challenge", "Idea", "Result", "ProjectDetail"):
    SCHEMAS[f"{_name}Response"] = _object({"data": _ref(_name)})


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or STRING,
    }


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or STRING}


PAGING = [
    _query(
        "limit",
        f"Items per page, 1–{MAX_LIMIT} (default 20).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
    _query("cursor", "The `next_cursor` of the previous page."),
]

CACHING_HEADERS = {
    "ETag": {"description": "A weak validator of the body.", "schema": STRING},
    "Cache-Control": {"schema": STRING},
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "enum": ["*"]}},
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": CACHING_HEADERS,
        "content": {"application/json": {"schema": _ref(schema)}},
    }


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    schema: str,
    parameters: list[dict[str, Any]],
    *,
    can_404: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": _json(schema, "OK"),
        "304": {"description": "Not modified (If-None-Match or If-Modified-Since)."},
        "400": {
            "description": "A parameter or cursor is not valid.",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    }
    if can_404:
        responses["404"] = {
            "description": "Not found, or not public.",
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": parameters,
            "responses": responses,
        }
    }


PATHS: dict[str, Any] = {
    "/": _operation("index", "Where everything is.", "meta", "Index", []),
    "/events": _operation("listEvents", "Events.", "events", "EventList", PAGING),
    "/events/{event}": _operation(
        "getEvent",
        "An event and its published challenges.",
        "events",
        "EventDetailResponse",
        [_path("event")],
        can_404=True,
    ),
    "/challenges": _operation(
        "listChallenges",
        "Published challenges with their phases and dates.",
        "challenges",
        "ChallengeList",
        [
            _query("event", "An event's slug."),
            _query("category", "The category, exactly."),
            _query("phase", "The phase now.", {"type": "string", "enum": PUBLIC_PHASES}),
            *PAGING,
        ],
    ),
    "/challenges/{slug}": _operation(
        "getChallenge",
        "A published challenge.",
        "challenges",
        "ChallengeResponse",
        [_path("slug")],
        can_404=True,
    ),
    "/ideas": _operation(
        "listIdeas",
        "Published ideas of published challenges.",
        "ideas",
        "IdeaList",
        [
            _query("challenge", "A challenge's slug."),
            _query("category", "The challenge's category, exactly."),
            _query("origin", "How the idea came in.", {"type": "string", "enum": ORIGINS}),
            _query("language", "The language the idea is written in (e.g. sv)."),
            *PAGING,
        ],
    ),
    "/ideas/{idea_id}": _operation(
        "getIdea",
        "A published idea.",
        "ideas",
        "IdeaResponse",
        [_path("idea_id", {"type": "integer", "minimum": 1})],
        can_404=True,
    ),
    "/results": _operation(
        "listResults",
        "Published results: awards, the ranking as published and the public votes.",
        "results",
        "ResultList",
        [_query("event", "An event's slug."), _query("category", "The category."), *PAGING],
    ),
    "/results/{slug}": _operation(
        "getResult",
        "A challenge's published results.",
        "results",
        "ResultResponse",
        [_path("slug")],
        can_404=True,
    ),
    "/projects": _operation(
        "listProjects",
        "Projects that realize ideas.",
        "projects",
        "ProjectList",
        [
            _query("status", "A project status key (e.g. planned)."),
            _query("category", "The category."),
            _query("challenge", "A challenge's slug."),
            _query("event", "An event's slug."),
            *PAGING,
        ],
    ),
    "/projects/{project}": _operation(
        "getProject",
        "A project with its impact goals, status history and updates.",
        "projects",
        "ProjectDetailResponse",
        [_path("project")],
        can_404=True,
    ),
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "tags": ["meta"],
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inhabithon open data",
            "version": "1",
            "description": (
                "Read-only open data of public events, challenges, ideas, results and "
                "projects. No authentication; CORS is open; responses carry weak ETags. "
                "Lists are ordered by id and continue with the opaque `next_cursor`. "
                "Authors of anonymous ideas, e-mail addresses and jurors' scores are never "
                "part of it."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": copy.deepcopy(PATHS),
        "components": {"schemas": copy.deepcopy(SCHEMAS)},
    }
