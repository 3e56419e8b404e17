"""The OpenAPI document is valid, describes every route of /api/v1, and every
real response (lists, details, errors) matches its schema."""

from __future__ import annotations

import re

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.api.helpers import build


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _validator(document, schema):
    """A JSON Schema validator for ``schema``, with the document's components."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    root["components"] = document["components"]
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def test_the_document_is_valid_openapi(client):
    document = _document(client)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"].endswith("/api/v1")


def test_every_api_route_is_described(app, client):
    document = _document(client)
    described = {re.sub(r"\{[^}]+\}", "{}", p) for p in document["paths"]}
    routes = {
        re.sub(r"<(?:[a-z]+:)?[^>]+>", "{}", rule.rule).removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes == described


def _urls(document, w):
    values = {
        "event": w.event.slug,
        "slug": w.done.slug,
        "idea_id": str(w.anonymous_idea.id),
        "project": w.project.slug,
    }
    for path, item in document["paths"].items():
        url = "/api/v1" + re.sub(r"\{([^}]+)\}", lambda m: values[m[1]], path)
        yield path, url, item["get"]


def test_every_real_response_matches_the_document(client, make, db):
    w = build(make, db)
    document = _document(client)
    checked = 0
    for _path, url, operation in _urls(document, w):
        samples = {
            "challenge": w.done.slug,
            "event": w.event.slug,
            "category": "Trygghet",
            "phase": "voting",
            "origin": "direct",
            "language": "sv",
            "status": "planned",
            "limit": "1",
        }
        queries = [""] + [
            f"?{p['name']}={samples[p['name']]}"
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] in samples
        ]
        for query in queries:
            response = client.get(url + query)
            status = str(response.status_code)
            assert status in operation["responses"], (url + query, status)
            content = operation["responses"][status].get("content", {})
            schema = content["application/json"]["schema"]
            _validator(document, schema).validate(response.get_json())
            checked += 1
            body = response.get_json()
            if isinstance(body, dict) and body.get("next"):
                follow = client.get(body["next"])
                _validator(document, schema).validate(follow.get_json())
                checked += 1
    assert checked > 30


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/ideas?limit=0", "400"),
        ("/api/v1/ideas?cursor=%%%", "400"),
        ("/api/v1/projects?status=nope", "400"),
        ("/api/v1/ideas/99999999", "404"),
        ("/api/v1/challenges/nope", "404"),
        ("/api/v1/events/nope", "404"),
        ("/api/v1/projects/nope", "404"),
        ("/api/v1/results/nope", "404"),
    ],
)
def test_errors_match_the_error_schema(client, url, status):
    document = _document(client)
    response = client.get(url)
    assert str(response.status_code) == status
    path = next(
        p
        for p in document["paths"]
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", "/api/v1" + p), url.split("?")[0])
    )
    schema = document["paths"][path]["get"]["responses"][status]["content"]["application/json"][
        "schema"
    ]
    _validator(document, schema).validate(response.get_json())


def test_a_response_that_strays_from_the_document_is_caught(client, make, db):
    """The check has teeth: an extra field or a wrong type fails."""
    w = build(make, db)
    document = _document(client)
    body = client.get(f"/api/v1/ideas/{w.named_idea.id}").get_json()
    validator = _validator(document, {"$ref": "#/components/schemas/IdeaResponse"})
    validator.validate(body)
    body["data"]["author_email"] = "x@example.org"
    assert not validator.is_valid(body)
    del body["data"]["author_email"]
    body["data"]["vote_count"] = "many"
    assert not validator.is_valid(body)
