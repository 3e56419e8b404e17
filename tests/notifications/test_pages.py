"""The notifications page, the unread badge in the header, marking read and
the e-mail setting."""

from __future__ import annotations

import re

from inhabithon.challenges.models import Phase
from inhabithon.notifications import services
from inhabithon.notifications.models import (
    EmailMode,
    Notification,
    NotificationKind,
    NotificationSetting,
)


def _notify(make, user, count=1):
    idea = make.idea(make.challenge(phase=Phase.VOTING), title="Swings")
    rows = [
        Notification(recipient_id=user.id, kind=NotificationKind.COMMENT, idea_id=idea.id)
        for _ in range(count)
    ]
    make.session.add_all(rows)
    make.session.commit()
    return rows


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/login" in response.location


def test_the_header_shows_the_unread_count_capped_at_nine(client, make):
    user = client.login(make.user())
    assert "notification-count" not in client.get("/").get_data(as_text=True)
    _notify(make, user, 3)
    assert '<span class="badge notification-count">3<' in client.get("/").get_data(as_text=True)
    _notify(make, user, 10)
    assert '<span class="badge notification-count">9+<' in client.get("/").get_data(as_text=True)


def test_the_unread_count_reads_at_most_ten_index_entries(make, db, count_queries):
    user = make.user()
    _notify(make, user, 12)
    with make.context():
        count_queries.statements.clear()
        assert services.unread_count(user) == 10
    [sql] = [s for s in count_queries.statements if "notifications" in s]
    assert "LIMIT" in sql.upper()


def test_the_page_lists_newest_first_and_marks_one_and_all_read(client, make, db):
    user = client.login(make.user())
    first, second = _notify(make, user, 2)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("New comment on the idea “Swings”.") == 2
    assert page.index(f"/notifications/{second.id}/read") < page.index(
        f"/notifications/{first.id}/read"
    )
    assert client.post(f"/notifications/{first.id}/read").status_code == 303
    db.refresh(first)
    assert first.read_at is not None
    assert client.post("/notifications/read-all").status_code == 303
    db.refresh(second)
    assert second.read_at is not None
    assert "notification-count" not in client.get("/").get_data(as_text=True)


def test_nobody_marks_someone_elses_notification(client, make, db):
    owner = make.user()
    [n] = _notify(make, owner)
    client.login(make.user())
    assert client.post(f"/notifications/{n.id}/read").status_code == 404
    db.refresh(n)
    assert n.read_at is None


def test_marking_read_needs_the_csrf_token(client, make):
    user = client.login(make.user())
    [n] = _notify(make, user)
    assert client.post(f"/notifications/{n.id}/read", csrf=False).status_code == 400


def test_the_list_is_paginated_by_key(client, make):
    user = client.login(make.user())
    rows = _notify(make, user, services.PER_PAGE + 3)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('/read"') == services.PER_PAGE
    oldest_on_first_page = rows[3].id
    assert f"before={oldest_on_first_page}" in page
    older = client.get(f"/notifications?before={oldest_on_first_page}").get_data(as_text=True)
    assert older.count('/read"') == 3


def test_the_page_takes_a_fixed_number_of_queries(client, make, count_queries):
    user = client.login(make.user())
    _notify(make, user, 2)

    def queries() -> int:
        count_queries.statements.clear()
        assert client.get("/notifications").status_code == 200
        return count_queries.count

    queries()  # warm-up
    few = queries()
    _notify(make, user, 15)
    for idea_kind in range(3):  # notifications about different objects
        _notify(make, user, 1 + idea_kind)
    assert queries() == few


def test_the_email_setting_is_saved_and_a_bad_value_is_refused(client, make, db):
    user = client.login(make.user())
    page = client.get("/notifications/settings").get_data(as_text=True)
    [checked] = re.findall(r'<input checked[^>]*value="(\w+)"', page)
    assert checked == "immediate"
    assert client.post("/notifications/settings", data={"email_mode": "digest"}).status_code == 303
    assert db.get(NotificationSetting, user.id).email_mode is EmailMode.DIGEST
    bad = client.post("/notifications/settings", data={"email_mode": "hourly"})
    assert bad.status_code == 400
    assert 'class="field-error"' in bad.get_data(as_text=True)
    assert db.get(NotificationSetting, user.id).email_mode is EmailMode.DIGEST
