"""Small steps through HTTP shared by the team tests."""

from __future__ import annotations

from sqlalchemy import select

from inhabithon.teams.models import JoinRequest, Team


def start_team(client, db, owner, challenge, name="Team Sun", **extra):
    client.login(owner)
    response = client.post(
        f"/challenges/{challenge.slug}/teams/new",
        data={"name": name, "description": "We build benches.", "languages": "Swedish", **extra},
    )
    assert response.status_code == 303, response.text
    return db.scalar(select(Team).where(Team.challenge_id == challenge.id, Team.name == name))


def ask_to_join(client, db, user, team, message="I can draw plans."):
    client.login(user)
    response = client.post(f"/teams/{team.id}/join", data={"message": message})
    assert response.status_code == 303, response.text
    return db.scalar(
        select(JoinRequest).where(JoinRequest.team_id == team.id, JoinRequest.user_id == user.id)
    )
