"""Atom feeds of one project's updates and status changes, and of all projects."""

import xml.etree.ElementTree as ET

from inhabithon.projects import services
from tests.projects.helpers import project, set_status

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(response):
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    root = ET.fromstring(response.data)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        element = root.find(f"{ATOM}{tag}")
        assert element is not None, tag
        assert element.text, tag
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}").text, tag
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    return root, entries


def test_a_projects_feed_holds_its_updates_and_status_changes(client, make):
    p = project(make, title="Flödet")
    with make.context():
        services.post_update(None, p, "Första nyheten", "Text med **fetstil** <script>x</script>")
    set_status(make, p, "planned", comment="Planen är klar.")
    root, entries = _parse(client.get(f"/projects/{p.slug}/feed.atom"))
    assert root.find(f"{ATOM}title").text == "Flödet"
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Första nyheten" in titles
    assert len(entries) == 3  # created, the update, planned
    assert all(e.find(f"{ATOM}id").text.startswith("tag:") for e in entries)
    content = "".join(
        e.find(f"{ATOM}content").text or "" for e in entries if e.find(f"{ATOM}content") is not None
    )
    assert "<strong>fetstil</strong>" in content
    assert "<script>" not in content
    assert "Planen är klar." in content


def test_the_feed_of_all_projects_lists_each_project_once(client, make):
    a = project(make, title="Ett")
    project(make, title="Två")
    set_status(make, a, "ongoing")
    _root, entries = _parse(client.get("/projects/feed.atom"))
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(titles) == 2
    assert titles[0].startswith("Ett")  # the latest change first


def test_feed_ids_survive_a_change_of_address(client, make, db):
    p = project(make, title="Adress")
    _root, before = _parse(client.get(f"/projects/{p.slug}/feed.atom"))
    with make.context():
        services.update_project(None, p, services.ProjectData(title="Adress", slug="ny-adress"))
    _root, after = _parse(client.get("/projects/ny-adress/feed.atom"))
    assert before[0].find(f"{ATOM}id").text == after[0].find(f"{ATOM}id").text


def test_the_empty_feed_of_all_projects_is_valid(client):
    _root, entries = _parse(client.get("/projects/feed.atom"))
    assert entries == []
