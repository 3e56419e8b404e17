"""Overrides need a reason and leave a trail; publishing writes the awards and a
snapshot of aggregates, starts the results phase and can be done again."""

import pytest
from sqlalchemy import select

from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.results.models import Award, AwardKind, ChallengeResult, RankingOverride
from tests.results.helpers import EN, publish, scored_round


def _url(scored, path=""):
    return f"/manage/challenges/{scored.challenge.slug}/results{path}"


@pytest.mark.parametrize("reason", ["", "too short"])
def test_an_override_without_a_real_reason_is_refused_and_keeps_the_values(
    client, make, db, reason
):
    scored = scored_round(make)
    client.login(scored.official)
    c = scored.ideas[2]

    response = client.post(
        _url(scored, "/overrides"),
        data={"idea_id": str(c.id), "new_rank": "1", "reason": reason},
        headers=EN,
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Explain" in html
    assert f'<option selected value="{c.id}">' in html or f'value="{c.id}" selected' in html
    assert db.scalars(select(RankingOverride)).all() == []


def test_an_override_moves_the_idea_and_is_recorded_with_who_when_and_why(client, make, db):
    scored = scored_round(make)
    client.login(scored.official)
    _a, _b, c = scored.ideas
    reason = "The pilot of Charlie is already funded by the district."

    response = client.post(
        _url(scored, "/overrides"),
        data={"idea_id": str(c.id), "new_rank": "1", "reason": reason},
        headers=EN,
    )

    assert response.status_code == 303
    override = db.scalars(select(RankingOverride)).one()
    assert (override.idea_id, override.computed_rank, override.new_rank) == (c.id, 3, 1)
    assert override.actor_id == scored.official.id
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "results.ranking_overridden")
    ).one()
    assert entry.before["rank"] == 3
    assert entry.after == {"idea_id": c.id, "rank": 1, "reason": reason}
    html = client.get(_url(scored), headers=EN).get_data(as_text=True)
    assert reason in html
    assert "Olivia Official" in html
    assert "3 → 1" in html
    ranking = html.split('class="data ranking"', 1)[1]
    assert ranking.index("Idea Charlie") < ranking.index("Idea Alpha") < ranking.index("Idea Bravo")
    assert "(overridden; computed: 3)" in ranking


def test_the_trail_cannot_be_edited_there_is_no_route_for_it(client, make):
    scored = scored_round(make)
    client.login(scored.official)

    assert client.get(_url(scored, "/overrides")).status_code == 405


def test_overrides_and_publishing_wait_for_the_jury_phase(client, make, db):
    scored = scored_round(make, phase=Phase.VOTING)
    client.login(scored.official)
    a, b, _c = scored.ideas

    override = client.post(
        _url(scored, "/overrides"),
        data={"idea_id": str(a.id), "new_rank": "2", "reason": "A reason that is long enough"},
        headers=EN,
    )
    published = client.post(
        _url(scored, "/publish"), data={"winner": str(a.id), "runner_up": str(b.id)}, headers=EN
    )

    assert override.status_code == 409
    assert published.status_code == 409
    assert "once the jury review has started" in published.get_data(as_text=True)
    assert db.scalars(select(ChallengeResult)).all() == []


def test_publish_form_defaults_to_computed_ranks_and_most_votes(client, make):
    scored = scored_round(make, phase=Phase.VOTING)
    a, b, c = scored.ideas
    make.vote(make.user(), c)
    scored.challenge.voting_open_at, scored.challenge.jury_review_at = (
        scored.challenge.submissions_open_at
        + (scored.challenge.jury_review_at - scored.challenge.submissions_open_at) / 3,
        scored.challenge.submissions_open_at
        + (scored.challenge.jury_review_at - scored.challenge.submissions_open_at) / 2,
    )
    make.session.commit()
    client.login(scored.official)

    html = client.get(_url(scored), headers=EN).get_data(as_text=True)

    form = html.split('action="' + _url(scored, "/publish"), 1)[1]
    winner = form.split('name="winner"', 1)[1].split("</select>", 1)[0]
    runner = form.split('name="runner_up"', 1)[1].split("</select>", 1)[0]
    people = form.split('name="peoples_choice"', 1)[1].split("</select>", 1)[0]
    assert f'selected value="{a.id}"' in winner
    assert f'selected value="{b.id}"' in runner
    assert f'selected value="{c.id}"' in people


def test_peoples_choice_tie_goes_to_the_earliest_idea_and_says_so(client, make):
    scored = scored_round(make)
    client.login(scored.official)

    html = client.get(_url(scored), headers=EN).get_data(as_text=True)

    assert "3 ideas share the most votes (0); the earliest submitted is preselected." in html
    people = html.split('name="peoples_choice"', 1)[1].split("</select>", 1)[0]
    assert f'selected value="{scored.ideas[0].id}"' in people


def test_publishing_writes_awards_a_snapshot_and_starts_the_results_phase(client, make, db):
    scored = scored_round(make)
    client.login(scored.official)
    a, b, c = scored.ideas
    assert scored.challenge.results_at is None

    response = client.post(
        _url(scored, "/publish"),
        data={
            "winner": str(a.id),
            "winner_motivation": "A **clear** idea.<script>alert(1)</script>",
            "runner_up": str(b.id),
            "peoples_choice": str(c.id),
        },
        headers=EN,
    )

    assert response.status_code == 303
    assert response.location.endswith(f"/challenges/{scored.challenge.slug}/results")
    awards = {aw.kind: aw for aw in db.scalars(select(Award))}
    assert {k: aw.idea_id for k, aw in awards.items()} == {
        AwardKind.WINNER: a.id,
        AwardKind.RUNNER_UP: b.id,
        AwardKind.PEOPLES_CHOICE: c.id,
    }
    assert "<strong>clear</strong>" in awards[AwardKind.WINNER].motivation_html
    assert "<script>" not in awards[AwardKind.WINNER].motivation_html
    result = db.get(ChallengeResult, scored.challenge.id)
    assert [(r["idea_id"], r["rank"]) for r in result.ranking] == [(a.id, 1), (b.id, 2), (c.id, 3)]
    assert result.method == "juror_effect"
    db.refresh(scored.challenge)
    assert scored.challenge.phase is Phase.RESULTS
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "results.published")).one()


def test_the_snapshot_holds_no_juror_and_no_single_score(make, db):
    scored = scored_round(make)
    publish(make, scored)

    result = db.get(ChallengeResult, scored.challenge.id)
    text = repr((result.ranking, result.summary))

    assert "Secretname" not in text
    assert "juror" not in text.lower().replace("n_jurors", "")
    assert all(
        set(r) == {"idea_id", "rank", "tied", "mean", "standard_error", "n_jurors", "overridden"}
        for r in result.ranking
    )


def test_publishing_again_replaces_the_snapshot_and_the_awards(client, make, db):
    scored = scored_round(make)
    publish(make, scored)
    client.login(scored.official)
    a, _b, c = scored.ideas
    client.post(
        _url(scored, "/overrides"),
        data={"idea_id": str(c.id), "new_rank": "1", "reason": "The jury changed its mind."},
    )

    response = client.post(
        _url(scored, "/publish"),
        data={"winner": str(c.id), "runner_up": str(a.id), "peoples_choice": ""},
        headers=EN,
    )

    assert response.status_code == 303
    awards = {aw.kind: aw.idea_id for aw in db.scalars(select(Award))}
    assert awards == {AwardKind.WINNER: c.id, AwardKind.RUNNER_UP: a.id}
    result = db.get(ChallengeResult, scored.challenge.id)
    assert result.ranking[0]["idea_id"] == c.id
    assert result.ranking[0]["overridden"] is True
    assert (
        len(db.scalars(select(AuditEntry).where(AuditEntry.action == "results.published")).all())
        == 2
    )


def test_winner_and_runner_up_must_differ(client, make, db):
    scored = scored_round(make)
    client.login(scored.official)
    a = scored.ideas[0]

    response = client.post(
        _url(scored, "/publish"),
        data={"winner": str(a.id), "runner_up": str(a.id), "winner_motivation": "Kept text"},
        headers=EN,
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must be different ideas" in html
    assert "Kept text" in html
    assert db.scalars(select(Award)).all() == []


def test_publishing_keeps_a_results_date_already_in_the_past(make, db):
    scored = scored_round(make, phase=Phase.RESULTS)
    before = scored.challenge.results_at

    publish(make, scored)

    db.refresh(scored.challenge)
    assert scored.challenge.results_at == before
