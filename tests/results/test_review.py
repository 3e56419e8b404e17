"""The officials' review page: the computed ranking wired to the jury's sheets,
quality signals, and who may see and use it."""

import re

import pytest

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.jury.models import JuryMode, Normalization
from tests.results.helpers import EN, scored_round, weighted_round


def _rows(html):
    body = html.split('<table class="data ranking">', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>", "", c).replace("discuss: jurors disagree", "").strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
        ]
        rows.append(cells)
    return rows


def test_review_page_shows_the_hand_computed_ranking(client, make):
    scored = scored_round(make)
    client.login(scored.official)

    response = client.get(f"/manage/challenges/{scored.challenge.slug}/results", headers=EN)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _rows(html)
    # rank, idea, mean, SE, jurors, impact, feasibility, votes
    assert rows[0] == ["1", "Idea Alpha", "3.333", "0.333", "3", "3.67", "2.33", "0"]
    assert rows[1][:5] == ["2", "Idea Bravo", "2.333", "0.333", "3"]
    assert rows[2][:5] == ["3", "Idea Charlie", "1.333", "0.333", "3"]
    assert "Juror effect model" in html


def test_equal_ideas_are_shown_as_tied(client, make):
    challenge = make.challenge(phase=Phase.JURY)
    ideas = [make.idea(challenge, title=f"Tie {n}") for n in range(3)]
    jury = weighted_round(make, challenge, (("Impact", 1.0),))
    for _ in range(3):
        juror = make.juror(jury)
        for idea, value in zip(ideas, [3, 3, 1], strict=True):
            make.sheet(juror, idea, [value])
    client.login(make.user(Role.OFFICIAL, locale="en"))

    html = client.get(f"/manage/challenges/{challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    rows = _rows(html)
    assert [r[0] for r in rows] == ["1 (tied)", "1 (tied)", "3"]
    assert "z-scores" in html


def test_quality_signals_name_thin_coverage_incomplete_sheets_and_jurors(client, make):
    scored = scored_round(make)
    _a, _b, _c = scored.ideas
    d = make.idea(scored.challenge, title="Idea Delta")
    make.sheet(scored.jurors[0], d, [4])  # incomplete: feasibility missing
    make.sheet(scored.jurors[1], d)  # assigned, not scored
    client.login(scored.official)

    html = client.get(f"/manage/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert "1 idea has fewer than 3 complete sheets:" in html
    assert "Krippendorff" in html
    assert "Juror Secretname1" in html  # officials see each juror's agreement
    assert 'Juror Secretname1 – <span lang="sv">Idea Delta</span>: missing Feasibility' in html
    assert "Sheets not yet scored</dt>\n    <dd>1</dd>" in html


def test_recused_sheets_do_not_count(client, make):
    scored = scored_round(make)
    extra = make.juror(scored.jury)
    from inhabithon.db import utcnow

    make.sheet(extra, scored.ideas[2], [4, 4], recused_at=utcnow())
    client.login(scored.official)

    rows = _rows(
        client.get(f"/manage/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
            as_text=True
        )
    )

    assert rows[2][:5] == ["3", "Idea Charlie", "1.333", "0.333", "3"]


def test_pairwise_rounds_rank_by_comparisons_and_skip_undone_ones(client, make):
    challenge = make.challenge(phase=Phase.JURY)
    a, b, c = (make.idea(challenge, title=t) for t in ("Pa", "Pb", "Pc"))
    jury = make.jury_round(challenge, mode=JuryMode.PAIRWISE)
    juror = make.juror(jury)
    for winner, loser in [(a, b), (a, c), (b, c), (a, b)]:
        make.comparison(juror, winner, loser)
    for _ in range(5):
        make.comparison(juror, c, a, undone=True)
    client.login(make.user(Role.OFFICIAL, locale="en"))

    html = client.get(f"/manage/challenges/{challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert [r[1] for r in _rows(html)] == ["Pa", "Pb", "Pc"]
    assert "Pairwise comparisons" in html


def test_without_a_jury_round_the_page_says_so(client, make):
    challenge = make.challenge(phase=Phase.JURY)
    make.idea(challenge)
    client.login(make.user(Role.OFFICIAL, locale="en"))

    response = client.get(f"/manage/challenges/{challenge.slug}/results", headers=EN)

    assert response.status_code == 200
    assert "No jury round has been set up" in response.get_data(as_text=True)


def test_review_shows_public_vote_counts(client, make):
    scored = scored_round(make, phase=Phase.VOTING)
    voter = make.user()
    make.vote(voter, scored.ideas[2])
    client.login(scored.official)

    rows = _rows(
        client.get(f"/manage/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
            as_text=True
        )
    )

    assert rows[2][-1] == "1"


def test_normalization_choice_changes_the_explanation(client, make):
    scored = scored_round(make)
    scored.jury.normalization = Normalization.ZSCORE
    make.session.commit()
    client.login(scored.official)

    html = client.get(f"/manage/challenges/{scored.challenge.slug}/results", headers=EN).get_data(
        as_text=True
    )

    assert "z-scores" in html
    assert [r[1] for r in _rows(html)] == ["Idea Alpha", "Idea Bravo", "Idea Charlie"]


ROLES = [None, Role.RESIDENT, Role.JURY, Role.GUIDE, Role.OFFICIAL, Role.ADMIN]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "", None),
        ("post", "/overrides", {"idea_id": "", "new_rank": "1", "reason": "A long enough reason"}),
        ("post", "/publish", {"winner": ""}),
    ],
)
def test_only_officials_and_admins_review_override_and_publish(
    client, make, role, method, path, data
):
    scored = scored_round(make)
    if role is not None:
        client.login(make.user(role, locale="en"))
    url = f"/manage/challenges/{scored.challenge.slug}/results{path}"

    response = getattr(client, method)(url, data=data, headers=EN)

    if role is None:
        assert response.status_code == 302
        assert "/login" in response.location
    elif role in (Role.OFFICIAL, Role.ADMIN):
        assert response.status_code == (200 if method == "get" else 400)
    else:
        assert response.status_code == 403


def test_unknown_challenge_is_404(client, make):
    client.login(make.user(Role.OFFICIAL))

    assert client.get("/manage/challenges/no-such-thing/results").status_code == 404
    assert client.post("/manage/challenges/no-such-thing/results/publish").status_code == 404


def _review_queries(client, make, count_queries, extra_ideas):
    scored = scored_round(make)
    for n in range(extra_ideas):
        idea = make.idea(scored.challenge, title=f"Extra {n}")
        for juror in scored.jurors:
            make.sheet(juror, idea, [n % 5, (n + 1) % 5])
    client.login(scored.official)
    url = f"/manage/challenges/{scored.challenge.slug}/results"
    client.get(url)
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    return count_queries.count


def test_review_page_takes_a_fixed_number_of_queries(client, make, count_queries):
    few = _review_queries(client, make, count_queries, 0)
    many = _review_queries(client, make, count_queries, 6)

    assert few == many
