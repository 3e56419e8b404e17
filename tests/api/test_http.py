"""CORS, revalidation (ETag, Last-Modified, 304) and cache headers of open data,
and the API answering everyone as a visitor."""

from __future__ import annotations

import pytest

from inhabithon.accounts.models import Role
from tests.api.helpers import build

API_URLS = [
    "/api/v1/",
    "/api/v1/ideas",
    "/api/v1/challenges/green-yards",
    "/api/v1/results/green-yards",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("url", API_URLS)
def test_api_responses_allow_any_origin_and_revalidate(client, make, db, url):
    build(make, db)
    response = client.get(url, headers={"Origin": "https://data.example.org"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    assert response.cache_control.public
    assert response.cache_control.max_age == 60
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    changed = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert changed.status_code == 200


def test_the_etag_changes_with_the_data(client, make, db):
    w = build(make, db)
    url = f"/api/v1/ideas/{w.named_idea.id}"
    etag = client.get(url).headers["ETag"]
    w.named_idea.title = "Fruit trees everywhere"
    db.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["data"]["title"] == "Fruit trees everywhere"
    assert response.headers["ETag"] != etag


def test_a_project_answers_if_modified_since(client, make, db):
    w = build(make, db)
    url = f"/api/v1/projects/{w.project.slug}"
    response = client.get(url)
    last_modified = response.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/ideas", "/api/v1/ideas/1", "/api/v1/openapi.json"])
def test_the_preflight_allows_get_from_anywhere(client, url):
    response = client.options(
        url,
        headers={
            "Origin": "https://data.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" not in response.headers["Allow"]


def test_the_api_refuses_writes(client):
    response = client.post("/api/v1/ideas", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
    assert "POST" not in response.headers["Allow"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/api/v1/no/such/thing")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["status"] == 404
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    # Other pages keep their HTML error pages.
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.content_type.startswith("text/html")


def test_errors_carry_cors_headers_and_are_not_cached(client):
    response = client.get("/api/v1/ideas?limit=1000")
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.cache_control.no_store


def test_a_signed_in_official_gets_the_visitors_answer_and_no_cookie(client, make, db):
    w = build(make, db)
    visitor = client.get("/api/v1/ideas?limit=100")
    client.login(make.user(Role.OFFICIAL))
    official = client.get("/api/v1/ideas?limit=100")
    assert official.get_json() == visitor.get_json()
    assert w.pending_idea.id not in {i["id"] for i in official.get_json()["data"]}
    assert "Set-Cookie" not in official.headers
    assert "Cookie" not in official.headers.get("Vary", "")
    assert client.get(f"/api/v1/ideas/{w.pending_idea.id}").status_code == 404
    assert client.get(f"/api/v1/challenges/{w.draft.slug}").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/challenges/green-yards/ideas.csv", "/projects.csv", "/challenges/green-yards/ideas.atom"],
)
def test_exports_and_feeds_revalidate_too(client, make, db, url):
    build(make, db)
    response = client.get(url)
    assert response.status_code == 200
    assert response.cache_control.public
    assert response.cache_control.max_age == 60
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_officials_csv_is_private(client, make, db):
    build(make, db)
    client.login(make.user(Role.OFFICIAL))
    response = client.get("/challenges/green-yards/ideas.csv")
    assert response.cache_control.private
    assert not response.cache_control.public
    assert "Cookie" in response.headers["Vary"]
