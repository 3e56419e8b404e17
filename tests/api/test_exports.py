"""CSV exports, read back with the csv module: BOM, quoting, formula guard,
what the public and officials each get."""

from __future__ import annotations

import csv
import io

import pytest

from inhabithon.accounts.models import Role
from inhabithon.api.exports import guard, to_csv
from tests.api.helpers import build


def _rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data.startswith(b"\xef\xbb\xbf"), "a BOM for spreadsheet programs"
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_public_ideas_csv_lists_public_ideas(client, make, db):
    w = build(make, db)
    rows = {int(r["id"]): r for r in _rows(client.get(f"/challenges/{w.done.slug}/ideas.csv"))}
    assert w.pending_idea.id not in rows
    assert w.hidden_idea.id not in rows
    assert "status" not in next(iter(rows.values()))
    named = rows[w.named_idea.id]
    assert named["title"] == 'Fruit trees, "quoted", and commas'
    assert named["author"] == "Nils Named"
    assert named["votes"] == "3"
    anonymous = rows[w.anonymous_idea.id]
    assert anonymous["author"] == "anonymous"
    assert anonymous["awards"] == "winner peoples_choice"
    assert anonymous["title"].startswith("'=HYPERLINK"), "formula guarded"
    assert rows[w.pseudonymous_idea.id]["author"] == w.pseudonym


def test_vote_counts_stay_out_while_hidden(client, make, db):
    w = build(make, db)
    rows = _rows(client.get(f"/challenges/{w.voting.slug}/ideas.csv"))
    assert [r["title"] for r in rows] == ["Lights on the bridge"]
    assert rows[0]["votes"] == ""


def test_officials_also_get_pending_and_hidden_ideas_but_no_anonymous_author(client, make, db):
    w = build(make, db)
    client.login(make.user(Role.OFFICIAL))
    rows = {int(r["id"]): r for r in _rows(client.get(f"/challenges/{w.done.slug}/ideas.csv"))}
    assert rows[w.pending_idea.id]["status"] == "pending"
    assert rows[w.hidden_idea.id]["status"] == "hidden"
    assert rows[w.hidden_idea.id]["moderation_reason"] == "Off topic"
    assert rows[w.anonymous_idea.id]["author"] == "anonymous"
    contact = next(r for r in rows.values() if r["origin"] == "contact_center")
    assert contact["author"] == "contact_center"
    assert "Gudrun" not in str(rows)


def test_residents_get_the_public_csv(client, make, db):
    w = build(make, db)
    client.login(make.user())
    rows = _rows(client.get(f"/challenges/{w.done.slug}/ideas.csv"))
    assert "status" not in rows[0]


def test_a_draft_challenge_has_no_public_csv(client, make, db):
    w = build(make, db)
    assert client.get(f"/challenges/{w.draft.slug}/ideas.csv").status_code == 404
    client.login(make.user(Role.OFFICIAL))
    rows = _rows(client.get(f"/challenges/{w.draft.slug}/ideas.csv"))
    assert [r["title"] for r in rows] == ["Idea in a draft"]


def test_the_results_csv_follows_the_published_ranking(client, make, db):
    w = build(make, db)
    rows = _rows(client.get(f"/challenges/{w.done.slug}/results.csv"))
    by_id = {int(r["idea_id"]): r for r in rows}
    assert by_id[w.anonymous_idea.id]["awards"] == "winner peoples_choice"
    assert by_id[w.anonymous_idea.id]["votes"] == "12"
    assert by_id[w.anonymous_idea.id]["author"] == "anonymous"
    assert by_id[w.pseudonymous_idea.id]["awards"] == "runner_up"
    assert w.hidden_idea.id not in by_id
    assert w.pending_idea.id not in by_id
    assert client.get(f"/challenges/{w.voting.slug}/results.csv").status_code == 404


def test_the_projects_csv(client, make, db):
    w = build(make, db)
    rows = _rows(client.get("/projects.csv"))
    assert [r["slug"] for r in rows] == [w.project.slug]
    assert rows[0]["status"] == "planned"
    assert rows[0]["idea_id"] == str(w.anonymous_idea.id)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+46 40 123", "'+46 40 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-2, "-2"),
        (None, ""),
        (True, "true"),
    ],
)
def test_cells_that_look_like_formulas_are_defused(value, cell):
    assert guard(value) == cell


def test_quoting_survives_commas_quotes_and_newlines():
    data = to_csv(["a", "b"], [['He said "hi", then left', "two\nlines"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["a", "b"], ['He said "hi", then left', "two\nlines"]]


def test_the_pages_link_their_exports_and_feed(client, make, db):
    w = build(make, db)
    page = client.get(f"/challenges/{w.done.slug}").get_data(as_text=True)
    assert f"/challenges/{w.done.slug}/ideas.csv" in page
    assert f"/challenges/{w.done.slug}/ideas.atom" in page
    results = client.get(f"/challenges/{w.done.slug}/results").get_data(as_text=True)
    assert f"/challenges/{w.done.slug}/results.csv" in results
    assert "/projects.csv" in client.get("/projects").get_data(as_text=True)


def test_an_officials_draft_page_links_the_csv_but_no_feed(client, make, db):
    w = build(make, db)
    client.login(make.user(Role.OFFICIAL))
    page = client.get(f"/challenges/{w.draft.slug}").get_data(as_text=True)
    assert f"/challenges/{w.draft.slug}/ideas.csv" in page
    assert f"/challenges/{w.draft.slug}/ideas.atom" not in page
