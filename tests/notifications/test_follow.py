"""Following challenges and ideas: the buttons, the settings page's list,
and the automatic follow of one's own idea."""

from __future__ import annotations

from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.notifications.models import ChallengeFollower, IdeaFollower


def test_a_resident_follows_and_unfollows_a_challenge_with_the_button(client, make, db):
    challenge = make.challenge()
    user = client.login(make.user())
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Follow this challenge" in page

    response = client.post(f"/follow/challenge/{challenge.id}")
    assert response.status_code == 303
    assert response.location.endswith(f"/challenges/{challenge.slug}")
    assert db.get(ChallengeFollower, (challenge.id, user.id)) is not None
    assert "Stop following" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)

    assert client.post(f"/unfollow/challenge/{challenge.id}").status_code == 303
    assert db.get(ChallengeFollower, (challenge.id, user.id)) is None


def test_a_resident_follows_an_idea_and_sees_it_on_the_settings_page(client, make, db):
    idea = make.idea(title="Benches by the canal")
    user = client.login(make.user())
    assert "Follow this idea" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert client.post(f"/follow/idea/{idea.id}").status_code == 303
    assert db.get(IdeaFollower, (idea.id, user.id)) is not None

    settings = client.get("/notifications/settings").get_data(as_text=True)
    assert "Benches by the canal" in settings

    response = client.post(f"/unfollow/idea/{idea.id}", data={"back": "settings"})
    assert response.location.endswith("/notifications/settings")
    assert db.get(IdeaFollower, (idea.id, user.id)) is None


def test_following_twice_is_harmless(client, make, db):
    challenge = make.challenge()
    user = client.login(make.user())
    client.post(f"/follow/challenge/{challenge.id}")
    assert client.post(f"/follow/challenge/{challenge.id}").status_code == 303
    db.expire_all()
    assert db.query(ChallengeFollower).filter_by(user_id=user.id).count() == 1


def test_visitors_are_asked_to_log_in_and_cannot_follow(client, make):
    challenge = make.challenge()
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Log in to follow" in page
    response = client.post(f"/follow/challenge/{challenge.id}")
    assert response.status_code == 302
    assert "/login" in response.location


def test_nobody_follows_what_they_cannot_see(client, make, db):
    draft = make.challenge(phase=Phase.DRAFT)
    hidden = make.idea(status=IdeaStatus.HIDDEN)
    client.login(make.user())
    assert client.post(f"/follow/challenge/{draft.id}").status_code == 404
    assert client.post(f"/follow/idea/{hidden.id}").status_code == 404
    assert client.post("/follow/idea/999999").status_code == 404
    assert client.post("/follow/project/1").status_code == 404


def test_following_needs_the_csrf_token(client, make):
    challenge = make.challenge()
    client.login(make.user())
    assert client.post(f"/follow/challenge/{challenge.id}", csrf=False).status_code == 400


def test_the_author_of_a_new_idea_follows_it(client, make, db):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    user = client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new",
        data={
            "title": "Night buses",
            "summary": "Buses after midnight.",
            "body_md": "More buses.",
            "language": "sv",
        },
    )
    assert response.status_code == 303
    idea = db.query(Idea).filter_by(challenge_id=challenge.id).one()
    assert db.get(IdeaFollower, (idea.id, user.id)) is not None


def test_joining_a_team_follows_its_idea(make, db):
    from inhabithon.ideas.services import accept_invitation, invite_member

    owner = make.user()
    member = make.user()
    idea = make.idea(make.challenge(phase=Phase.SUBMISSIONS), owner)
    with make.context():
        invite_member(idea, owner, member.email)
        accept_invitation(idea, member)
    assert db.get(IdeaFollower, (idea.id, member.id)) is not None
