"""The officials' jury setup: who may, the round settings, criteria, jurors and
the assignment through the compute button and by hand."""

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import IdeaMember, IdeaStatus, MemberStatus
from inhabithon.jury.models import (
    Juror,
    JuryAssignment,
    JuryConflict,
    JuryCriterion,
    JuryMode,
    JuryRound,
    JuryScoreSheet,
)


def url(challenge, rest=""):
    return f"/manage/challenges/{challenge.slug}/jury{rest}"


def round_of(db, challenge):
    return db.scalar(select(JuryRound).where(JuryRound.challenge_id == challenge.id))


def actions(db, action):
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize(
    ("who", "status"),
    [("visitor", 302), ("resident", 403), ("jury", 403), ("official", 200), ("admin", 200)],
)
def test_only_officials_and_admins_open_the_setup(client, make, who, status):
    challenge = make.challenge(phase=Phase.VOTING)
    roles = {
        "resident": (),
        "jury": (Role.JURY,),
        "official": (Role.OFFICIAL,),
        "admin": (Role.ADMIN,),
    }
    if who != "visitor":
        client.login(make.user(*roles[who], locale="en"))
    response = client.get(url(challenge))
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "Jury round" in page
        assert "Compute assignment" in page


@pytest.mark.parametrize("who", ["resident", "jury"])
def test_others_cannot_post_to_the_setup(client, make, db, who):
    challenge = make.challenge(phase=Phase.VOTING)
    jury_round = make.jury_round(challenge)
    client.login(make.user(Role.JURY) if who == "jury" else make.user())
    assert (
        client.post(
            url(challenge, "/criteria"), data={"name": "X", "weight": "1", "position": "1"}
        ).status_code
        == 403
    )
    assert client.post(url(challenge, "/assignments/compute")).status_code == 403
    assert len(db.get(JuryRound, jury_round.id).criteria) == 2


def test_unknown_challenge_is_404(client, make):
    client.login(make.user(Role.OFFICIAL, locale="en"))
    assert client.get("/manage/challenges/nope/jury").status_code == 404


def test_settings_are_saved_and_audited(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(
        url(challenge),
        data={
            "mode": "pairwise",
            "scale_min": "1",
            "scale_max": "3",
            "scale_labels": "Weak\nFair\nStrong",
            "jurors_per_idea": "2",
            "normalization": "juror_effect",
        },
    )
    assert response.status_code == 303
    jury_round = round_of(db, challenge)
    assert jury_round.mode is JuryMode.PAIRWISE
    assert (jury_round.scale_min, jury_round.scale_max) == (1, 3)
    assert jury_round.scale_labels == ["Weak", "Fair", "Strong"]
    assert jury_round.jurors_per_idea == 2
    assert actions(db, "jury.round_changed")


def test_settings_need_one_anchor_per_level_and_keep_what_was_typed(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(
        url(challenge),
        data={
            "mode": "rubric",
            "scale_min": "0",
            "scale_max": "4",
            "scale_labels": "Only one line typed here",
            "jurors_per_idea": "3",
            "normalization": "zscore",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "5 lines" in page
    assert "Only one line typed here" in page


def test_scale_max_must_be_above_min(client, make):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(
        url(challenge),
        data={
            "mode": "rubric",
            "scale_min": "3",
            "scale_max": "3",
            "scale_labels": "a",
            "jurors_per_idea": "3",
            "normalization": "zscore",
        },
    )
    assert response.status_code == 400
    assert "The highest level must be above the lowest." in response.get_data(as_text=True)


def test_suggested_criteria_are_added_with_one_button(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    client.get(url(challenge))
    assert client.post(url(challenge, "/criteria/defaults")).status_code == 303
    names = [c.name for c in round_of(db, challenge).criteria]
    assert names == ["Societal benefit", "Feasibility", "Novelty", "Resident involvement"]


def test_criteria_are_added_edited_and_deleted(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(
        url(challenge, "/criteria"),
        data={"name": "Cost", "description": "Cheap is good", "weight": "2", "position": "1"},
    )
    assert response.status_code == 303
    criterion = round_of(db, challenge).criteria[0]
    assert (criterion.name, criterion.weight) == ("Cost", 2.0)
    edit = url(challenge, f"/criteria/{criterion.id}")
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, data={"name": "Price", "description": "", "weight": "0.5", "position": "2"}
    )
    assert response.status_code == 303
    assert db.get(JuryCriterion, criterion.id).name == "Price"
    assert client.post(url(challenge, f"/criteria/{criterion.id}/delete")).status_code == 303
    assert db.scalar(select(JuryCriterion.id)) is None
    assert {e.action for e in db.scalars(select(AuditEntry))} >= {
        "jury.criterion_added",
        "jury.criterion_changed",
        "jury.criterion_deleted",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "weight": "1", "position": "1"}, "Give the criterion a name."),
        ({"name": "Cost", "weight": "0", "position": "1"}, "The weight must be above zero."),
        ({"name": "Cost", "weight": "-1", "position": "1"}, "The weight must be above zero."),
        ({"name": "Cost", "weight": "", "position": "1"}, "Enter a weight"),
    ],
)
def test_invalid_criteria_are_refused_with_400(client, make, db, data, message):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(url(challenge, "/criteria"), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(JuryCriterion.id)) is None


def test_a_criterion_of_another_round_is_404(client, make):
    first, second = make.challenge(phase=Phase.VOTING), make.challenge(phase=Phase.VOTING)
    other = make.jury_round(second)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    assert client.get(url(first, f"/criteria/{other.criteria[0].id}")).status_code == 404


def test_a_juror_is_added_by_email_and_must_have_the_jury_role(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    judge = make.user(Role.JURY, email="judge@example.org", name="Judith Judge")
    plain = make.user(email="plain@example.org", name="Plain Resident")
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(url(challenge, "/jurors"), data={"email": "plain@example.org"})
    assert response.status_code == 400
    assert "Plain Resident does not have the jury role" in response.get_data(as_text=True)
    response = client.post(url(challenge, "/jurors"), data={"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No account has this e-mail address." in response.get_data(as_text=True)
    assert (
        client.post(url(challenge, "/jurors"), data={"email": "Judge@Example.org"}).status_code
        == 303
    )
    jury_round = round_of(db, challenge)
    assert [j.user_id for j in jury_round.jurors] == [judge.id]
    assert (
        client.post(url(challenge, "/jurors"), data={"email": "judge@example.org"}).status_code
        == 409
    )
    assert plain.id not in [j.user_id for j in jury_round.jurors]
    juror = jury_round.jurors[0]
    assert client.post(url(challenge, f"/jurors/{juror.id}/remove")).status_code == 303
    assert db.scalar(select(Juror.id)) is None


def _world(make, ideas=6, jurors=4):
    challenge = make.challenge(phase=Phase.VOTING)
    jury_round = make.jury_round(challenge, jurors_per_idea=2)
    judges = [make.juror(jury_round) for _ in range(jurors)]
    items = [make.idea(challenge) for _ in range(ideas)]
    return challenge, jury_round, judges, items


def test_compute_assignment_covers_every_idea_and_excludes_own_team_and_conflicts(client, make, db):
    challenge, _round, jurors, ideas = _world(make)
    # Juror 0 wrote idea 0; juror 1 is on idea 1's team; juror 2 declared a conflict with idea 2.
    ideas[0].author_id = jurors[0].user_id
    db.add(
        IdeaMember(
            idea_id=ideas[0].id,
            user_id=jurors[0].user_id,
            is_owner=False,
            status=MemberStatus.ACCEPTED,
        )
    )
    db.add(IdeaMember(idea_id=ideas[1].id, user_id=jurors[1].user_id, status=MemberStatus.ACCEPTED))
    db.add(JuryConflict(juror_id=jurors[2].id, idea_id=ideas[2].id, reason="Neighbour"))
    hidden = (
        make.idea(challenge, status=IdeaStatus.HIDDEN) if hasattr(IdeaStatus, "HIDDEN") else None
    )
    db.commit()
    client.login(make.user(Role.OFFICIAL, locale="en"))
    assert client.post(url(challenge, "/assignments/compute")).status_code == 303
    pairs = {(a.juror_id, a.idea_id) for a in db.scalars(select(JuryAssignment))}
    for idea in ideas:
        assert sum(1 for _, i in pairs if i == idea.id) == 2
    assert (jurors[0].id, ideas[0].id) not in pairs
    assert (jurors[1].id, ideas[1].id) not in pairs
    assert (jurors[2].id, ideas[2].id) not in pairs
    assert all(i != hidden.id for _, i in pairs)
    loads = sorted(sum(1 for j, _ in pairs if j == juror.id) for juror in jurors)
    assert loads == [3, 3, 3, 3]
    assert actions(db, "jury.assignment_computed")


def test_compute_keeps_manual_and_scored_assignments(client, make, db):
    challenge, _round, jurors, ideas = _world(make)
    manual = make.assignment(jurors[3], ideas[0], is_manual=True)
    scored = make.assignment(jurors[2], ideas[1])
    db.add(JuryScoreSheet(assignment_id=scored.id))
    db.commit()
    client.login(make.user(Role.OFFICIAL, locale="en"))
    assert client.post(url(challenge, "/assignments/compute")).status_code == 303
    assert client.post(url(challenge, "/assignments/compute")).status_code == 303
    kept = set(db.scalars(select(JuryAssignment.id)))
    assert {manual.id, scored.id} <= kept


def test_ideas_with_too_few_jurors_are_flagged(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    jury_round = make.jury_round(challenge, jurors_per_idea=3)
    make.juror(jury_round)
    make.idea(challenge, title="Lonely idea")
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(url(challenge, "/assignments/compute"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "1 idea has fewer eligible jurors than wanted." in page
    assert "Too few" in page


def test_officials_assign_and_unassign_by_hand(client, make, db):
    challenge, _round, jurors, ideas = _world(make, ideas=2, jurors=2)
    ideas[0].author_id = jurors[0].user_id
    db.commit()
    client.login(make.user(Role.OFFICIAL, locale="en"))
    response = client.post(
        url(challenge, "/assignments"), data={"juror": jurors[0].id, "idea": ideas[0].id}
    )
    assert response.status_code == 409  # own idea: a hard exclusion
    response = client.post(
        url(challenge, "/assignments"), data={"juror": jurors[1].id, "idea": ideas[0].id}
    )
    assert response.status_code == 303
    assignment = db.scalar(select(JuryAssignment))
    assert assignment.is_manual
    response = client.post(
        url(challenge, "/assignments"), data={"juror": jurors[1].id, "idea": ideas[0].id}
    )
    assert response.status_code == 409
    assert client.post(url(challenge, f"/assignments/{assignment.id}/remove")).status_code == 303
    assert db.scalar(select(JuryAssignment)) is None
    assert len(actions(db, "jury.assignment_changed")) == 2


def test_setup_is_closed_once_results_are_out(client, make, db):
    challenge = make.challenge(phase=Phase.RESULTS)
    make.jury_round(challenge)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    assert client.get(url(challenge)).status_code == 200
    response = client.post(
        url(challenge, "/criteria"), data={"name": "Late", "weight": "1", "position": "3"}
    )
    assert response.status_code == 409
    assert len(round_of(db, challenge).criteria) == 2
    assert client.post(url(challenge, "/assignments/compute")).status_code == 409


def test_the_manage_events_page_links_each_challenges_jury(client, make):
    challenge = make.challenge(phase=Phase.VOTING)
    client.login(make.user(Role.OFFICIAL, locale="en"))
    page = client.get("/manage/events").get_data(as_text=True)
    assert f'href="/manage/challenges/{challenge.slug}/jury"' in page
