import pytest
from sqlalchemy import select

from inhabithon.challenges.models import Phase
from inhabithon.errors import Conflict
from inhabithon.ideas.models import AuthorDisplay, Idea, MemberStatus
from inhabithon.ideas.services import IdeaData, submit_idea
from tests.ideas.safety import ATTACKS, active_content


def _form(**overrides):
    values = {
        "title": "Multilingual contact center",
        "summary": "A bridge between the city and residents who do not dare ask.",
        "body_md": "Residents meet **neighbourhood mothers** who speak their language.",
        "language": "sv",
    }
    values.update(overrides)
    return values


def _ideas(db, challenge):
    return db.scalars(select(Idea).where(Idea.challenge_id == challenge.id)).all()


def test_visitor_is_sent_to_log_in_and_back(client, make):
    challenge = make.challenge()
    response = client.get(f"/challenges/{challenge.slug}/ideas/new")
    assert response.status_code == 302
    assert "/login" in response.location
    assert "ideas%2Fnew" in response.location or "ideas/new" in response.location


def test_form_offers_content_languages_and_the_anonymous_option(client, make):
    challenge = make.challenge()
    client.login(make.user())
    response = client.get(f"/challenges/{challenge.slug}/ideas/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="so"' in page
    assert "Soomaali" in page
    assert 'name="display"' in page
    assert 'value="pseudonym"' in page
    assert "novalidate" in page


def test_resident_submits_an_idea_and_becomes_its_owner(client, make, db):
    challenge = make.challenge()
    author = client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(language="ar"))
    assert response.status_code == 303
    [idea] = _ideas(db, challenge)
    assert response.location.endswith(f"/ideas/{idea.id}")
    assert idea.author_id == author.id
    assert idea.language == "ar"
    assert idea.author_display is AuthorDisplay.NAME
    assert "<strong>neighbourhood mothers</strong>" in idea.body_html
    [member] = idea.members
    assert (member.user_id, member.is_owner, member.status) == (
        author.id,
        True,
        MemberStatus.ACCEPTED,
    )
    db.refresh(challenge)
    assert challenge.idea_count == 1


def test_idea_can_be_submitted_anonymously(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(display="anonymous"))
    [idea] = _ideas(db, challenge)
    assert idea.author_display is AuthorDisplay.ANONYMOUS


def test_missing_fields_keep_what_was_typed(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new",
        data=_form(title="  ", summary="My typed summary", body_md="My typed body"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give your idea a title." in page
    assert "My typed summary" in page
    assert "My typed body" in page
    assert _ideas(db, challenge) == []


def test_empty_body_is_refused(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(body_md=""))
    assert response.status_code == 400
    assert "Describe your idea." in response.get_data(as_text=True)
    assert _ideas(db, challenge) == []


def test_oversized_fields_are_refused_and_kept(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    for field, size in (("title", 141), ("summary", 401), ("body_md", 20_001)):
        typed = "x" * (size - 7) + "MARKER!"
        response = client.post(
            f"/challenges/{challenge.slug}/ideas/new", data=_form(**{field: typed})
        )
        assert response.status_code == 400, field
        assert typed in response.get_data(as_text=True)
    assert _ideas(db, challenge) == []


def test_longest_allowed_fields_are_accepted(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new",
        data=_form(title="t" * 140, summary="s" * 400, body_md="b" * 20_000),
    )
    assert response.status_code == 303
    assert len(_ideas(db, challenge)) == 1


def test_unknown_language_is_refused(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(language="xx"))
    assert response.status_code == 400
    assert _ideas(db, challenge) == []


def test_no_idea_outside_the_submission_phase(client, make, db):
    client.login(make.user())
    for phase in (Phase.UPCOMING, Phase.VOTING, Phase.JURY, Phase.RESULTS, Phase.ARCHIVED):
        challenge = make.challenge(phase=phase)
        url = f"/challenges/{challenge.slug}/ideas/new"
        assert client.get(url).status_code == 409, phase
        response = client.post(url, data=_form(summary="Kept summary"))
        assert response.status_code == 409, phase
        page = response.get_data(as_text=True)
        assert "not accepting ideas" in page
        assert "Kept summary" in page
        assert _ideas(db, challenge) == []


def test_draft_and_unknown_challenges_are_not_found(client, make):
    client.login(make.user())
    draft = make.challenge(phase=Phase.DRAFT)
    assert client.get(f"/challenges/{draft.slug}/ideas/new").status_code == 404
    assert client.post(f"/challenges/{draft.slug}/ideas/new", data=_form()).status_code == 404
    assert client.get("/challenges/no-such-challenge/ideas/new").status_code == 404


def test_submitting_without_csrf_token_is_refused(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(), csrf=False)
    assert response.status_code == 400
    assert _ideas(db, challenge) == []


def test_markdown_in_the_body_never_becomes_active_content(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    client.post(f"/challenges/{challenge.slug}/ideas/new", data=_form(body_md=ATTACKS))
    [idea] = _ideas(db, challenge)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert active_content(page) == []
    assert "&lt;script&gt;" in page  # shown as text, not run
    # Raw HTML stays visible as text; no tag of it survives.
    for tag in ('<a href="javascript:', '<a href="data:', "<img", "<svg", "<script"):
        assert tag not in idea.body_html


def test_submit_service_rejects_other_phases(make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    user = make.user()
    with make.context(), pytest.raises(Conflict) as refused:
        submit_idea(challenge, user, IdeaData("T", "S", "B"))
    assert refused.value.status == 409
    assert _ideas(db, challenge) == []
