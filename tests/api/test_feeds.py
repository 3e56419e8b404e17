"""The Atom feed of a challenge's new ideas, parsed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from inhabithon.challenges.models import Phase
from tests.api.helpers import build

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(response):
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    root = ET.fromstring(response.data)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/ideas.atom")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}").text, tag
        assert entry.find(f"{ATOM}author") is None
    return root, entries


def test_the_feed_lists_the_published_ideas_newest_first(client, make, db):
    w = build(make, db)
    root, entries = _entries(client.get(f"/challenges/{w.done.slug}/ideas.atom"))
    assert w.done.title in root.find(f"{ATOM}title").text
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Waiting for review" not in titles
    assert "Hidden by a moderator" not in titles
    assert titles[0] == "Brought in by a guide"  # the newest
    assert titles[-1].startswith("=HYPERLINK")  # the oldest
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all("/ideas/" in link for link in links)


def test_the_feed_follows_new_ideas_and_revalidates(client, make, db):
    challenge = make.challenge(Phase.SUBMISSIONS)
    url = f"/challenges/{challenge.slug}/ideas.atom"
    _root, entries = _entries(client.get(url))
    assert entries == []
    first = client.get(url)
    make.idea(challenge, title="A brand new idea")
    db.commit()
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    _root, entries = _entries(response)
    assert [e.find(f"{ATOM}title").text for e in entries] == ["A brand new idea"]
    assert "Last-Modified" in response.headers


def test_no_feed_for_a_draft(client, make, db):
    w = build(make, db)
    assert client.get(f"/challenges/{w.draft.slug}/ideas.atom").status_code == 404
    assert client.get("/challenges/nope/ideas.atom").status_code == 404


def test_the_feed_title_is_in_the_readers_language(client, make, db):
    challenge = make.challenge(Phase.SUBMISSIONS, title="Trygga gator")
    url = f"/challenges/{challenge.slug}/ideas.atom"
    english, _ = _entries(client.get(url, headers={"Accept-Language": "en"}))
    swedish, _ = _entries(client.get(url, headers={"Accept-Language": "sv"}))
    assert english.find(f"{ATOM}title").text == "New ideas: Trygga gator"
    assert swedish.find(f"{ATOM}title").text == "Nya idéer: Trygga gator"
    assert "Accept-Language" in client.get(url).headers["Vary"]
