"""Follows, notifications and the e-mail setting are personal data: in the
export, and gone with the account."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from inhabithon.challenges.models import Phase
from inhabithon.notifications import services
from inhabithon.notifications.models import (
    ChallengeFollower,
    EmailMode,
    IdeaFollower,
    Notification,
    NotificationSetting,
)
from tests.factories import PASSWORD


def _world(make):
    user = make.user()
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    with make.context():
        services.follow(user, challenge)
        services.follow(user, idea)
        services.set_email_mode(user, EmailMode.DIGEST)
        services.comment_added(make.comment(idea), None)
    return user, challenge, idea


def test_the_export_holds_follows_notifications_and_the_setting(client, make):
    user, challenge, idea = _world(make)
    client.login(user)
    response = client.post("/account/data")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))["notifications"]
    assert data["email_mode"] == "digest"
    assert [f["challenge"] for f in data["challenge_follows"]] == [challenge.slug]
    assert [f["idea_id"] for f in data["idea_follows"]] == [idea.id]
    [n] = data["notifications"]
    assert (n["kind"], n["idea_id"], n["read_at"]) == ("comment", idea.id, None)


def test_deleting_the_account_removes_them(client, make, db):
    user, _challenge, _idea = _world(make)
    client.login(user)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 303
    for model, column in (
        (ChallengeFollower, ChallengeFollower.user_id),
        (IdeaFollower, IdeaFollower.user_id),
        (Notification, Notification.recipient_id),
        (NotificationSetting, NotificationSetting.user_id),
    ):
        assert db.scalar(select(func.count()).select_from(model).where(column == user.id)) == 0
