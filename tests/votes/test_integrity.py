"""The officials' vote-integrity view: bursts, shared networks, new-account
shares per idea, and voiding votes with a reason (counters exact, audited)."""

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.votes.models import Ballot, Vote

WINDOW = 600


def _window_start(moment):
    return dt.datetime.fromtimestamp(int(moment.timestamp()) // WINDOW * WINDOW, dt.UTC)


def _cast(make, db, idea, *, at, account_age, source="a" * 64):
    """A vote cast at ``at`` by a new account ``account_age`` old at that moment."""
    voter = make.user(created_at=at - account_age)
    vote = make.vote(voter, idea)
    db.execute(update(Vote).where(Vote.id == vote.id).values(created_at=at, source_hash=source))
    db.commit()
    return voter, vote


@pytest.fixture
def world(make, db):
    """A challenge in voting: a burst of 6 votes from new accounts on idea A in one
    10-minute window, all from one network; 2 older votes spread out elsewhere."""
    challenge = make.challenge(phase=Phase.VOTING)
    a, b = make.idea(challenge, title="Lights in the park"), make.idea(challenge, title="Benches")
    start = _window_start(utcnow() - dt.timedelta(minutes=25))
    burst = [
        _cast(
            make, db, a, at=start + dt.timedelta(seconds=10 * i), account_age=dt.timedelta(hours=1)
        )
        for i in range(6)
    ]
    old = [
        _cast(
            make,
            db,
            b,
            at=start - dt.timedelta(minutes=20 * (i + 1)),
            account_age=dt.timedelta(days=40),
            source=f"{i + 1}" * 64,
        )
        for i in range(2)
    ]
    return {"challenge": challenge, "a": a, "b": b, "start": start, "burst": burst, "old": old}


def _page(client, challenge):
    return client.get(f"/challenges/{challenge.slug}/vote-integrity")


def test_officials_see_bursts_networks_and_new_account_shares(client, make, world):
    client.login(make.user(Role.OFFICIAL))
    response = _page(client, world["challenge"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "8 votes in this challenge." in html
    assert "6 of them were cast by accounts less than 24 hours old." in html
    window = int(world["start"].timestamp()) // WINDOW
    assert f"by=burst&amp;key={window}" in html
    # the two older votes are 20 and 40 minutes earlier: not bursts
    assert html.count("by=burst") == 1
    assert "by=network&amp;key=aaaaaaaaaa" in html
    assert html.count("by=network") == 1  # two voters on a network are not listed
    assert "a" * 11 not in html  # only a short prefix of the hash is ever shown
    assert "Lights in the park" in html
    assert "100%" in html
    assert "0%" in html
    assert html.index("Lights in the park") < html.index("Benches")


def test_the_page_answers_in_a_fixed_number_of_queries(client, make, db, world, count_queries):
    client.login(make.user(Role.OFFICIAL))
    url = f"/challenges/{world['challenge'].slug}/vote-integrity"
    client.get(url)
    before = count_queries.count
    client.get(url)
    first = count_queries.count - before
    for i in range(5):
        _cast(
            make,
            db,
            world["b"],
            at=utcnow() - dt.timedelta(minutes=i),
            account_age=dt.timedelta(days=3),
        )
    before = count_queries.count
    assert client.get(url).status_code == 200
    # The same count with more votes; three of them are the report's aggregate queries.
    assert count_queries.count - before == first <= 12


@pytest.mark.parametrize(
    ("roles", "status"),
    [((), 403), ((Role.JURY,), 403), ((Role.OFFICIAL,), 200), ((Role.ADMIN,), 200)],
)
def test_only_officials_see_the_vote_integrity_view(client, make, world, roles, status):
    client.login(make.user(*roles))
    assert _page(client, world["challenge"]).status_code == status
    void = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['a'].id}"
    assert client.get(void).status_code == status
    if status == 403:
        ids = [v.id for _u, v in world["burst"]]
        assert client.post(void, data={"votes": ids, "reason": "x"}).status_code == 403


def test_visitors_are_sent_to_log_in(client, world):
    response = _page(client, world["challenge"])
    assert response.status_code == 302
    assert "/login" in response.location


def test_an_unknown_challenge_or_selection_is_not_found(client, make, world):
    client.login(make.user(Role.OFFICIAL))
    assert client.get("/challenges/nope/vote-integrity").status_code == 404
    base = f"/challenges/{world['challenge'].slug}/vote-integrity/void"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}?by=network&key=zz").status_code == 404
    assert client.get(f"{base}?by=idea&key=abc").status_code == 404


def _counters_exact(db, challenge):
    for idea_id, count in db.execute(
        select(Vote.idea_id, func.count())
        .where(Vote.challenge_id == challenge.id)
        .group_by(Vote.idea_id)
    ):
        from inhabithon.ideas.models import Idea

        assert db.get(Idea, idea_id).vote_count == count
    for ballot in db.scalars(select(Ballot).where(Ballot.challenge_id == challenge.id)):
        db.refresh(ballot)
        used = db.scalar(
            select(func.count()).where(
                Vote.user_id == ballot.user_id, Vote.challenge_id == challenge.id
            )
        )
        assert ballot.used == used


def test_officials_void_a_burst_with_a_reason_after_a_confirm_step(client, make, db, world):
    official = client.login(make.user(Role.OFFICIAL))
    challenge, a = world["challenge"], world["a"]
    window = int(world["start"].timestamp()) // WINDOW
    url = f"/challenges/{challenge.slug}/vote-integrity/void?by=burst&key={window}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    burst_ids = [v.id for _u, v in world["burst"]]
    for vote_id in burst_ids:
        assert f'name="votes" value="{vote_id}" id="vote-{vote_id}" checked' in html
    assert 'name="reason"' in html

    chosen = burst_ids[:4]
    response = client.post(url, data={"votes": chosen, "reason": "Accounts made in one go"})
    assert response.status_code == 303
    assert response.location.endswith(f"/challenges/{challenge.slug}/vote-integrity")
    assert "4 votes were voided." in client.get(response.location).get_data(as_text=True)

    remaining = db.scalars(select(Vote.id).where(Vote.idea_id == a.id)).all()
    assert sorted(remaining) == sorted(burst_ids[4:])
    db.refresh(a)
    assert a.vote_count == 2
    _counters_exact(db, challenge)
    [entry] = db.scalars(select(AuditEntry).where(AuditEntry.action == "votes.voided")).all()
    assert entry.actor_id == official.id
    assert entry.object_type == "challenges"
    assert entry.object_id == str(challenge.id)
    assert entry.after == {"reason": "Accounts made in one go", "voided": 4}
    voided = {(v["id"], v["user_id"], v["idea_id"]) for v in entry.before["votes"]}
    assert voided == {
        (vote_id, u.id, a.id) for (u, _v), vote_id in zip(world["burst"], chosen, strict=False)
    }


def test_voided_voters_get_their_vote_back(client, make, db, world):
    client.login(make.user(Role.OFFICIAL))
    voter, vote = world["burst"][0]
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['a'].id}"
    assert client.post(url, data={"votes": [vote.id], "reason": "Test"}).status_code == 303
    ballot = db.get(Ballot, (voter.id, world["challenge"].id))
    db.refresh(ballot)
    assert ballot.used == 0


def test_voiding_without_a_reason_or_votes_is_refused_and_keeps_the_choice(client, make, db, world):
    client.login(make.user(Role.OFFICIAL))
    ids = [v.id for _u, v in world["burst"]]
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=network&key=aaaaaaaaaa"
    response = client.post(url, data={"votes": ids[:2], "reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give a reason for voiding these votes." in html
    assert f'value="{ids[0]}" id="vote-{ids[0]}" checked' in html
    assert f'value="{ids[2]}" id="vote-{ids[2]}">' in html  # left unchecked as sent

    response = client.post(url, data={"reason": "Bought votes"})
    assert response.status_code == 400
    assert "Choose at least one vote to void." in response.get_data(as_text=True)
    assert "Bought votes" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Vote)) >= 8
    assert db.scalar(select(func.count()).where(AuditEntry.action == "votes.voided")) == 0


def test_votes_outside_the_selection_cannot_be_voided_through_it(client, make, db, world):
    client.login(make.user(Role.OFFICIAL))
    other = world["old"][0][1].id
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['a'].id}"
    response = client.post(url, data={"votes": [other], "reason": "Wrong one"})
    assert response.status_code == 400
    assert "Some of these votes are no longer in this selection." in response.get_data(as_text=True)
    assert db.get(Vote, other) is not None


def test_voiding_votes_already_gone_says_so(client, make, db, world):
    client.login(make.user(Role.OFFICIAL))
    _voter, vote = world["burst"][0]
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['a'].id}"
    client.get(url)
    db.execute(update(Vote).where(Vote.id == vote.id).values(idea_id=world["b"].id))
    db.commit()
    # The vote left the selection between the confirm page and the POST.
    response = client.post(url, data={"votes": [vote.id], "reason": "Late"})
    assert response.status_code == 400


def test_a_long_selection_is_listed_in_parts(client, make, world, monkeypatch):
    from inhabithon.votes import integrity

    monkeypatch.setattr(integrity, "MAX_LISTED_VOTES", 4)
    client.login(make.user(Role.OFFICIAL))
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['a'].id}"
    html = client.get(url).get_data(as_text=True)
    assert html.count('name="votes"') == 4
    assert "Only the first 4 votes are listed." in html


def test_the_challenge_page_links_officials_to_vote_integrity(client, make, world):
    slug = world["challenge"].slug
    link = f'href="/challenges/{slug}/vote-integrity"'
    client.login(make.user())
    assert link not in client.get(f"/challenges/{slug}").get_data(as_text=True)
    client.login(make.user(Role.OFFICIAL))
    assert link in client.get(f"/challenges/{slug}").get_data(as_text=True)


def test_a_steady_stream_of_votes_is_no_burst(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    now = utcnow()
    for window in range(6):
        for n in range(5):
            at = _window_start(now - dt.timedelta(minutes=10 * window)) + dt.timedelta(seconds=n)
            _cast(make, db, idea, at=at, account_age=dt.timedelta(days=30), source=None)
    client.login(make.user(Role.OFFICIAL))
    html = _page(client, challenge).get_data(as_text=True)
    assert "30 votes in this challenge." in html
    assert "by=burst" not in html
    assert "No bursts of votes." in html
    assert "No network with many voters." in html


def test_only_votes_from_new_accounts_are_checked_to_begin_with(client, make, world):
    client.login(make.user(Role.OFFICIAL))
    url = f"/challenges/{world['challenge'].slug}/vote-integrity/void?by=idea&key={world['b'].id}"
    html = client.get(url).get_data(as_text=True)
    for _user, vote in world["old"]:
        assert f'value="{vote.id}" id="vote-{vote.id}">' in html  # not checked
    assert "Votes from accounts less than 24 hours old are checked to begin with." in html


def test_a_vote_at_the_end_of_a_window_stays_in_it(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING)
    idea = make.idea(challenge)
    start = _window_start(utcnow() - dt.timedelta(minutes=30))
    at = start + dt.timedelta(seconds=599, microseconds=600_000)
    ids = [_cast(make, db, idea, at=at, account_age=dt.timedelta(hours=2))[1].id for _ in range(5)]
    client.login(make.user(Role.OFFICIAL))
    window = int(start.timestamp()) // WINDOW
    html = _page(client, challenge).get_data(as_text=True)
    assert f"by=burst&amp;key={window}&" in html or f'by=burst&amp;key={window}"' in html
    void = client.get(f"/challenges/{challenge.slug}/vote-integrity/void?by=burst&key={window}")
    page = void.get_data(as_text=True)
    assert all(f'id="vote-{i}" checked' in page for i in ids)
