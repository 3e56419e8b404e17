"""The ideas on a challenge page: two orders, key pagination, a fixed number of queries."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase

EN = {"Accept-Language": "en"}
T0 = dt.datetime(2025, 6, 10, 7, 0, tzinfo=dt.UTC)


def listed_titles(html):
    section = html.split('class="idea-list"', 1)[1] if 'class="idea-list"' in html else ""
    return re.findall(r'<a href="/ideas/\d+">([^<]+)</a>', section)


def link(html, rel):
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return match[1].replace("&amp;", "&") if match else None


@pytest.fixture
def small_pages(app):
    app.config["IDEAS_PER_PAGE"] = 2


@pytest.fixture
def challenge_with_ideas(make):
    """Five ideas: votes 5,3,3,1,0; created one hour apart (E newest)."""
    challenge = make.challenge(Phase.VOTING)
    author = make.user()
    for hour, (title, votes) in enumerate([("A", 3), ("B", 5), ("C", 3), ("D", 0), ("E", 1)]):
        make.idea(
            challenge,
            author,
            title=title,
            vote_count=votes,
            created_at=T0 + dt.timedelta(hours=hour),
        )
    return challenge


def test_ideas_are_sorted_by_votes_by_default_ties_newest_id_first(client, challenge_with_ideas):
    html = client.get(f"/challenges/{challenge_with_ideas.slug}", headers=EN).get_data(as_text=True)

    assert listed_titles(html) == ["B", "C", "A", "E", "D"]
    assert re.search(r'sort=votes#ideas" aria-current="true">Most votes', html)
    assert not re.search(r'sort=newest#ideas" aria-current', html)


def test_ideas_can_be_sorted_newest_first(client, challenge_with_ideas):
    url = f"/challenges/{challenge_with_ideas.slug}?sort=newest"

    html = client.get(url, headers=EN).get_data(as_text=True)

    assert listed_titles(html) == ["E", "D", "C", "B", "A"]
    assert re.search(r'sort=newest#ideas" aria-current="true">Newest', html)


def test_an_unknown_sort_falls_back_to_votes(client, challenge_with_ideas):
    html = client.get(f"/challenges/{challenge_with_ideas.slug}?sort=random").get_data(as_text=True)

    assert listed_titles(html) == ["B", "C", "A", "E", "D"]


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize(
    ("sort", "pages"),
    [("votes", [["B", "C"], ["A", "E"], ["D"]]), ("newest", [["E", "D"], ["C", "B"], ["A"]])],
)
def test_pages_go_forward_and_back_by_cursor(client, challenge_with_ideas, sort, pages):
    url = f"/challenges/{challenge_with_ideas.slug}?sort={sort}"
    seen = []
    html = client.get(url, headers=EN).get_data(as_text=True)
    assert link(html, "prev") is None
    for expected in pages:
        assert listed_titles(html) == expected
        seen.append(html)
        next_url = link(html, "next")
        if expected is pages[-1]:
            assert next_url is None
            break
        assert f"sort={sort}" in next_url
        assert "after=" in next_url
        html = client.get(next_url, headers=EN).get_data(as_text=True)

    # ...and back again from the last page.
    for expected in reversed(pages[:-1]):
        prev_url = link(html, "prev")
        assert "before=" in prev_url
        html = client.get(prev_url, headers=EN).get_data(as_text=True)
        assert listed_titles(html) == expected
    assert link(html, "prev") is None
    assert link(html, "next") is not None


@pytest.mark.usefixtures("small_pages")
def test_vote_cursor_names_the_last_card_by_votes_and_id(client, challenge_with_ideas):
    html = client.get(f"/challenges/{challenge_with_ideas.slug}").get_data(as_text=True)

    assert re.search(r"after=3\.\d+#ideas", link(html, "next"))


def test_paging_past_the_end_offers_the_first_page(client, challenge_with_ideas):
    html = client.get(f"/challenges/{challenge_with_ideas.slug}?after=0.1", headers=EN).get_data(
        as_text=True
    )

    assert listed_titles(html) == []
    assert "Go to the first page" in html


@pytest.mark.parametrize(
    "query",
    [
        "after=abc",
        "after=3",
        "after=3.",
        "after=.3",
        "after=-1.3",
        "after=1.2.3",
        "after=3.x",
        "before=",
        "after=1234567890123456789.1",
        "sort=newest&after=999999999999999999.1",
        "after=1.1&before=1.1",
    ],
)
def test_malformed_cursors_are_a_400_with_a_message(client, challenge_with_ideas, query):
    response = client.get(f"/challenges/{challenge_with_ideas.slug}?{query}", headers=EN)

    assert response.status_code == 400
    assert "This page link is broken." in response.get_data(as_text=True)


def _page_queries(client, make, count_queries, n_ideas, login=None):
    challenge = make.challenge(Phase.VOTING)
    for i in range(n_ideas):
        make.idea(challenge, make.user(), anonymous=i % 3 == 0, vote_count=i % 4)
    if login is not None:
        client.login(login)
    client.get(f"/challenges/{challenge.slug}")  # warm caches (templates, metadata)
    count_queries.statements.clear()
    response = client.get(f"/challenges/{challenge.slug}")
    assert response.status_code == 200
    assert len(listed_titles(response.get_data(as_text=True))) == min(n_ideas, 20)
    return count_queries.count


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.ADMIN])
def test_the_page_uses_the_same_number_of_queries_for_3_or_30_ideas(
    client, make, count_queries, role
):
    user = make.user(role) if role is not None else None

    few = _page_queries(client, make, count_queries, 3, user)
    many = _page_queries(client, make, count_queries, 30, user)

    assert few == many
    # 8, and 1 for the challenge's translations (localized texts); signed in, one
    # more for the unread notifications in the header and one for the follow button.
    assert few <= (9 if user is None else 11)


def test_the_page_reads_ideas_by_key_without_offset_or_counting(client, make, connection):
    challenge = make.challenge(Phase.VOTING)
    for _ in range(3):
        make.idea(challenge)
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement.upper(), parameters))

    sa.event.listen(connection, "before_cursor_execute", capture)
    try:
        client.get(f"/challenges/{challenge.slug}?after=5.100")
    finally:
        sa.event.remove(connection, "before_cursor_execute", capture)

    ideas = [(sql, params) for sql, params in statements if "FROM IDEAS" in sql]
    assert len(ideas) == 1
    sql, params = ideas[0]
    assert "(IDEAS.VOTE_COUNT, IDEAS.ID) <" in sql
    # SQLite's dialect always writes "LIMIT ? OFFSET ?"; the offset must stay 0.
    if "OFFSET" in sql:
        assert list(params)[-1] == 0
    assert not any("COUNT(" in sql for sql, _ in statements)
