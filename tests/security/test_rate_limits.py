"""Rate limits on posting (ideas, comments) and voting, per account, with an
app whose limits are switched on (the suite's app has them off)."""

import pytest

from inhabithon import create_app
from inhabithon.challenges.models import Phase
from tests.conftest import Client, app_config
from tests.factories import Factory


@pytest.fixture
def limited(database_url, connection, db):
    """An app with limits on (2 posts, 2 votes a minute), its client and factory."""
    app = create_app(
        app_config(
            database_url,
            RATELIMIT_ENABLED=True,
            POST_RATE_LIMIT="2 per minute",
            VOTE_RATE_LIMIT="2 per minute",
        )
    )
    app.test_client_class = Client
    app.extensions["inhabithon_db"].bind_to(connection)
    client = app.test_client()
    client.test_session = db
    return client, Factory(app, db)


def _too_many(response):
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html
    return True


def test_posting_ideas_is_rate_limited_per_account(limited):
    client, make = limited
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    client.login(make.user())
    url = f"/challenges/{challenge.slug}/ideas/new"
    statuses = [
        client.post(
            url,
            data={
                "title": f"Idea {n}",
                "summary": "A summary.",
                "body_md": "A body.",
                "language": "sv",
                "display": "name",
            },
        ).status_code
        for n in range(2)
    ]
    assert statuses == [303, 303]
    assert _too_many(client.post(url, data={"title": "Third", "language": "sv"}))
    # Reading the form is not limited.
    assert client.get(url).status_code == 200
    # Another account has its own allowance.
    client.login(make.user())
    assert client.post(url, data={"title": "", "language": "sv"}).status_code == 400


def test_posting_comments_is_rate_limited_per_account(limited):
    client, make = limited
    idea = make.idea(make.challenge(phase=Phase.SUBMISSIONS))
    client.login(make.user())
    url = f"/ideas/{idea.id}/comments"
    data = {"body": "Good idea.", "language": "sv", "display": "name"}
    assert [client.post(url, data=data).status_code for _ in range(2)] == [303, 303]
    assert _too_many(client.post(url, data=data))
    client.login(make.user())
    assert client.post(url, data=data).status_code == 303


def test_voting_is_rate_limited_per_account(limited):
    client, make = limited
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=5)
    ideas = [make.idea(challenge) for _ in range(3)]
    client.login(make.user())
    assert client.post(f"/ideas/{ideas[0].id}/vote").status_code == 303
    assert client.post(f"/ideas/{ideas[0].id}/vote/withdraw").status_code == 303
    assert _too_many(client.post(f"/ideas/{ideas[1].id}/vote"))
    client.login(make.user())
    assert client.post(f"/ideas/{ideas[2].id}/vote").status_code == 303


def test_visitors_are_limited_by_address(limited):
    client, make = limited
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    # Visitors are sent to log in, but they still count against their address.
    assert [client.post(f"/ideas/{idea.id}/vote").status_code for _ in range(2)] == [302, 302]
    assert _too_many(client.post(f"/ideas/{idea.id}/vote"))
    other = client.post(f"/ideas/{idea.id}/vote", environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert other.status_code == 302


def test_ideas_and_comments_share_one_posting_allowance(limited):
    client, make = limited
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    idea = make.idea(challenge)
    client.login(make.user())
    data = {"body": "Good idea.", "language": "sv", "display": "name"}
    assert [client.post(f"/ideas/{idea.id}/comments", data=data).status_code for _ in range(2)] == [
        303,
        303,
    ]
    assert _too_many(client.post(f"/challenges/{challenge.slug}/ideas/new", data={"title": "x"}))


def test_a_refusal_says_when_to_come_back_and_other_answers_carry_no_limit_headers(limited):
    client, make = limited
    challenge = make.challenge(phase=Phase.VOTING, vote_budget=5)
    ideas = [make.idea(challenge) for _ in range(3)]
    client.login(make.user())
    allowed = [client.post(f"/ideas/{idea.id}/vote") for idea in ideas[:2]]
    assert [r.status_code for r in allowed] == [303, 303]
    for response in allowed:
        assert not [n for n, _ in response.headers if n.lower().startswith("x-ratelimit")]
    refused = client.post(f"/ideas/{ideas[2].id}/vote")
    assert _too_many(refused)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the minute's window, rounded up
