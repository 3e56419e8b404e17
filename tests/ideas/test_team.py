from sqlalchemy import select

from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import IdeaMember, MemberStatus
from inhabithon.votes.models import Ballot, Vote


def _member(db, idea, user):
    return db.get(IdeaMember, (idea.id, user.id))


def _invite(client, idea, email):
    return client.post(f"/ideas/{idea.id}/team", data={"email": email})


def test_owner_invites_a_registered_user_by_email(client, make, db):
    owner, friend = make.user(), make.user(email="friend@example.org", name="Friend F")
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    response = _invite(client, idea, "  Friend@Example.org ")
    assert response.status_code == 303
    member = _member(db, idea, friend)
    assert member.status is MemberStatus.INVITED
    assert member.invited_by_id == owner.id
    page = client.get(f"/ideas/{idea.id}/team").get_data(as_text=True)
    assert "Friend F" in page
    assert "Invited" in page


def test_unknown_email_gets_a_clear_but_discreet_message(client, make, db):
    owner = make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    response = _invite(client, idea, "nobody@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "only registered people can be invited" in page
    assert "nobody@example.org" in page  # what was typed stays
    assert len(db.scalars(select(IdeaMember).where(IdeaMember.idea_id == idea.id)).all()) == 1


def test_owner_cannot_invite_themselves_or_invite_twice(client, make):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    assert _invite(client, idea, owner.email).status_code == 400
    assert _invite(client, idea, friend.email).status_code == 303
    response = _invite(client, idea, friend.email)
    assert response.status_code == 409
    assert "already been invited" in response.get_data(as_text=True)


def test_empty_email_is_refused(client, make):
    owner = make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    assert _invite(client, idea, "").status_code == 400


def test_only_the_owner_manages_the_team(client, make):
    idea = make.idea(make.challenge(), make.user())
    assert client.get(f"/ideas/{idea.id}/team").status_code == 302
    client.login(make.user())
    assert client.get(f"/ideas/{idea.id}/team").status_code == 403
    assert _invite(client, idea, "x@example.org").status_code == 403


def test_invitee_accepts_from_my_ideas(client, make, db):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(), owner, title="Bridge to the city")
    client.login(owner)
    _invite(client, idea, friend.email)
    client.login(friend)
    page = client.get("/my/ideas").get_data(as_text=True)
    assert "Bridge to the city" in page
    assert f"/ideas/{idea.id}/team/accept" in page
    response = client.post(f"/ideas/{idea.id}/team/accept")
    assert response.status_code == 303
    assert _member(db, idea, friend).status is MemberStatus.ACCEPTED
    assert friend.display_name in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Bridge to the city" in client.get("/my/ideas").get_data(as_text=True)


def test_invitee_declines(client, make, db):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    _invite(client, idea, friend.email)
    client.login(friend)
    assert client.post(f"/ideas/{idea.id}/team/decline").status_code == 303
    assert _member(db, idea, friend) is None
    assert client.post(f"/ideas/{idea.id}/team/accept").status_code == 409


def test_visitors_accepting_are_sent_to_log_in_then_to_my_ideas(client, make):
    idea = make.idea(make.challenge(), make.user())
    response = client.post(f"/ideas/{idea.id}/team/accept")
    assert response.status_code == 302
    assert response.location.endswith("/login?next=/my/ideas")


def test_accepting_without_an_invitation_is_refused(client, make, db):
    idea = make.idea(make.challenge(), make.user())
    stranger = client.login(make.user())
    assert client.post(f"/ideas/{idea.id}/team/accept").status_code == 409
    assert _member(db, idea, stranger) is None


def test_invitation_to_a_pending_idea_can_be_accepted(client, make, db):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(), owner, status="pending")
    client.login(owner)
    _invite(client, idea, friend.email)
    client.login(friend)
    assert client.post(f"/ideas/{idea.id}/team/accept").status_code == 303
    assert _member(db, idea, friend).status is MemberStatus.ACCEPTED
    client.login(make.user())
    assert client.post(f"/ideas/{idea.id}/team/accept").status_code == 404


def test_team_actions_need_the_csrf_token(client, make, db):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    assert (
        client.post(f"/ideas/{idea.id}/team", data={"email": friend.email}, csrf=False).status_code
        == 400
    )
    _invite(client, idea, friend.email)
    client.login(friend)
    assert client.post(f"/ideas/{idea.id}/team/accept", csrf=False).status_code == 400
    assert _member(db, idea, friend).status is MemberStatus.INVITED


def test_joining_the_team_withdraws_the_members_vote(client, make, db):
    owner, voter = make.user(), make.user()
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge, owner)
    other = make.idea(challenge)
    make.vote(voter, idea)
    make.vote(voter, other)
    client.login(owner)
    _invite(client, idea, voter.email)
    client.login(voter)
    assert client.post(f"/ideas/{idea.id}/team/accept").status_code == 303
    db.refresh(idea)
    assert idea.vote_count == 0
    assert db.scalar(select(Vote).where(Vote.idea_id == idea.id)) is None
    ballot = db.get(Ballot, (voter.id, challenge.id))
    assert ballot.used == 1
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "cannot vote for your own team" in page
    assert client.post(f"/ideas/{idea.id}/vote").status_code == 409


def test_member_leaves_and_owner_removes(client, make, db):
    owner, a, b = make.user(), make.user(), make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    _invite(client, idea, a.email)
    _invite(client, idea, b.email)
    for user in (a, b):
        client.login(user)
        client.post(f"/ideas/{idea.id}/team/accept")
    client.login(a)
    assert client.post(f"/ideas/{idea.id}/team/{a.id}/remove").status_code == 303
    assert _member(db, idea, a) is None
    assert client.post(f"/ideas/{idea.id}/team/{b.id}/remove").status_code == 403
    client.login(owner)
    assert client.post(f"/ideas/{idea.id}/team/{b.id}/remove").status_code == 303
    assert _member(db, idea, b) is None


def test_owner_cannot_be_removed(client, make, db):
    owner, member = make.user(), make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    _invite(client, idea, member.email)
    client.login(member)
    client.post(f"/ideas/{idea.id}/team/accept")
    assert client.post(f"/ideas/{idea.id}/team/{owner.id}/remove").status_code == 403
    client.login(owner)
    response = client.post(f"/ideas/{idea.id}/team/{owner.id}/remove")
    assert response.status_code == 409
    assert _member(db, idea, owner).is_owner


def test_team_cannot_grow_after_voting_closes(client, make, db):
    owner, friend = make.user(), make.user()
    idea = make.idea(make.challenge(phase=Phase.JURY), owner)
    client.login(owner)
    assert _invite(client, idea, friend.email).status_code == 409
    assert _member(db, idea, friend) is None


def test_removing_an_unknown_user_is_not_found(client, make):
    owner = make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    assert client.post(f"/ideas/{idea.id}/team/999999/remove").status_code == 404
