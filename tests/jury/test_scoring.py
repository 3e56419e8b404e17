"""Jurors score their assigned ideas: progress, the score sheet, validation,
recusal, conflicts, phase limits, and never another juror's sheet."""

import re

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.jury.models import JuryAssignment, JuryConflict, JuryScore, JuryScoreSheet


@pytest.fixture
def world(make):
    challenge = make.challenge(phase=Phase.JURY)
    jury_round = make.jury_round(challenge, criteria=2)
    me, other = make.juror(jury_round), make.juror(jury_round)
    ideas = [make.idea(challenge, title=f"Idea number {n}") for n in range(3)]
    mine = [make.assignment(me, idea) for idea in ideas]
    theirs = make.assignment(other, ideas[0])
    return {
        "challenge": challenge,
        "round": jury_round,
        "me": me,
        "other": other,
        "ideas": ideas,
        "mine": mine,
        "theirs": theirs,
        "criteria": jury_round.criteria,
    }


def score_url(world, idea):
    return f"/jury/{world['challenge'].slug}/ideas/{idea.id}"


def values(world, *scores, comment="Solid"):
    data = {f"c{c.id}": str(v) for c, v in zip(world["criteria"], scores, strict=False)}
    data["comment"] = comment
    return data


def login(client, juror):
    client.login(juror.user)


def sheet_of(db, assignment):
    return db.scalar(select(JuryScoreSheet).where(JuryScoreSheet.assignment_id == assignment.id))


def test_the_jury_link_and_home_list_the_jurors_rounds(client, world):
    login(client, world["me"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/jury"' in home
    page = client.get("/jury").get_data(as_text=True)
    assert world["challenge"].title in page
    assert "0 of 3 ideas scored" in page


def test_residents_have_no_jury_pages(client, make, world):
    client.login(make.user(locale="en"))
    assert 'href="/jury"' not in client.get("/").get_data(as_text=True)
    assert client.get("/jury").status_code == 403
    assert client.get(f"/jury/{world['challenge'].slug}").status_code == 403


def test_a_jury_member_of_another_round_sees_no_such_round(client, make, world):
    client.login(make.user(Role.JURY, locale="en"))
    assert client.get(f"/jury/{world['challenge'].slug}").status_code == 404
    assert client.get(score_url(world, world["ideas"][0])).status_code == 404


def test_progress_counts_scored_ideas(client, db, world):
    login(client, world["me"])
    page = client.get(f"/jury/{world['challenge'].slug}").get_data(as_text=True)
    assert "0 of 3 scored" in page
    assert page.count("Not yet scored") == 3
    response = client.post(score_url(world, world["ideas"][1]), data=values(world, 3, 4))
    assert response.status_code == 303
    page = client.get(f"/jury/{world['challenge'].slug}").get_data(as_text=True)
    assert "1 of 3 scored" in page
    assert page.count("Not yet scored") == 2


def test_the_score_page_shows_the_idea_and_one_radio_group_per_criterion(client, world):
    login(client, world["me"])
    page = client.get(score_url(world, world["ideas"][0])).get_data(as_text=True)
    assert "Idea number 0" in page
    assert page.count("<fieldset") >= 2
    assert "<legend>Criterion 1</legend>" in page
    assert "Hint 1" in page
    assert "Level 4" in page


def test_anonymous_ideas_stay_anonymous_to_jurors(client, make, world):
    author = make.user(name="Hemlig Författare")
    idea = make.idea(world["challenge"], author, anonymous=True)
    make.assignment(world["me"], idea)
    login(client, world["me"])
    page = client.get(score_url(world, idea)).get_data(as_text=True)
    assert "Anonymous resident" in page
    assert "Hemlig Författare" not in page


def test_a_sheet_is_saved_changed_and_audited_with_before_and_after(client, db, world):
    login(client, world["me"])
    assignment = world["mine"][0]
    assert (
        client.post(score_url(world, world["ideas"][0]), data=values(world, 1, 2)).status_code
        == 303
    )
    sheet = sheet_of(db, assignment)
    assert sorted(s.value for s in sheet.scores) == [1, 2]
    assert sheet.comment == "Solid"
    page = client.get(score_url(world, world["ideas"][0])).get_data(as_text=True)
    assert page.count("checked") == 2
    data = values(world, 4, 0, comment="Changed my mind")
    assert client.post(score_url(world, world["ideas"][0]), data=data).status_code == 303
    sheet = sheet_of(db, assignment)
    assert sorted(s.value for s in sheet.scores) == [0, 4]
    entries = list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "jury.score_changed")
            .order_by(AuditEntry.id)
        )
    )
    assert len(entries) == 2
    assert entries[0].before is None
    assert entries[1].before["comment"] == "Solid"
    assert entries[1].after["comment"] == "Changed my mind"


@pytest.mark.parametrize("scores", [(3,), (3, 9), (3, -1), (3, "x")])
def test_every_criterion_needs_a_value_on_the_scale(client, db, world, scores):
    login(client, world["me"])
    response = client.post(
        score_url(world, world["ideas"][0]), data=values(world, *scores, comment="Kept text")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Kept text" in page
    assert "Please correct the following" in page
    assert db.scalar(select(JuryScoreSheet.id)) is None


def test_no_scoring_outside_the_jury_phase(client, make, db):
    for phase in (Phase.VOTING, Phase.RESULTS):
        challenge = make.challenge(phase=phase)
        jury_round = make.jury_round(challenge, criteria=1)
        juror = make.juror(jury_round)
        idea = make.idea(challenge)
        make.assignment(juror, idea)
        client.login(juror.user)
        url = f"/jury/{challenge.slug}/ideas/{idea.id}"
        assert client.get(url).status_code == 200
        response = client.post(url, data={f"c{jury_round.criteria[0].id}": "2", "comment": "x"})
        assert response.status_code == 409
        assert "jury review" in response.get_data(as_text=True)
    assert db.scalar(select(JuryScoreSheet.id)) is None


def test_a_juror_cannot_read_or_post_another_jurors_sheet(client, db, make, world):
    # The other juror scored idea 0; I am not assigned to idea 3 at all.
    login(client, world["other"])
    client.post(
        score_url(world, world["ideas"][0]), data=values(world, 4, 4, comment="Secret note")
    )
    assert sheet_of(db, world["theirs"]) is not None
    outsider = make.idea(world["challenge"])
    make.assignment(world["other"], outsider)
    login(client, world["me"])
    # My own page for the same idea shows my (empty) sheet, never theirs.
    page = client.get(score_url(world, world["ideas"][0])).get_data(as_text=True)
    assert "Secret note" not in page
    assert client.get(score_url(world, outsider)).status_code == 404
    response = client.post(score_url(world, outsider), data=values(world, 0, 0, comment="Hijack"))
    assert response.status_code == 404
    theirs = sheet_of(db, world["theirs"])
    assert theirs.comment == "Secret note"
    assert sorted(s.value for s in theirs.scores) == [4, 4]
    assert db.scalar(select(JuryScoreSheet).where(JuryScoreSheet.comment == "Hijack")) is None


def test_recusal_marks_the_assignment_and_can_be_withdrawn(client, db, world):
    login(client, world["me"])
    idea, assignment = world["ideas"][0], world["mine"][0]
    client.post(score_url(world, idea), data=values(world, 2, 2))
    response = client.post(score_url(world, idea) + "/recuse", data={"reason": ""})
    assert response.status_code == 400
    response = client.post(score_url(world, idea) + "/recuse", data={"reason": "I know them"})
    assert response.status_code == 303
    recused = db.get(JuryAssignment, assignment.id)
    assert recused.recused_at is not None
    assert recused.recusal_reason == "I know them"
    assert sheet_of(db, assignment) is None
    page = client.get(f"/jury/{world['challenge'].slug}").get_data(as_text=True)
    assert "Recused" in page
    assert "0 of 2 scored" in page
    assert client.post(score_url(world, idea), data=values(world, 1, 1)).status_code == 409
    assert client.post(score_url(world, idea) + "/unrecuse").status_code == 303
    assert db.get(JuryAssignment, assignment.id).recused_at is None
    assert client.post(score_url(world, idea), data=values(world, 1, 1)).status_code == 303


def test_a_declared_conflict_removes_the_assignment_and_excludes_the_idea(client, db, make, world):
    login(client, world["me"])
    idea, assignment_id = world["ideas"][1], world["mine"][1].id
    client.post(score_url(world, idea), data=values(world, 2, 2))
    url = f"/jury/{world['challenge'].slug}/ideas/{idea.id}/conflict"
    response = client.post(url, data={f"conflict-{idea.id}-reason": ""})
    assert response.status_code == 400
    assert "Write a short reason." in response.get_data(as_text=True)
    data = {f"conflict-{idea.id}-reason": "My neighbour wrote it"}
    assert client.post(url, data=data).status_code == 303
    assert db.scalar(select(JuryAssignment.id).where(JuryAssignment.id == assignment_id)) is None
    assert db.scalar(select(JuryScore.value).limit(1)) is None
    conflict = db.scalar(select(JuryConflict))
    assert (conflict.juror_id, conflict.idea_id) == (world["me"].id, idea.id)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "jury.conflict_declared"))
    assert client.get(score_url(world, idea)).status_code == 404
    # Computing again never gives the idea back.
    client.login(make.user(Role.OFFICIAL, locale="en"))
    client.post(f"/manage/challenges/{world['challenge'].slug}/jury/assignments/compute")
    pairs = {(a.juror_id, a.idea_id) for a in db.scalars(select(JuryAssignment))}
    assert (world["me"].id, idea.id) not in pairs


def test_the_assigned_page_runs_a_fixed_number_of_queries(client, make, db, world, count_queries):
    login(client, world["me"])
    url = f"/jury/{world['challenge'].slug}"
    client.get(url)
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    few = count_queries.count
    for n in range(5):
        idea = make.idea(world["challenge"], make.user(name=f"Author {n}"))
        make.assignment(world["me"], idea)
    client.get(url)
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    assert count_queries.count == few


def test_the_setup_page_runs_a_fixed_number_of_queries(client, make, db, world, count_queries):
    client.login(make.user(Role.OFFICIAL, locale="en"))
    url = f"/manage/challenges/{world['challenge'].slug}/jury"
    client.get(url)
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    few = count_queries.count
    jurors = [make.juror(world["round"]) for _ in range(3)]
    for juror in jurors:
        make.assignment(juror, make.idea(world["challenge"]))
    client.get(url)
    count_queries.statements.clear()
    assert client.get(url).status_code == 200
    assert count_queries.count == few


def test_a_conflict_without_the_csrf_token_is_refused(client, db, world):
    login(client, world["me"])
    idea = world["ideas"][0]
    url = f"/jury/{world['challenge'].slug}/ideas/{idea.id}/conflict"
    response = client.post(url, data={f"conflict-{idea.id}-reason": "Because"}, csrf=False)
    assert response.status_code == 400
    assert db.scalar(select(JuryConflict.id)) is None


def test_jury_pages_have_unique_element_ids(client, make, world):
    def ids(page):
        found = re.findall(r'\sid="([^"]+)"', page)
        return [i for i in found if found.count(i) > 1]

    login(client, world["me"])
    assert ids(client.get(f"/jury/{world['challenge'].slug}").get_data(as_text=True)) == []
    assert ids(client.get(score_url(world, world["ideas"][0])).get_data(as_text=True)) == []
    client.login(make.user(Role.OFFICIAL, locale="en"))
    setup = client.get(f"/manage/challenges/{world['challenge'].slug}/jury")
    assert ids(setup.get_data(as_text=True)) == []
