"""Board posts, teams and join requests in the data export and on account deletion."""

from __future__ import annotations

import json

from sqlalchemy import select

from inhabithon.teams.models import BoardPost, JoinRequest, Team, TeamMember, TeamRole
from tests.factories import PASSWORD
from tests.teams.helpers import ask_to_join, start_team


def _accept(client, db, owner, team, user):
    req = ask_to_join(client, db, user, team)
    client.login(owner)
    assert client.post(f"/teams/{team.id}/requests/{req.id}/accept").status_code == 303


def test_the_export_holds_posts_teams_and_requests_without_other_peoples_data(client, make, db):
    challenge = make.challenge()
    owner = make.user(name="Owner Person", email="owner@example.org")
    me = make.user()
    team = start_team(client, db, owner, challenge)
    other = start_team(client, db, make.user(), challenge, name="Other")
    ask_to_join(client, db, me, other, message="Hello other")
    _accept(client, db, owner, team, me)
    client.login(me)
    client.post(
        f"/challenges/{challenge.slug}/teams/board",
        data={"brings": "Welding", "looks_for": "Artists", "nickname": "Weldy"},
    )
    data = json.loads(client.post("/account/data").get_data(as_text=True))["weekend_teams"]
    assert data["board_posts"][0]["brings"] == "Welding"
    assert data["board_posts"][0]["shown_as"] == "Weldy"
    assert data["teams"] == [
        {
            "team_id": team.id,
            "team": "Team Sun",
            "challenge_id": challenge.id,
            "role": "member",
            "shown_as": "account name",
            "joined_at": data["teams"][0]["joined_at"],
        }
    ]
    statuses = {r["team"]: r["status"] for r in data["join_requests"]}
    assert statuses == {"Team Sun": "accepted", "Other": "cancelled"}
    text = json.dumps(data)
    assert "owner@example.org" not in text
    assert "Owner Person" not in text


def test_deleting_an_owner_hands_the_team_to_an_admin_and_removes_posts_and_requests(
    client, make, db
):
    challenge = make.challenge()
    owner = make.user()
    team = start_team(client, db, owner, challenge)
    member, admin = make.user(), make.user()
    _accept(client, db, owner, team, member)
    _accept(client, db, owner, team, admin)
    client.post(f"/teams/{team.id}/members/{admin.id}/admin", data={"admin": "1"})
    other = start_team(client, db, make.user(), challenge, name="Other")
    client.login(owner)
    client.post(f"/challenges/{challenge.slug}/teams/board", data={"brings": "a", "looks_for": "b"})
    db.add(JoinRequest(team_id=other.id, user_id=owner.id, challenge_id=challenge.id))
    db.flush()
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code in (302, 303)
    roles = {
        m.user_id: m.role
        for m in db.scalars(select(TeamMember).where(TeamMember.team_id == team.id))
    }
    assert roles == {member.id: TeamRole.MEMBER, admin.id: TeamRole.OWNER}
    assert db.get(Team, team.id).member_count == 2
    assert db.scalar(select(BoardPost).where(BoardPost.user_id == owner.id)) is None
    assert db.scalar(select(JoinRequest).where(JoinRequest.user_id == owner.id)) is None


def test_deleting_the_only_member_dissolves_the_team(client, make, db):
    challenge = make.challenge()
    owner = make.user()
    team_id = start_team(client, db, owner, challenge).id
    client.login(owner)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code in (302, 303)
    assert db.scalar(select(Team.id).where(Team.id == team_id)) is None
