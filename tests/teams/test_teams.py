"""Teams: creating, join requests (accept, decline, cancel), the size limit,
one team per person, the owner's powers, the linked idea, the e-mails."""

from __future__ import annotations

from sqlalchemy import select

from inhabithon.teams.models import JoinRequest, RequestStatus, Team, TeamMember, TeamRole
from tests.conftest import Mailbox
from tests.teams.helpers import ask_to_join, start_team


def _roles(db, team):
    rows = db.scalars(select(TeamMember).where(TeamMember.team_id == team.id)).all()
    return {m.user_id: m.role for m in rows}


def test_creating_a_team_makes_the_creator_its_owner(client, make, db):
    challenge = make.challenge()
    owner = make.user(name="Sara Lind")
    team = start_team(client, db, owner, challenge)
    assert team.member_count == 1
    assert _roles(db, team) == {owner.id: TeamRole.OWNER}
    page = client.get(f"/teams/{team.id}").text
    assert "Team Sun" in page
    assert "Sara Lind" in page
    assert "5 open seats" in page  # the default limit is 6


def test_a_team_name_is_unique_in_its_challenge(client, make, db):
    challenge = make.challenge()
    start_team(client, db, make.user(), challenge)
    client.login(make.user())
    response = client.post(f"/challenges/{challenge.slug}/teams/new", data={"name": "Team Sun"})
    assert response.status_code == 409
    assert "A team with this name already exists in this challenge." in response.text


def test_a_team_without_a_name_is_refused_and_the_text_kept(client, make, db):
    challenge = make.challenge()
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/teams/new", data={"name": "", "description": "Trees!"}
    )
    assert response.status_code == 400
    assert "Give the team a name." in response.text
    assert "Trees!" in response.text


def test_accepting_a_request_adds_the_member_and_mails_them_in_their_language(
    client, make, db, mailbox: Mailbox
):
    challenge = make.challenge()
    owner = make.user(email="owner@example.org")
    joiner = make.user(name="Ali", email="ali@example.org", locale="sv")
    team = start_team(client, db, owner, challenge)
    req = ask_to_join(client, db, joiner, team)
    assert req.status is RequestStatus.PENDING
    mailbox.wait(1)
    to_owner = mailbox.to("owner@example.org")
    assert len(to_owner) == 1
    assert "I can draw plans." in Mailbox.body(to_owner[0])
    assert "ali@example.org" not in Mailbox.body(to_owner[0])
    mailbox.clear()

    client.login(owner)
    page = client.get(f"/teams/{team.id}").text
    assert "I can draw plans." in page
    response = client.post(f"/teams/{team.id}/requests/{req.id}/accept", follow_redirects=True)
    assert response.status_code == 200
    assert "The request is accepted" in response.text
    assert _roles(db, team)[joiner.id] is TeamRole.MEMBER
    assert db.get(Team, team.id).member_count == 2
    assert db.get(JoinRequest, req.id).status is RequestStatus.ACCEPTED
    message = mailbox.wait(1)[0]
    assert "ali@example.org" in message["To"]
    assert "Team Sun" in message["Subject"]
    assert "accepterade" in Mailbox.body(message)  # Swedish, the member's language


def test_declining_tells_the_requester_and_they_may_ask_again(client, make, db, mailbox):
    challenge = make.challenge()
    owner = make.user()
    joiner = make.user(email="noor@example.org")
    team = start_team(client, db, owner, challenge)
    req = ask_to_join(client, db, joiner, team)
    mailbox.wait(1)
    mailbox.clear()
    client.login(owner)
    response = client.post(f"/teams/{team.id}/requests/{req.id}/decline")
    assert response.status_code == 303
    assert db.get(JoinRequest, req.id).status is RequestStatus.DECLINED
    message = mailbox.wait(1)[0]
    assert "noor@example.org" in message["To"]
    assert "declined" in Mailbox.body(message)
    again = client.post(f"/teams/{team.id}/requests/{req.id}/accept")
    assert again.status_code == 409
    assert "already been answered" in again.text
    client.login(joiner)
    assert "declined your earlier request" in client.get(f"/teams/{team.id}").text
    req2 = ask_to_join(client, db, joiner, team, message="Please, one more time")
    assert req2.id == req.id
    assert req2.status is RequestStatus.PENDING


def test_the_requester_can_cancel_their_request(client, make, db):
    challenge = make.challenge()
    team = start_team(client, db, make.user(), challenge)
    joiner = make.user()
    req = ask_to_join(client, db, joiner, team)
    page = client.get(f"/teams/{team.id}").text
    assert "Withdraw my request" in page
    assert client.post(f"/teams/{team.id}/join/cancel").status_code == 303
    assert db.get(JoinRequest, req.id).status is RequestStatus.CANCELLED
    assert client.post(f"/teams/{team.id}/join/cancel").status_code == 409


def test_asking_twice_is_refused(client, make, db):
    challenge = make.challenge()
    team = start_team(client, db, make.user(), challenge)
    ask_to_join(client, db, make.user(), team)
    response = client.post(f"/teams/{team.id}/join", data={"message": "Again"})
    assert response.status_code == 409
    assert "You have already asked to join this team." in response.text


def test_a_join_request_needs_a_message_and_keeps_the_nickname(client, make, db):
    challenge = make.challenge()
    team = start_team(client, db, make.user(), challenge)
    client.login(make.user())
    response = client.post(f"/teams/{team.id}/join", data={"message": "", "nickname": "Mo"})
    assert response.status_code == 400
    assert "Write a short message to the team." in response.text
    assert 'value="Mo"' in response.text


def test_the_requester_shows_by_the_nickname_they_chose(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    team = start_team(client, db, owner, challenge)
    joiner = make.user(name="Mohammed Real")
    client.login(joiner)
    client.post(f"/teams/{team.id}/join", data={"message": "Hi", "nickname": "Mo"})
    req = db.scalar(select(JoinRequest).where(JoinRequest.user_id == joiner.id))
    client.login(owner)
    client.post(f"/teams/{team.id}/requests/{req.id}/accept")
    client.logout()
    page = client.get(f"/teams/{team.id}").text
    assert "Mo" in page
    assert "Mohammed Real" not in page


def test_accepting_when_the_team_is_full_answers_409_and_keeps_the_request(client, make, db):
    challenge = make.challenge(team_size_max=2)
    owner = make.user()
    team = start_team(client, db, owner, challenge)
    first = ask_to_join(client, db, make.user(), team)
    second = ask_to_join(client, db, make.user(), team)
    client.login(owner)
    assert client.post(f"/teams/{team.id}/requests/{first.id}/accept").status_code == 303
    response = client.post(f"/teams/{team.id}/requests/{second.id}/accept")
    assert response.status_code == 409
    assert "The team is full" in response.text
    assert db.get(Team, team.id).member_count == 2
    assert db.get(JoinRequest, second.id).status is RequestStatus.PENDING
    client.login(make.user())
    full = client.post(f"/teams/{team.id}/join", data={"message": "Let me in"})
    assert full.status_code == 409
    assert "This team is full." in full.text


def test_one_team_per_person_per_challenge(client, make, db):
    challenge = make.challenge()
    a = start_team(client, db, make.user(), challenge, name="A")
    b = start_team(client, db, make.user(), challenge, name="B")
    joiner = make.user()
    req_a = ask_to_join(client, db, joiner, a)
    req_b = ask_to_join(client, db, joiner, b)
    client.login(db.get(Team, a.id).owner.user)
    assert client.post(f"/teams/{a.id}/requests/{req_a.id}/accept").status_code == 303
    # Joining one team closes the person's other open requests.
    assert db.get(JoinRequest, req_b.id).status is RequestStatus.CANCELLED
    client.login(joiner)
    response = client.post(f"/challenges/{challenge.slug}/teams/new", data={"name": "C"})
    assert response.status_code == 409
    assert "You are already in a team in this challenge." in response.text


def test_the_database_refuses_a_second_team_for_one_person(client, make, db):
    """The unique constraint holds even if a request slips past the check."""
    challenge = make.challenge()
    a = start_team(client, db, make.user(), challenge, name="A")
    b = start_team(client, db, make.user(), challenge, name="B")
    joiner = make.user()
    req_a = ask_to_join(client, db, joiner, a)
    req_b = ask_to_join(client, db, joiner, b)
    client.login(db.get(Team, a.id).owner.user)
    client.post(f"/teams/{a.id}/requests/{req_a.id}/accept")
    # Reopen the cancelled request as if the two accepts had raced.
    db.get(JoinRequest, req_b.id).status = RequestStatus.PENDING
    db.flush()
    client.login(db.get(Team, b.id).owner.user)
    response = client.post(f"/teams/{b.id}/requests/{req_b.id}/accept")
    assert response.status_code == 409
    assert "joined another team" in response.text
    assert db.get(Team, b.id).member_count == 1


def test_only_the_owner_and_team_admins_answer_requests(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    team = start_team(client, db, owner, challenge)
    member = make.user()
    client.login(owner)
    req = ask_to_join(client, db, member, team)
    client.login(owner)
    client.post(f"/teams/{team.id}/requests/{req.id}/accept")
    other = ask_to_join(client, db, make.user(), team)
    # A plain member and an outsider may not answer.
    client.login(member)
    assert client.post(f"/teams/{team.id}/requests/{other.id}/accept").status_code == 403
    client.login(make.user())
    assert client.post(f"/teams/{team.id}/requests/{other.id}/decline").status_code == 403
    assert db.get(JoinRequest, other.id).status is RequestStatus.PENDING
    # The owner names the member an admin; then they may.
    client.login(owner)
    assert (
        client.post(f"/teams/{team.id}/members/{member.id}/admin", data={"admin": "1"}).status_code
        == 303
    )
    client.login(member)
    assert client.post(f"/teams/{team.id}/requests/{other.id}/decline").status_code == 303
    # Admins do not manage members: that is the owner's.
    assert client.post(f"/teams/{team.id}/members/{owner.id}/remove").status_code == 403


def test_a_request_of_another_team_is_not_found(client, make, db):
    challenge = make.challenge()
    owner_a = make.user()
    a = start_team(client, db, owner_a, challenge, name="A")
    b = start_team(client, db, make.user(), challenge, name="B")
    req_b = ask_to_join(client, db, make.user(), b)
    client.login(owner_a)
    assert client.post(f"/teams/{a.id}/requests/{req_b.id}/accept").status_code == 404


def test_members_leave_and_the_owner_removes_and_hands_over(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    team = start_team(client, db, owner, challenge)
    x, y = make.user(), make.user()
    for person in (x, y):
        req = ask_to_join(client, db, person, team)
        client.login(owner)
        client.post(f"/teams/{team.id}/requests/{req.id}/accept")
    client.login(x)
    assert client.post(f"/teams/{team.id}/leave").status_code == 303
    assert x.id not in _roles(db, team)
    client.login(owner)
    # The owner cannot leave while others are in the team.
    response = client.post(f"/teams/{team.id}/leave")
    assert response.status_code == 409
    assert "Hand over ownership" in response.text
    assert client.post(f"/teams/{team.id}/members/{y.id}/owner").status_code == 303
    assert _roles(db, team) == {owner.id: TeamRole.ADMIN, y.id: TeamRole.OWNER}
    client.login(y)
    assert client.post(f"/teams/{team.id}/members/{owner.id}/remove").status_code == 303
    assert _roles(db, team) == {y.id: TeamRole.OWNER}
    assert db.get(Team, team.id).member_count == 1
    # The last one leaving dissolves the team.
    team_id = team.id
    assert client.post(f"/teams/{team_id}/leave").status_code == 303
    assert db.scalar(select(Team.id).where(Team.id == team_id)) is None


def test_a_team_links_only_an_idea_its_owner_wrote(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    own_idea = make.idea(challenge, owner, title="Benches by the sea")
    foreign = make.idea(challenge, make.user())
    team = start_team(client, db, owner, challenge, idea_id=str(own_idea.id))
    assert team.idea_id == own_idea.id
    assert "Benches by the sea" in client.get(f"/teams/{team.id}").text
    response = client.post(
        f"/teams/{team.id}/edit", data={"name": "Team Sun", "idea_id": str(foreign.id)}
    )
    assert response.status_code == 400  # not among the choices
    assert db.get(Team, team.id).idea_id == own_idea.id
    ok = client.post(f"/teams/{team.id}/edit", data={"name": "Team Moon", "idea_id": ""})
    assert ok.status_code == 303
    assert db.get(Team, team.id).idea_id is None
    assert db.get(Team, team.id).name == "Team Moon"


def test_the_pages_explain_weekend_teams_apart_from_idea_teams(client, make, db):
    challenge = make.challenge()
    team = start_team(client, db, make.user(), challenge)
    for path in (f"/challenges/{challenge.slug}/teams", f"/teams/{team.id}"):
        assert "Weekend teams are separate from an idea's team" in client.get(path).text


def test_the_official_sets_the_team_size_on_the_challenge_form(client, make, db):
    challenge = make.challenge()
    client.login(make.user("official"))
    page = client.get(f"/manage/challenges/{challenge.slug}/edit").text
    assert 'name="team_size_max"' in page


def test_an_anonymous_idea_cannot_be_linked_and_the_team_page_never_names_its_author(
    client, make, db
):
    challenge = make.challenge()
    author = make.user(name="Hidden Author", email="hidden@example.org")
    secret = make.idea(challenge, author, anonymous=True, title="A secret bench")
    team = start_team(client, db, author, challenge, nickname="Bench fan")
    form = client.get(f"/teams/{team.id}/edit").text
    assert "A secret bench" not in form  # not offered
    response = client.post(
        f"/teams/{team.id}/edit", data={"name": "Team Sun", "idea_id": str(secret.id)}
    )
    assert response.status_code == 400
    assert db.get(Team, team.id).idea_id is None
    client.logout()
    for path in (f"/teams/{team.id}", f"/challenges/{challenge.slug}/teams"):
        page = client.get(path).text
        assert "Bench fan" in page or path.endswith("/teams")
        assert "Hidden Author" not in page
        assert "hidden@example.org" not in page


def test_the_team_page_and_the_board_take_a_fixed_number_of_queries(
    client, make, db, count_queries
):
    challenge = make.challenge()
    owner = make.user()
    team = start_team(client, db, owner, challenge)

    def grow(n: int) -> None:
        for _ in range(n):
            person = make.user()
            req = ask_to_join(client, db, person, team)
            client.login(owner)
            client.post(f"/teams/{team.id}/requests/{req.id}/accept")
            client.login(make.user())
            client.post(
                f"/challenges/{challenge.slug}/teams/board",
                data={"brings": "b", "looks_for": "l"},
            )
            ask_to_join(client, db, make.user(), team)  # stays open

    def queries() -> tuple[int, int]:
        client.login(owner)
        counts = []
        for path in (f"/teams/{team.id}", f"/challenges/{challenge.slug}/teams"):
            count_queries.statements.clear()
            assert client.get(path).status_code == 200
            counts.append(count_queries.count)
        return counts[0], counts[1]

    grow(1)
    few = queries()
    grow(3)
    assert queries() == few


def test_handing_over_unlinks_an_idea_the_new_owner_did_not_write(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    idea = make.idea(challenge, owner)
    team = start_team(client, db, owner, challenge, idea_id=str(idea.id))
    heir = make.user()
    req = ask_to_join(client, db, heir, team)
    client.login(owner)
    client.post(f"/teams/{team.id}/requests/{req.id}/accept")
    assert client.post(f"/teams/{team.id}/members/{heir.id}/owner").status_code == 303
    assert db.get(Team, team.id).idea_id is None
