"""Sign-ups in the account holder's data export, and gone when the account is deleted."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from inhabithon.accounts.models import Role
from inhabithon.weekend.models import AttendanceSettings, Diet, EventOfficial, Signup, SignupStatus
from tests.factories import PASSWORD
from tests.weekend.helpers import event_official, open_event, signup


def test_the_export_holds_the_users_sign_ups_only(client, make):
    event = open_event(make)
    user = make.user()
    signup(make, event, user, diet=Diet.HALAL, accessibility_needs="Hearing loop", children=1)
    signup(make, event, make.user(), notes="someone else's")
    client.login(user)
    response = client.post("/account/data")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    (row,) = data["event_signups"]
    assert row["event"] == event.slug
    assert row["diet"] == "halal"
    assert row["accessibility_needs"] == "Hearing loop"
    assert row["status"] == "confirmed"
    assert row["children"] == 1
    assert "someone else's" not in response.get_data(as_text=True)


def test_deleting_the_account_cancels_the_sign_up_and_moves_the_queue(client, make, db):
    event = open_event(make, capacity=1)
    leaving = make.user(Role.OFFICIAL)
    event_official(make, event, leaving)
    signup(make, event, leaving, notes="private")
    waiting = make.user()
    client.login(waiting)
    client.post(f"/events/{event.slug}/attend", data={"diet": "none", "children": "0"})
    client.login(leaving)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code in (302, 303)
    db.expire_all()
    assert db.scalar(select(func.count()).where(Signup.user_id == leaving.id)) == 0
    assert db.scalar(select(func.count()).where(EventOfficial.user_id == leaving.id)) == 0
    moved = db.scalar(select(Signup).where(Signup.user_id == waiting.id))
    assert moved.status is SignupStatus.CONFIRMED
    assert db.get(AttendanceSettings, event.id).confirmed == 1
