"""Which events notify whom: followers only, never the actor, never a deleted
account; phase changes are found by the send run and by an official's edit."""

from __future__ import annotations

import dataclasses
import datetime as dt

from inhabithon.accounts.models import Role
from inhabithon.challenges import services as challenge_services
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.notifications import services
from inhabithon.notifications.models import EmailState, NotificationKind
from inhabithon.projects import services as project_services
from tests.factories import phase_dates
from tests.notifications.helpers import notifications_of, run_send
from tests.projects.helpers import project, status
from tests.results.helpers import publish, scored_round


def _follow(make, user, obj):
    with make.context():
        services.follow(user, obj)


def test_a_comment_notifies_the_ideas_followers_but_not_the_commenter(client, make, db):
    owner, fan, commenter = make.user(), make.user(), make.user()
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner, title="Green roofs")
    for user in (owner, fan, commenter):
        _follow(make, user, idea)
    client.login(commenter)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "Yes!", "language": "en"})
    assert response.status_code == 303
    assert [n.kind for n in notifications_of(db, owner)] == [NotificationKind.COMMENT]
    assert len(notifications_of(db, fan)) == 1
    assert notifications_of(db, commenter) == []


def test_an_anonymous_commenter_is_not_revealed_in_the_notification(client, make, db):
    owner = make.user()
    commenter = make.user(name="Secret Commenter")
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner)
    _follow(make, owner, idea)
    client.login(commenter)
    client.post(
        f"/ideas/{idea.id}/comments",
        data={"body": "Hmm", "language": "en", "display": AuthorDisplay.ANONYMOUS.value},
    )
    client.login(owner)
    page = client.get("/notifications").get_data(as_text=True)
    assert "New comment on the idea" in page
    assert "Secret Commenter" not in page


def test_a_deleted_account_gets_nothing(make, db):
    owner, gone = make.user(), make.user()
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner)
    _follow(make, gone, idea)
    gone.deleted_at = utcnow()
    db.commit()
    make.comment(idea)  # written directly: the service is what notifies
    with make.context():
        comment = make.comment(idea)
        assert services.comment_added(comment, None) == 0
    assert notifications_of(db, gone) == []


def test_the_send_run_notices_a_phase_change_by_date_once(app, make, db):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    fan = make.user()
    _follow(make, fan, challenge)
    run_send(app, db)  # the first look only notes the phase
    assert notifications_of(db, fan) == []

    # Time passes: voting opens (the dates move back instead of the clock forward).
    for name, value in phase_dates(Phase.VOTING).items():
        setattr(challenge, name, value)
    db.commit()
    run_send(app, db)
    found = notifications_of(db, fan)
    assert [(n.kind, n.detail) for n in found] == [(NotificationKind.PHASE, "voting")]
    run_send(app, db)
    assert len(notifications_of(db, fan)) == 1


def test_an_official_moving_the_dates_notifies_at_once_but_not_the_official(make, db):
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    fan = make.user()
    official = make.user(Role.OFFICIAL)
    _follow(make, fan, challenge)
    _follow(make, official, challenge)
    with make.context():
        services.check_phase(challenge)  # noted earlier by a send run
    now = utcnow()
    data = challenge_services.ChallengeData(
        title=challenge.title,
        category=challenge.category,
        submissions_open_at=now - dt.timedelta(days=3),
        voting_open_at=now - dt.timedelta(hours=1),
        jury_review_at=now + dt.timedelta(days=5),
        is_published=True,
        slug=challenge.slug,
    )
    with make.context():
        challenge_services.update_challenge(official, challenge, dataclasses.replace(data))
    assert [n.detail for n in notifications_of(db, fan)] == ["voting"]
    assert notifications_of(db, official) == []


def test_published_results_notify_followers_of_the_challenge_and_its_ideas_once(app, make, db):
    scored = scored_round(make)
    challenge_fan, idea_fan = make.user(), make.user()
    _follow(make, challenge_fan, scored.challenge)
    _follow(make, idea_fan, scored.ideas[2])
    _follow(make, scored.official, scored.challenge)
    with make.context():
        services.check_phase(scored.challenge)
    publish(make, scored)
    assert [n.kind for n in notifications_of(db, challenge_fan)] == [NotificationKind.RESULTS]
    assert [n.kind for n in notifications_of(db, idea_fan)] == [NotificationKind.RESULTS]
    assert notifications_of(db, scored.official) == []
    # Publishing started the results phase: the send run does not tell it again.
    run_send(app, db)
    assert len(notifications_of(db, challenge_fan)) == 1


def test_a_project_status_change_and_update_notify_its_followers(client, make, db):
    p = project(make)
    fan = make.user()
    official = make.user(Role.OFFICIAL)
    with make.context():
        project_services.follow(fan, p)
        project_services.follow(official, p)
    with make.context():
        project_services.change_status(official, p, status(make, "planned"))
        project_services.post_update(official, p, "Digging starts", "On Monday.")
    kinds = [(n.kind, n.detail) for n in notifications_of(db, fan)]
    assert kinds == [
        (NotificationKind.PROJECT_STATUS, "planned"),
        (NotificationKind.PROJECT_UPDATE, "Digging starts"),
    ]
    assert notifications_of(db, official) == []
    # The notification names the new status, in the reader's language.
    client.login(fan)
    page = client.get("/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"The project “{p.title}” has a new status: Planned." in page


def test_people_who_want_no_mail_still_get_the_notification_in_the_site(make, db):
    owner = make.user()
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner)
    with make.context():
        services.follow(owner, idea)
        services.set_email_mode(owner, services.EmailMode.NEVER)
        comment = make.comment(idea)
        services.comment_added(comment, None)
    [n] = notifications_of(db, owner)
    assert n.email_state is EmailState.SKIPPED
