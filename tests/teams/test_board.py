"""The looking-for-a-team board: post, edit, withdraw, names as chosen."""

from __future__ import annotations

from sqlalchemy import func, select

from inhabithon.challenges.models import Phase
from inhabithon.teams.models import BoardPost

POST = {"brings": "Carpentry and Arabic", "looks_for": "People who like parks", "languages": "ar"}


def test_a_resident_posts_and_the_board_shows_the_account_name_never_the_email(client, make, db):
    challenge = make.challenge()
    user = make.user(name="Layla Haddad", email="layla@example.org")
    client.login(user)
    response = client.post(f"/challenges/{challenge.slug}/teams/board", data=POST)
    assert response.status_code == 303
    client.logout()
    page = client.get(f"/challenges/{challenge.slug}/teams").text
    assert "Layla Haddad" in page
    assert "Carpentry and Arabic" in page
    assert "layla@example.org" not in page


def test_a_nickname_replaces_the_account_name_on_the_board(client, make, db):
    challenge = make.challenge()
    user = make.user(name="Layla Haddad")
    client.login(user)
    client.post(f"/challenges/{challenge.slug}/teams/board", data={**POST, "nickname": "Lulu"})
    client.logout()
    page = client.get(f"/challenges/{challenge.slug}/teams").text
    assert "Lulu" in page
    assert "Layla Haddad" not in page


def test_posting_again_edits_the_one_post(client, make, db):
    challenge = make.challenge()
    user = client.login(make.user())
    client.post(f"/challenges/{challenge.slug}/teams/board", data=POST)
    client.post(f"/challenges/{challenge.slug}/teams/board", data={**POST, "brings": "Maps"})
    posts = db.scalars(select(BoardPost).where(BoardPost.user_id == user.id)).all()
    assert [p.brings for p in posts] == ["Maps"]
    form = client.get(f"/challenges/{challenge.slug}/teams/board").text
    assert "Maps" in form


def test_a_post_without_what_you_bring_is_refused_and_the_text_kept(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/teams/board",
        data={"brings": "", "looks_for": "Kind people here"},
    )
    assert response.status_code == 400
    assert "Say what you bring." in response.text
    assert "Kind people here" in response.text
    assert db.scalar(select(func.count()).select_from(BoardPost)) == 0


def test_withdrawing_removes_the_post(client, make, db):
    challenge = make.challenge()
    user = client.login(make.user(name="Omar"))
    client.post(f"/challenges/{challenge.slug}/teams/board", data=POST)
    response = client.post(f"/challenges/{challenge.slug}/teams/board/withdraw")
    assert response.status_code == 303
    assert db.scalar(select(BoardPost).where(BoardPost.user_id == user.id)) is None
    again = client.post(f"/challenges/{challenge.slug}/teams/board/withdraw")
    assert again.status_code == 409
    assert "You have no post on this board." in again.text


def test_visitors_must_log_in_to_post(client, make):
    challenge = make.challenge()
    response = client.post(f"/challenges/{challenge.slug}/teams/board", data=POST)
    assert response.status_code in (302, 401)
    assert client.get(f"/challenges/{challenge.slug}/teams/board").status_code in (302, 401)


def test_the_board_closes_with_the_results(client, make, db):
    challenge = make.challenge(phase=Phase.RESULTS)
    client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/teams/board", data=POST)
    assert response.status_code == 409
    assert "Team formation is closed in this challenge." in response.text
    assert POST["looks_for"] in response.text


def test_a_draft_challenge_has_no_public_team_pages(client, make):
    challenge = make.challenge(phase=Phase.DRAFT)
    assert client.get(f"/challenges/{challenge.slug}/teams").status_code == 404


def test_the_challenge_page_links_to_the_teams(client, make):
    challenge = make.challenge()
    page = client.get(f"/challenges/{challenge.slug}").text
    assert f"/challenges/{challenge.slug}/teams" in page
