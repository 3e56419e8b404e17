"""The cap on what a search ranks and counts (``services.MAX_RANKED``): a word
found in more results of a kind than the cap shows "more than N" and the best
of its newest N results; a word found in N or fewer is ranked and counted
exactly. The cap is set low here so the tests stay small.

On PostgreSQL the newest results are found either by walking the newest
``statement.WALKED * MAX_RANKED`` texts of a kind or, when the walk cannot
tell, among all matches; the comments say which way each case goes there
(SQLite always takes the second)."""

import re
from urllib.parse import unquote

import pytest

from inhabithon.search import services
from tests.search.test_search import hits, idea_hrefs, page


@pytest.fixture
def cap(monkeypatch):
    def set_cap(n):
        monkeypatch.setattr(services, "MAX_RANKED", n)

    return set_cap


def all_pages(client, **params):
    """The hrefs of every page of one kind, following the "Next page" links."""
    seen, pages = [], 0
    while True:
        html = page(client, **params)
        seen += [href for _, href in hits(html)]
        pages += 1
        match = re.search(r'href="([^"]*after=[^"]*)">Next page', html)
        if not match or pages > 10:
            return seen, pages
        after = re.search(r"after=([^&\"]+)", match.group(1).replace("&amp;", "&")).group(1)
        params["after"] = unquote(after)


def test_more_results_than_the_cap_are_counted_as_more_than_the_cap(client, make, cap):
    cap(6)
    challenge = make.challenge(title="Fontäner vid torget")
    for n in range(8):
        make.idea(challenge, title=f"Fontän {n}")

    html = page(client, q="fontän")
    assert "More than 7 results" in html  # the challenge and more than 6 ideas
    assert 'Ideas <span class="count">(more than 6)</span>' in html
    assert 'Challenges <span class="count">(1)</span>' in html
    assert "So many match that only the newest 6 are shown, best match first." in html
    assert "More than 6 matching ideas" in html  # the link to the ideas' tab
    assert "All 6" not in html
    assert len(idea_hrefs(html)) == 5

    client.language = "sv"
    html = page(client, q="fontän")
    assert "Fler än 7 träffar" in html
    assert '<span class="count">(fler än 6)</span>' in html
    assert "bara de 6 nyaste visas, bäst först" in html
    assert "Fler än 6 matchande idéer" in html

    client.language = "ar"
    html = page(client, q="fontän")
    assert "أكثر من 7 نتائج" in html  # the plural form for 3 to 10
    assert '<span class="count">(أكثر من 6)</span>' in html

    client.language = "en"
    html = page(client, q="fontän", kind="idea")
    assert "More than 6 results" in html
    assert len(idea_hrefs(html)) == 6


def test_past_the_cap_the_newest_results_are_ranked_best_first_and_paged_by_key(
    client, make, cap, monkeypatch
):
    cap(4)
    monkeypatch.setattr(services, "PER_PAGE", 3)
    challenge = make.challenge(title="Torget")
    for n in range(6):
        make.idea(challenge, title=f"Bänk {n}", summary="Sittplatser.")
    # The word in the title ranks higher than in the summary; these are older.
    for n in range(3):
        make.idea(challenge, title=f"Fontän {n}", summary="Vatten.")
    weak = [make.idea(challenge, title=f"Vattenspel {n}", summary="En fontän.") for n in range(2)]
    strong = [make.idea(challenge, title=f"Fontän {n + 3}", summary="Vatten.") for n in range(2)]
    # (PostgreSQL: the 8 newest ideas hold 7 matches, more than 4: the walk decides.)

    seen, pages = all_pages(client, q="fontän", kind="idea")

    assert pages == 2  # 3 + 1: the tab ends where the capped results end
    assert len(seen) == len(set(seen)) == 4
    assert set(seen[:2]) == {f"/ideas/{i.id}" for i in strong}
    assert set(seen[2:]) == {f"/ideas/{i.id}" for i in weak}
    combined = page(client, q="fontän")
    assert idea_hrefs(combined) == seen
    assert "(more than 4)" in combined


def test_the_newest_matches_are_found_when_the_newest_texts_do_not_match(client, make, cap):
    cap(2)
    challenge = make.challenge(title="Torget")
    matching = [make.idea(challenge, title=f"Fontän {n}") for n in range(3)]
    for n in range(6):
        make.idea(challenge, title=f"Bänk {n}")
    # (PostgreSQL: no match among the 4 newest ideas, so all matches are sorted.)

    newest = [f"/ideas/{i.id}" for i in reversed(matching[1:])]
    html = page(client, q="fontän")
    assert idea_hrefs(html) == newest
    assert "More than 2 results" in html
    # A filter on the source tables takes the second way on both databases.
    html = page(client, q="fontän", challenge=challenge.slug)
    assert idea_hrefs(html) == newest
    assert "More than 2 results" in html


def test_a_word_in_no_more_results_than_the_cap_is_ranked_and_counted_exactly(client, make, cap):
    challenge = make.challenge(title="Torget")
    for n in range(4):
        make.idea(challenge, title=f"Fontän {n}", summary="Vatten." if n % 2 else "En fontän.")
    cap(1000)
    uncapped = page(client, q="fontän")

    cap(4)
    html = page(client, q="fontän")
    assert idea_hrefs(html) == idea_hrefs(uncapped)
    assert "4 results" in html
    assert 'Ideas <span class="count">(4)</span>' in html
    assert "ore than" not in html
    assert "So many match" not in html

    make.idea(challenge, title="Fontän 4")
    assert "More than 4 results" in page(client, q="fontän")


def test_a_challenge_found_in_several_languages_counts_once_toward_the_cap(client, make, cap):
    cap(2)

    def challenge(title):
        made = make.challenge(title=f"{title} i Malmö", language="sv")
        make.challenge_translation(made, "en", title=f"{title} in Malmö")
        return made

    def found():
        html = page(client, q="malmö")
        return html, sorted(href for _, href in hits(html))

    first = challenge("Trygga stråk")
    second = make.challenge(title="Malmö by night", language="en")
    # (PostgreSQL: 3 challenge texts, fewer than the walk's 4: the walk saw them all.)
    html, shown = found()
    assert shown == sorted(f"/challenges/{c.slug}" for c in (first, second))
    assert "2 results" in html
    assert "ore than" not in html

    third = challenge("Lekplatser")
    # (PostgreSQL: the walk's 4 texts hold 3 challenges, more than 2.)
    html, shown = found()
    assert shown == sorted(f"/challenges/{c.slug}" for c in (second, third))
    assert "More than 2 results" in html

    fourth = challenge("Cykelvägar")
    # (PostgreSQL: the walk's 4 texts hold only 2 challenges, so all matches are sorted.)
    html, shown = found()
    assert shown == sorted(f"/challenges/{c.slug}" for c in (third, fourth))
    assert "More than 2 results" in html


def test_a_capped_search_costs_the_same_fixed_number_of_queries(client, make, cap, count_queries):
    cap(3)
    challenge = make.challenge(title="Brunn")
    for n in range(2):
        make.idea(challenge, title=f"Brunn {n}")
    page(client, q="brunn")  # warm up
    count_queries.statements.clear()
    assert "3 results" in page(client, q="brunn")
    uncapped = count_queries.count

    for n in range(10):
        make.idea(make.challenge(title=f"Brunnsområde {n}"), title=f"Brunn {n}")
    count_queries.statements.clear()
    assert "More than 6 results" in page(client, q="brunn")
    assert count_queries.count == uncapped
