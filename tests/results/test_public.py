"""The public results page: only once published, awards with motivations,
anonymity kept, no juror anywhere, a chart with its table; badges elsewhere."""

import pytest

from inhabithon.accounts.models import Role
from inhabithon.ideas.models import AuthorDisplay
from tests.results.helpers import EN, publish, scored_round


def test_results_are_not_found_before_publishing(client, make):
    scored = scored_round(make)

    assert client.get(f"/challenges/{scored.challenge.slug}/results").status_code == 404
    client.login(make.user(Role.JURY))
    assert client.get(f"/challenges/{scored.challenge.slug}/results").status_code == 404


def test_officials_get_a_link_to_the_review_page_before_publishing(client, make):
    scored = scored_round(make)
    client.login(scored.official)

    html = client.get(f"/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert f'href="/manage/challenges/{scored.challenge.slug}/results"' in html


def test_public_page_shows_awards_ranking_breakdown_and_votes(client, make):
    scored = scored_round(make)
    a, _b, _c = scored.ideas
    publish(make, scored, winner="A **clear** concept.")

    response = client.get(f"/challenges/{scored.challenge.slug}/results", headers=EN)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Winner" in html
    assert "Runner-up" in html
    assert "choice" in html
    assert "A <strong>clear</strong> concept." in html
    assert f'href="/ideas/{a.id}"' in html
    ranking = html.split('class="data ranking"', 1)[1].split("</table>", 1)[0]
    assert ranking.index("Idea Alpha") < ranking.index("Idea Bravo") < ranking.index("Idea Charlie")
    assert "3.33" in ranking
    assert "0.33" in ranking
    assert "Impact" in html
    assert "3.7" in html
    assert (
        '<svg class="bar-chart" role="img" aria-labelledby="vote-chart-title vote-chart-desc"'
        in html
    )
    assert '<title id="vote-chart-title">' in html
    chart_end = html.index("</svg>")
    assert "<caption>Public votes per idea</caption>" in html[chart_end:]
    assert "style=" not in html
    assert "<script" not in html.split("</svg>")[0].split("<svg")[1]


def test_public_page_names_no_juror_and_shows_no_single_score(client, make):
    scored = scored_round(make)
    publish(make, scored)

    html = client.get(f"/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert "Secretname" not in html
    assert "Krippendorff" not in html


def test_anonymous_winners_stay_anonymous(client, make):
    scored = scored_round(make)
    author = make.user(name="Hidden Person")
    a = scored.ideas[0]
    a.author_id = author.id
    a.author_display = AuthorDisplay.ANONYMOUS
    make.session.commit()
    publish(make, scored)

    html = client.get(f"/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert "Anonymous resident" in html
    assert "Hidden Person" not in html


def test_challenge_page_links_to_results_and_badges_the_winners(client, make):
    scored = scored_round(make)
    a, b, c = scored.ideas
    publish(make, scored)

    html = client.get(f"/challenges/{scored.challenge.slug}", headers=EN).get_data(as_text=True)

    assert f'href="/challenges/{scored.challenge.slug}/results"' in html
    card_a = html.split(f'href="/ideas/{a.id}"', 1)[0].rsplit("<article", 1)[1]
    card_b = html.split(f'href="/ideas/{b.id}"', 1)[0].rsplit("<article", 1)[1]
    card_c = html.split(f'href="/ideas/{c.id}"', 1)[0].rsplit("<article", 1)[1]
    assert "award--winner" in card_a
    assert "award--runner_up" in card_b
    assert "award--peoples_choice" in card_b
    assert "award--" not in card_c


def test_idea_page_shows_its_badge(client, make):
    scored = scored_round(make)
    publish(make, scored)

    winner = client.get(f"/ideas/{scored.ideas[0].id}", headers=EN).get_data(as_text=True)
    other = client.get(f"/ideas/{scored.ideas[2].id}", headers=EN).get_data(as_text=True)

    assert "award--winner" in winner
    assert "award--" not in other


def test_no_badges_or_results_link_before_publishing(client, make):
    scored = scored_round(make)

    html = client.get(f"/challenges/{scored.challenge.slug}", headers=EN).get_data(as_text=True)

    assert "award--" not in html
    assert f"/challenges/{scored.challenge.slug}/results" not in html


@pytest.mark.parametrize("page", ["challenge", "idea"])
def test_pages_with_badges_load_awards_in_one_query(client, make, count_queries, page):
    scored = scored_round(make)
    publish(make, scored)
    url = (
        f"/challenges/{scored.challenge.slug}"
        if page == "challenge"
        else f"/ideas/{scored.ideas[0].id}"
    )
    client.get(url)
    count_queries.statements.clear()

    client.get(url)

    award_queries = [s for s in count_queries.statements if "FROM awards" in s]
    assert len(award_queries) == 1


def test_public_page_takes_a_fixed_number_of_queries(client, make, count_queries):
    counts = []
    for extra in (0, 5):
        scored = scored_round(make)
        for n in range(extra):
            idea = make.idea(scored.challenge, title=f"Extra {n}")
            make.sheet(scored.jurors[0], idea, [n % 5, 1])
        publish(make, scored)
        url = f"/challenges/{scored.challenge.slug}/results"
        client.get(url)
        count_queries.statements.clear()
        assert client.get(url).status_code == 200
        counts.append(count_queries.count)

    assert counts[0] == counts[1]
