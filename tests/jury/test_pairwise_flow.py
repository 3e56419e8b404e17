"""Pairwise judging through the pages: a pair is shown, judged, undone; stale
pairs are refused; busy, judged and own ideas are not shown."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.jury.models import Juror, JuryMode, PairwiseComparison


@pytest.fixture
def world(make):
    challenge = make.challenge(phase=Phase.JURY)
    jury_round = make.jury_round(challenge, criteria=0, mode=JuryMode.PAIRWISE)
    me, other = make.juror(jury_round), make.juror(jury_round)
    ideas = [make.idea(challenge, title=f"Pair idea {n}") for n in range(4)]
    return {"challenge": challenge, "round": jury_round, "me": me, "other": other, "ideas": ideas}


def url(world, rest=""):
    return f"/jury/{world['challenge'].slug}/compare{rest}"


def shown(client, world):
    """The (A, B) idea ids on the page, from its "A is better" form."""
    response = client.get(url(world))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ids = re.findall(
        r'name="winner" value="(\d+)">\s*<input type="hidden" name="loser" value="(\d+)"', page
    )
    assert len(ids) == 2, page
    return int(ids[0][0]), int(ids[0][1])


def comparisons(db):
    return list(db.scalars(select(PairwiseComparison).order_by(PairwiseComparison.id)))


def test_a_pair_is_shown_side_by_side_and_remembered(client, db, world):
    client.login(world["me"].user)
    a, b = shown(client, world)
    assert a != b
    page = client.get(url(world)).get_data(as_text=True)
    assert "A is better" in page
    assert "B is better" in page
    juror = db.get(Juror, world["me"].id)
    assert {juror.current_a_id, juror.current_b_id} == {a, b}
    assert juror.pair_shown_at is not None
    assert shown(client, world) == (a, b)  # a reload shows the same pair


def test_a_judgement_is_stored_and_the_next_pair_is_new(client, db, world):
    client.login(world["me"].user)
    a, b = shown(client, world)
    response = client.post(url(world), data={"winner": b, "loser": a})
    assert response.status_code == 303
    [comparison] = comparisons(db)
    assert (comparison.winner_id, comparison.loser_id) == (b, a)
    assert comparison.juror_id == world["me"].id
    assert {*shown(client, world)} != {a, b}


def test_every_pair_is_judged_once_then_the_juror_is_done(client, db, world):
    client.login(world["me"].user)
    judged = set()
    for _ in range(6):  # 4 ideas: 6 pairs
        a, b = shown(client, world)
        assert frozenset((a, b)) not in judged
        judged.add(frozenset((a, b)))
        assert client.post(url(world), data={"winner": a, "loser": b}).status_code == 303
    page = client.get(url(world)).get_data(as_text=True)
    assert "You have compared every pair available to you." in page
    assert len(comparisons(db)) == 6


def test_a_stale_pair_is_refused_with_409(client, db, world):
    client.login(world["me"].user)
    a, b = shown(client, world)
    others = [i.id for i in world["ideas"] if i.id not in (a, b)]
    response = client.post(url(world), data={"winner": others[0], "loser": others[1]})
    assert response.status_code == 409
    assert "no longer the pair" in response.get_data(as_text=True)
    assert client.post(url(world), data={"winner": a, "loser": b}).status_code == 303
    # The same pair posted again (a second tab) is stale now.
    assert client.post(url(world), data={"winner": a, "loser": b}).status_code == 409
    assert len(comparisons(db)) == 1


def test_undo_marks_the_last_comparison_and_shows_its_pair_again(client, db, world):
    client.login(world["me"].user)
    a, b = shown(client, world)
    client.post(url(world), data={"winner": a, "loser": b})
    c, d = shown(client, world)
    client.post(url(world), data={"winner": c, "loser": d})
    assert client.post(url(world, "/undo")).status_code == 303
    first, second = comparisons(db)
    assert first.undone_at is None
    assert second.undone_at is not None  # kept, only marked
    assert shown(client, world) == (c, d)
    assert client.post(url(world), data={"winner": d, "loser": c}).status_code == 303
    assert len(comparisons(db)) == 3
    assert client.post(url(world, "/undo")).status_code == 303
    assert client.post(url(world, "/undo")).status_code == 303
    assert client.post(url(world, "/undo")).status_code == 409  # nothing left to undo


def test_ideas_on_another_jurors_screen_are_avoided(client, db, world):
    ideas = [i.id for i in world["ideas"]]
    other = db.get(Juror, world["other"].id)
    other.current_a_id, other.current_b_id, other.pair_shown_at = ideas[0], ideas[1], utcnow()
    db.commit()
    client.login(world["me"].user)
    assert {*shown(client, world)} == {ideas[2], ideas[3]}


def test_a_stale_screen_of_another_juror_does_not_block(client, db, world):
    ideas = [i.id for i in world["ideas"]]
    other = db.get(Juror, world["other"].id)
    other.current_a_id, other.current_b_id = ideas[0], ideas[1]
    other.pair_shown_at = utcnow() - dt.timedelta(hours=1)
    db.commit()
    seen = set()
    client.login(world["me"].user)
    for _ in range(6):
        a, b = shown(client, world)
        seen |= {a, b}
        client.post(url(world), data={"winner": a, "loser": b})
    assert seen == set(ideas)


def test_own_team_ideas_are_never_shown(client, db, make, world):
    client.login(world["me"].user)
    own = make.idea(world["challenge"], world["me"].user, title="My own idea")
    for _ in range(6):
        a, b = shown(client, world)
        assert own.id not in (a, b)
        client.post(url(world), data={"winner": a, "loser": b})
    assert "compared every pair" in client.get(url(world)).get_data(as_text=True)


def test_no_comparisons_outside_the_jury_phase(client, db, make):
    challenge = make.challenge(phase=Phase.VOTING)
    jury_round = make.jury_round(challenge, criteria=0, mode=JuryMode.PAIRWISE)
    juror = make.juror(jury_round)
    first, second = make.idea(challenge), make.idea(challenge)
    juror.current_a_id, juror.current_b_id = first.id, second.id
    make.session.commit()
    client.login(juror.user)
    page = client.get(f"/jury/{challenge.slug}/compare").get_data(as_text=True)
    assert "only be made while the jury review is open" in page
    response = client.post(
        f"/jury/{challenge.slug}/compare", data={"winner": first.id, "loser": second.id}
    )
    assert response.status_code == 409
    assert client.post(f"/jury/{challenge.slug}/compare/undo").status_code == 409
    assert comparisons(db) == []


def test_a_rubric_round_has_no_compare_page(client, make):
    challenge = make.challenge(phase=Phase.JURY)
    juror = make.juror(make.jury_round(challenge))
    client.login(juror.user)
    assert client.get(f"/jury/{challenge.slug}/compare").status_code == 404


def test_only_the_rounds_jurors_compare(client, make, world):
    client.login(make.user(Role.JURY, locale="en"))
    assert client.get(url(world)).status_code == 404
    client.login(make.user(locale="en"))
    assert client.get(url(world)).status_code == 403
