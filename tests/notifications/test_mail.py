"""Notification e-mail through a real SMTP server on loopback, sent only by
`flask --app app notifications send`: at once, as a daily digest, or never;
in the recipient's language; with an unsubscribe link that needs no login."""

from __future__ import annotations

import datetime as dt
import re

from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.notifications import services
from inhabithon.notifications.models import EmailMode, EmailState, NotificationSetting
from tests.conftest import Mailbox
from tests.notifications.helpers import notifications_of, run_send


def _followed_idea(make, owner, **kw):
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner, **kw)
    with make.context():
        services.follow(owner, idea)
    return idea


def _comment(make, idea, **kw):
    with make.context():
        comment = make.comment(idea, **kw)
        services.comment_added(comment, None)
    return comment


def _link(body: str, path: str) -> str:
    found = re.search(rf"http://\S+{path}\S*", body)
    assert found, body
    return found.group(0)


def test_a_comment_is_mailed_by_the_send_run_not_by_the_request(app, client, make, db, mailbox):
    owner = make.user(email="owner@example.org")
    idea = _followed_idea(make, owner, title="Shade on the square")
    client.login(make.user())
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "Good", "language": "en"})
    assert response.status_code == 303
    assert mailbox.wait(1, timeout=0.5) == []  # the request only wrote a row

    run_send(app, db)
    [mail] = mailbox.wait(1)
    assert mail["To"] == "owner@example.org"
    body = Mailbox.body(mail)
    assert "New comment on the idea “Shade on the square”." in body
    assert f"/ideas/{idea.id}" in body
    assert "/notifications/unsubscribe/" in body
    [n] = notifications_of(db, owner)
    assert n.email_state is EmailState.SENT
    run_send(app, db)
    assert len(mailbox.wait(2, timeout=0.3)) == 1  # nothing twice


def test_two_events_for_one_person_make_one_message_per_run(app, make, db, mailbox):
    owner = make.user(email="busy@example.org")
    idea = _followed_idea(make, owner)
    _comment(make, idea)
    _comment(make, idea)
    run_send(app, db)
    [mail] = mailbox.wait(1)
    assert Mailbox.body(mail).count("New comment on the idea") == 2


def test_the_daily_digest_groups_everything_since_the_last_one(app, make, db, mailbox):
    owner = make.user(email="digest@example.org")
    idea = _followed_idea(make, owner, title="Library open late")
    with make.context():
        services.set_email_mode(owner, EmailMode.DIGEST)
    _comment(make, idea)
    _comment(make, idea)
    run_send(app, db)  # less than a day since choosing the digest: it waits
    assert mailbox.wait(1, timeout=0.3) == []

    setting = db.get(NotificationSetting, owner.id)
    setting.last_digest_at = utcnow() - dt.timedelta(days=1, minutes=1)
    db.commit()
    run_send(app, db)
    [mail] = mailbox.wait(1)
    assert mail["Subject"] == "Your daily summary from Inhabithon"
    body = Mailbox.body(mail)
    assert "2 things happened" in body
    assert body.count("New comment on the idea “Library open late”.") == 2

    _comment(make, idea)  # the next one waits another day
    run_send(app, db)
    assert len(mailbox.wait(2, timeout=0.3)) == 1


def test_never_means_no_mail_but_the_notification_stays_in_the_site(app, make, db, mailbox):
    owner = make.user()
    idea = _followed_idea(make, owner)
    with make.context():
        services.set_email_mode(owner, EmailMode.NEVER)
    _comment(make, idea)
    run_send(app, db)
    assert mailbox.wait(1, timeout=0.3) == []
    assert len(notifications_of(db, owner)) == 1


def test_the_mail_is_in_the_recipients_language(app, make, db, mailbox):
    owner = make.user(locale="sv")
    idea = _followed_idea(make, owner, title="Bänkar")
    _comment(make, idea)
    run_send(app, db)
    [mail] = mailbox.wait(1)
    body = Mailbox.body(mail)
    assert "Ny kommentar om idén “Bänkar”." in body
    assert "New comment" not in body


def test_an_anonymous_comment_names_nobody_in_the_mail(app, make, db, mailbox):
    owner = make.user()
    writer = make.user(name="Hemlig Skribent", email="hemlig@example.org")
    idea = _followed_idea(make, owner)
    _comment(make, idea, author=writer, author_display=AuthorDisplay.ANONYMOUS)
    run_send(app, db)
    [mail] = mailbox.wait(1)
    body = Mailbox.body(mail)
    assert "Hemlig" not in body
    assert "hemlig@example.org" not in body
    assert f"/users/{writer.id}" not in body


def test_a_phase_change_found_by_the_send_run_is_mailed_in_the_same_run(app, make, db, mailbox):
    from tests.factories import phase_dates

    challenge = make.challenge(phase=Phase.SUBMISSIONS, title="Safer streets")
    fan = make.user(email="fan@example.org")
    with make.context():
        services.follow(fan, challenge)
    run_send(app, db)
    for name, value in phase_dates(Phase.VOTING).items():
        setattr(challenge, name, value)
    db.commit()
    result = run_send(app, db)
    assert "1 phase change(s), 1 notification mail(s)" in result.output
    [mail] = mailbox.wait(1)
    body = Mailbox.body(mail)
    assert "The challenge “Safer streets” has entered a new phase: Voting open." in body
    assert f"/challenges/{challenge.slug}" in body


def test_the_unsubscribe_link_works_without_login(app, client, make, db, mailbox):
    owner = make.user()
    idea = _followed_idea(make, owner)
    _comment(make, idea)
    run_send(app, db)
    link = _link(Mailbox.body(mailbox.wait(1)[0]), "/notifications/unsubscribe/")
    path = link.split("localhost", 1)[1].split(":5000", 1)[-1]

    page = client.get(path)
    assert page.status_code == 200
    assert "Do you want to stop all e-mail" in page.get_data(as_text=True)
    db.expire_all()
    assert db.get(NotificationSetting, owner.id) is None  # GET changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "You will get no more e-mail" in done.get_data(as_text=True)
    db.expire_all()
    assert db.get(NotificationSetting, owner.id).email_mode is EmailMode.NEVER

    _comment(make, idea)
    run_send(app, db)
    assert len(mailbox.wait(2, timeout=0.3)) == 1


def test_a_tampered_unsubscribe_token_is_refused(client, make, db):
    owner = make.user()
    with make.context():
        token = services.unsubscribe_token(owner)
    other = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/notifications/unsubscribe/{other}").status_code == 400
    assert client.post(f"/notifications/unsubscribe/{other}").status_code == 400
    assert client.get("/notifications/unsubscribe/nonsense").status_code == 400
    # A token for another purpose (signed with another salt) does not work either.
    from itsdangerous import URLSafeSerializer

    foreign = URLSafeSerializer(client.application.secret_key, salt="other").dumps({"u": owner.id})
    assert client.get(f"/notifications/unsubscribe/{foreign}").status_code == 400
    db.expire_all()
    assert db.get(NotificationSetting, owner.id) is None


def test_the_unsubscribe_post_needs_the_csrf_token(client, make):
    owner = make.user()
    with make.context():
        token = services.unsubscribe_token(owner)
    assert client.post(f"/notifications/unsubscribe/{token}", csrf=False).status_code == 400


def test_unverified_and_deleted_accounts_get_no_mail(app, make, db, mailbox):
    unverified = make.user(verified=False)
    idea = _followed_idea(make, unverified)
    _comment(make, idea)
    run_send(app, db)
    assert mailbox.wait(1, timeout=0.3) == []
    assert [n.email_state for n in notifications_of(db, unverified)] == [EmailState.SKIPPED]


def test_links_in_the_mail_point_to_the_configured_site(app, make, db, mailbox):
    app.config["SITE_URL"] = "https://city.example.org"
    owner = make.user()
    idea = _followed_idea(make, owner)
    _comment(make, idea)
    run_send(app, db)
    body = Mailbox.body(mailbox.wait(1)[0])
    assert f"https://city.example.org/ideas/{idea.id}" in body
    assert "https://city.example.org/notifications/unsubscribe/" in body
    assert "localhost" not in body
