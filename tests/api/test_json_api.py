"""The read-only JSON API: what each endpoint lists, filters, cursors, errors."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inhabithon.api import services
from inhabithon.challenges.models import Phase
from inhabithon.errors import InvalidInput
from inhabithon.ideas.models import IdeaStatus
from tests.api.helpers import build
from tests.projects.helpers import project


def _get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.get_data(as_text=True))
    assert response.content_type == "application/json"
    return response.get_json()


def _all(client, url):
    """Every item of a list, following the cursors."""
    items, seen = [], 0
    while url:
        body = _get(client, url)
        items.extend(body["data"])
        url = body["next"]
        seen += 1
        assert seen < 100
    return items


def test_the_index_names_every_list(client, make, db):
    body = _get(client, "/api/v1/")
    assert set(body["endpoints"]) == {"events", "challenges", "ideas", "results", "projects"}
    for url in body["endpoints"].values():
        assert client.get(url).status_code == 200
    assert body["openapi"].endswith("/api/v1/openapi.json")


def test_challenges_are_the_published_ones_with_their_phases(client, make, db):
    w = build(make, db)
    challenges = {c["slug"]: c for c in _all(client, "/api/v1/challenges")}
    assert set(challenges) == {"safe-streets", "green-yards"}
    assert w.draft.slug not in challenges
    voting = challenges["safe-streets"]
    assert voting["phase"] == "voting"
    assert voting["votes_visible"] is False
    assert [p["phase"] for p in voting["phases"]] == [
        "submissions",
        "voting",
        "jury",
        "results",
        "archived",
    ]
    assert voting["phases"][0]["starts_at"].endswith("Z")
    assert voting["event"] == w.event.slug
    assert challenges["green-yards"]["phase"] == "results"
    detail = _get(client, "/api/v1/challenges/green-yards")["data"]
    assert detail == challenges["green-yards"]
    _get(client, f"/api/v1/challenges/{w.draft.slug}", 404)


def test_ideas_list_only_public_ideas_with_visible_counts_and_awards(client, make, db):
    w = build(make, db)
    ideas = {i["id"]: i for i in _all(client, "/api/v1/ideas")}
    assert w.pending_idea.id not in ideas
    assert w.hidden_idea.id not in ideas
    assert "Idea in a draft" not in {i["title"] for i in ideas.values()}
    winner = ideas[w.anonymous_idea.id]
    assert winner["awards"] == ["winner", "peoples_choice"]
    assert winner["vote_count"] == 12
    assert winner["author"] == {"kind": "anonymous", "name": None}
    assert ideas[w.pseudonymous_idea.id]["author"] == {"kind": "pseudonym", "name": w.pseudonym}
    assert ideas[w.named_idea.id]["author"] == {"kind": "name", "name": "Nils Named"}
    assert ideas[w.named_idea.id]["awards"] == []
    # Voting still open and counts hidden until it closes: no count, and no award yet.
    assert ideas[w.voting_idea.id]["vote_count"] is None
    assert ideas[w.voting_idea.id]["awards"] == []
    contact = next(i for i in ideas.values() if i["origin"] == "contact_center")
    assert contact["author"] == {"kind": "contact_center", "name": None}
    detail = _get(client, f"/api/v1/ideas/{w.anonymous_idea.id}")["data"]
    assert detail == winner
    _get(client, f"/api/v1/ideas/{w.pending_idea.id}", 404)
    _get(client, f"/api/v1/ideas/{w.hidden_idea.id}", 404)


def test_a_deleted_account_is_no_name(client, make, db):
    w = build(make, db)
    w.named.deleted_at = w.named.created_at
    db.commit()
    detail = _get(client, f"/api/v1/ideas/{w.named_idea.id}")["data"]
    assert detail["author"] == {"kind": "deleted", "name": None}


def test_results_are_the_published_snapshot(client, make, db):
    w = build(make, db)
    results = _all(client, "/api/v1/results")
    assert [r["challenge"] for r in results] == ["green-yards"]
    result = _get(client, "/api/v1/results/green-yards")["data"]
    assert result == results[0]
    kinds = {(a["kind"], a["idea_id"]) for a in result["awards"]}
    assert ("winner", w.anonymous_idea.id) in kinds
    assert ("runner_up", w.pseudonymous_idea.id) in kinds
    assert "<em>idea</em>" in result["awards"][0]["motivation_html"]
    votes = {v["idea_id"]: v["votes"] for v in result["votes"]}
    assert votes[w.anonymous_idea.id] == 12
    assert w.hidden_idea.id not in votes
    assert w.pending_idea.id not in votes
    _get(client, "/api/v1/results/safe-streets", 404)


def test_a_hidden_winner_drops_out_of_the_results(client, make, db):
    w = build(make, db)
    w.anonymous_idea.status = IdeaStatus.HIDDEN
    db.commit()
    result = _get(client, "/api/v1/results/green-yards")["data"]
    assert w.anonymous_idea.id not in {a["idea_id"] for a in result["awards"]}
    assert w.anonymous_idea.id not in {v["idea_id"] for v in result["votes"]}


def test_projects_with_goals_history_and_updates(client, make, db):
    w = build(make, db)
    projects = _all(client, "/api/v1/projects")
    assert [p["slug"] for p in projects] == [w.project.slug]
    assert projects[0]["status"]["key"] == "planned"
    detail = _get(client, f"/api/v1/projects/{w.project.slug}")["data"]
    assert [c["to_status"] for c in detail["status_history"]][-1] == "planned"
    assert detail["status_history"][-1]["comment"] == "Budget granted"
    assert detail["goals"][0]["outcome"] == "Fewer dark corners"
    assert detail["goals"][0]["percent"] == 50
    assert detail["updates"][0]["title"] == "Work starts"
    assert "<strong>first</strong>" in detail["updates"][0]["body_html"]
    assert detail["idea_id"] == w.anonymous_idea.id
    _get(client, "/api/v1/projects/no-such-project", 404)


def test_events_with_their_published_challenges(client, make, db):
    w = build(make, db)
    events = _all(client, "/api/v1/events")
    assert w.event.slug in {e["slug"] for e in events}
    detail = _get(client, f"/api/v1/events/{w.event.slug}")["data"]
    assert [c["slug"] for c in detail["challenges"]] == ["safe-streets", "green-yards"]
    _get(client, "/api/v1/events/nowhere", 404)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("challenge=green-yards", {"green-yards"}),
        ("challenge=safe-streets", {"safe-streets"}),
        ("category=Milj%C3%B6", {"green-yards"}),
        ("origin=contact_center", {"green-yards"}),
        ("language=ar", set()),
    ],
)
def test_ideas_filter(client, make, db, query, expected):
    build(make, db)
    ideas = _all(client, f"/api/v1/ideas?{query}")
    assert {i["challenge"] for i in ideas} == expected
    if query.startswith("origin"):
        assert [i["origin"] for i in ideas] == ["contact_center"]


def test_challenges_filter_by_phase_category_and_event(client, make, db):
    w = build(make, db)
    other_event = make.event()
    make.challenge(Phase.SUBMISSIONS, event=other_event, slug="open-now")
    make.challenge(Phase.ARCHIVED, event=other_event, slug="long-ago")
    make.challenge(Phase.JURY, event=other_event, slug="judging")
    make.challenge(Phase.UPCOMING, event=other_event, slug="soon")

    def slugs(query):
        return {c["slug"] for c in _all(client, f"/api/v1/challenges?{query}")}

    assert slugs("phase=voting") == {"safe-streets"}
    assert slugs("phase=results") == {"green-yards"}
    assert slugs("phase=submissions") == {"open-now"}
    assert slugs("phase=archived") == {"long-ago"}
    assert slugs("phase=jury") == {"judging"}
    assert slugs("phase=upcoming") == {"soon"}
    assert slugs(f"event={w.event.slug}") == {"safe-streets", "green-yards"}
    assert slugs("category=Milj%C3%B6") == {"green-yards"}
    # Every challenge's phase in the list agrees with the filter that finds it.
    for c in _all(client, "/api/v1/challenges"):
        assert c["slug"] in slugs(f"phase={c['phase']}")


def test_projects_filter_by_status(client, make, db):
    w = build(make, db)
    assert [p["slug"] for p in _all(client, "/api/v1/projects?status=planned")] == [w.project.slug]
    assert _all(client, "/api/v1/projects?status=realized") == []
    assert len(_all(client, f"/api/v1/projects?challenge={w.done.slug}")) == 1
    assert _all(client, f"/api/v1/projects?challenge={w.voting.slug}") == []


def test_paging_is_stable_while_ideas_are_added(client, make, db):
    challenge = make.challenge(Phase.SUBMISSIONS)
    first = [make.idea(challenge).id for _ in range(7)]
    db.commit()
    page = _get(client, f"/api/v1/ideas?challenge={challenge.slug}&limit=3")
    assert page["limit"] == 3
    seen = [i["id"] for i in page["data"]]
    assert seen == first[:3]
    # Ideas arrive (and one goes) between the client's requests.
    added = [make.idea(challenge).id for _ in range(3)]
    db.commit()
    url = page["next"]
    while url:
        page = _get(client, url)
        assert len(page["data"]) <= 3
        seen.extend(i["id"] for i in page["data"])
        url = page["next"]
    assert len(seen) == len(set(seen)), "an idea was listed twice"
    assert set(first + added) <= set(seen), "an idea was skipped"


def test_the_last_page_has_no_cursor(client, make, db):
    challenge = make.challenge(Phase.SUBMISSIONS)
    for _ in range(4):
        make.idea(challenge)
    db.commit()
    first = _get(client, f"/api/v1/ideas?challenge={challenge.slug}&limit=2")
    assert first["next_cursor"]
    second = _get(client, first["next"])
    assert second["next_cursor"] is None
    assert second["next"] is None
    assert "challenge=" in first["next"]
    assert "limit=2" in first["next"]
    link = client.get(f"/api/v1/ideas?challenge={challenge.slug}&limit=2").headers["Link"]
    assert link == f'<{first["next"]}>; rel="next"'


def _error(client, url, language="en"):
    body = _get(client, url, 400, **{"Accept-Language": language})
    assert set(body) == {"error"}
    assert body["error"]["status"] == 400
    return body["error"]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/ideas?limit=0", "limit"),
        ("/api/v1/ideas?limit=101", "limit"),
        ("/api/v1/ideas?limit=ten", "limit"),
        ("/api/v1/ideas?limit=%C2%B2", "limit"),
        ("/api/v1/ideas?limit=-5", "limit"),
        ("/api/v1/ideas?cursor=not-a-cursor!!", "cursor"),
        ("/api/v1/ideas?cursor=" + base64.urlsafe_b64encode(b'{"id":"x"}').decode(), "cursor"),
        ("/api/v1/ideas?cursor=" + base64.urlsafe_b64encode(b"[1]").decode(), "cursor"),
        ("/api/v1/ideas?challenge=no-such-challenge", "challenge"),
        ("/api/v1/ideas?origin=carrier-pigeon", "origin"),
        ("/api/v1/ideas?sort=votes", "sort"),
        ("/api/v1/challenges?phase=draft", "phase"),
        ("/api/v1/challenges?event=nowhere", "event"),
        ("/api/v1/projects?status=flying", "status"),
        ("/api/v1/results?category=x&page=2", "page"),
    ],
)
def test_bad_parameters_are_400_json_naming_the_parameter(client, make, db, url, parameter):
    build(make, db)
    error = _error(client, url)
    assert error["parameter"] == parameter
    assert error["message"]


def test_a_draft_challenge_is_an_unknown_filter_value(client, make, db):
    w = build(make, db)
    assert _error(client, f"/api/v1/ideas?challenge={w.draft.slug}")["parameter"] == "challenge"


def test_error_messages_speak_the_language_asked_for(client, make, db):
    english = _error(client, "/api/v1/ideas?limit=0", "en")["message"]
    swedish = _error(client, "/api/v1/ideas?limit=0", "sv")["message"]
    arabic = _error(client, "/api/v1/ideas?limit=0", "ar")["message"]
    assert "100" in english
    assert "100" in swedish
    assert len({english, swedish, arabic}) == 3
    missing_en = _get(client, "/api/v1/nothing-here", 404, **{"Accept-Language": "en"})
    missing_sv = _get(client, "/api/v1/nothing-here", 404, **{"Accept-Language": "sv"})
    assert missing_en["error"]["status"] == 404
    assert missing_en["error"]["message"] != missing_sv["error"]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ideas",
        "/api/v1/challenges",
        "/api/v1/projects",
        "/api/v1/results",
        "/api/v1/events",
    ],
)
def test_lists_run_the_same_queries_whatever_the_page_size(client, make, db, count_queries, url):
    build(make, db)
    for n in range(4):
        challenge = make.challenge(Phase.RESULTS, event=make.event(), category=f"c{n % 2}")
        for _ in range(3):
            make.idea(challenge)
        project(make, title=f"Project {n}")
    db.commit()
    counts = []
    for limit in (1, 3, 50):
        count_queries.statements.clear()
        body = _get(client, f"{url}?limit={limit}")
        assert body["data"]
        counts.append(count_queries.count)
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 5, count_queries.statements
    # A filter by slug costs one more lookup, still whatever the size.
    if url.endswith(("ideas", "projects")):
        count_queries.statements.clear()
        _get(client, f"{url}?challenge=green-yards&limit=50")
        assert count_queries.count <= counts[0] + 1


def test_details_run_a_fixed_number_of_queries(client, make, db, count_queries):
    w = build(make, db)
    for url, most in [
        (f"/api/v1/projects/{w.project.slug}", 5),
        ("/api/v1/results/green-yards", 5),
        (f"/api/v1/events/{w.event.slug}", 3),
        (f"/api/v1/ideas/{w.anonymous_idea.id}", 3),
        ("/api/v1/challenges/green-yards", 2),
    ]:
        count_queries.statements.clear()
        _get(client, url)
        assert count_queries.count <= most, (url, count_queries.statements)


@given(st.text(max_size=60))
def test_any_cursor_text_is_either_ours_or_refused(text):
    field, last = None, 0
    try:
        last = services.decode_cursor(text)
    except InvalidInput as exc:
        field = exc.field
    assert field in (None, "cursor")
    assert field is not None or 0 <= last < 2**63


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_cursors_round_trip(last_id):
    assert services.decode_cursor(services.encode_cursor(last_id)) == last_id


@given(st.text(max_size=8))
def test_any_limit_text_is_either_a_page_size_or_refused(text):
    field, limit = None, 1
    try:
        limit = services.parse_limit(text)
    except InvalidInput as exc:
        field = exc.field
    assert field in (None, "limit")
    assert field is not None or (text.isdigit() and 1 <= limit <= services.MAX_LIMIT)
