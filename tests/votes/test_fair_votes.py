"""Fair votes: a verified e-mail address, the 'registered before voting' rule
and the network hash each vote keeps (never the address)."""

import datetime as dt
import hashlib
import hmac
import re

from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.challenges.models import Phase
from inhabithon.db import utcnow
from inhabithon.timeutil import utc_to_local
from inhabithon.votes.integrity import network_hash, network_of
from inhabithon.votes.models import Vote
from tests.conftest import SECRET


def _vote(client, idea, addr="198.51.100.7"):
    return client.post(f"/ideas/{idea.id}/vote", environ_base={"REMOTE_ADDR": addr})


def _votes(db, idea):
    return db.scalars(select(Vote).where(Vote.idea_id == idea.id)).all()


def test_an_unverified_account_cannot_vote_and_is_told_how_to_fix_it(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user(verified=False))
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Please confirm your e-mail address before you vote" in page
    assert 'action="/account/verify"' in page
    assert f'action="/ideas/{idea.id}/vote"' not in page

    response = _vote(client, idea)
    assert response.status_code == 409
    assert "Please confirm your e-mail address before you vote" in response.get_data(as_text=True)
    assert client.post("/account/verify").status_code in (302, 303)  # the link is sent again
    assert _votes(db, idea) == []
    db.refresh(idea)
    assert idea.vote_count == 0


def test_a_verified_account_votes(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user())
    assert _vote(client, idea).status_code == 303
    assert len(_votes(db, idea)) == 1


def test_the_message_is_translated(client, make):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user(verified=False, locale="sv"))
    response = client.post(
        f"/ideas/{idea.id}/vote", headers={"Accept-Language": "sv"}, environ_base={}
    )
    assert response.status_code == 409
    assert "Bekräfta din e-postadress" in response.get_data(as_text=True)


def test_late_accounts_cannot_vote_when_the_challenge_requires_early_registration(client, make, db):
    challenge = make.challenge(phase=Phase.VOTING, voters_registered_before_voting=True)
    idea = make.idea(challenge)
    late = make.user()  # created now, after voting opened an hour ago
    client.login(late)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "only accounts created before voting opened can vote" in page
    assert f'action="/ideas/{idea.id}/vote"' not in page
    response = _vote(client, idea)
    assert response.status_code == 409
    assert "only accounts created before voting opened can vote" in response.get_data(as_text=True)
    assert _votes(db, idea) == []

    early = make.user(created_at=challenge.voting_open_at - dt.timedelta(days=3))
    client.login(early)
    assert _vote(client, idea).status_code == 303
    assert [v.user_id for v in _votes(db, idea)] == [early.id]


def test_late_accounts_vote_when_the_challenge_does_not_require_it(client, make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user())
    assert _vote(client, idea).status_code == 303


def test_officials_set_the_rule_in_the_challenge_form_and_it_is_audited(client, make, db):
    client.login(make.user(Role.OFFICIAL))
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    edit = f"/manage/challenges/{challenge.slug}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert 'name="voters_registered_before_voting"' in html
    data = {
        "title": challenge.title,
        "slug": challenge.slug,
        "category": challenge.category,
        "summary": challenge.summary,
        "description": challenge.description_md,
        "language": challenge.language,
        "vote_budget": "3",
        "vote_visibility": "always",
        "is_published": "y",
        "voters_registered_before_voting": "y",
        **{
            name: utc_to_local(getattr(challenge, name)).strftime("%Y-%m-%dT%H:%M")
            for name in ("submissions_open_at", "voting_open_at", "jury_review_at")
        },
    }
    assert client.post(edit, data=data).status_code in (302, 303)
    db.refresh(challenge)
    assert challenge.voters_registered_before_voting is True
    [entry] = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "challenge.voter_registration_rule_changed")
    ).all()
    assert entry.before == {"voters_registered_before_voting": False}
    assert entry.after == {"voters_registered_before_voting": True}
    checkbox = re.search(
        r"<input[^>]*name=\"voters_registered_before_voting\"[^>]*>",
        client.get(edit).get_data(as_text=True),
    )
    assert checkbox is not None
    assert "checked" in checkbox.group(0)

    del data["voters_registered_before_voting"]
    assert client.post(edit, data=data).status_code in (302, 303)
    db.refresh(challenge)
    assert challenge.voters_registered_before_voting is False


def test_each_vote_keeps_a_keyed_hash_of_its_network_never_the_address(client, make, db, app):
    challenge = make.challenge(phase=Phase.VOTING)
    ideas = [make.idea(challenge) for _ in range(3)]
    for idea, addr in zip(ideas, ["198.51.100.7", "198.51.100.200", "203.0.113.9"], strict=True):
        client.login(make.user())
        assert _vote(client, idea, addr).status_code == 303
    hashes = [_votes(db, idea)[0].source_hash for idea in ideas]
    key = hmac.new(SECRET.encode(), b"inhabithon vote network", hashlib.sha256).digest()
    expected = hmac.new(key, b"198.51.100.0/24", hashlib.sha256).hexdigest()
    assert hashes[0] == hashes[1] == expected  # the same /24
    assert hashes[2] != hashes[0]
    for value in hashes:
        assert len(value) == 64
        assert "198.51" not in value
        assert "203.0" not in value


def test_network_of_groups_ipv4_by_24_and_ipv6_by_64(app):
    assert network_of("198.51.100.7") == "198.51.100.0/24"
    assert network_of("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert network_of("::ffff:198.51.100.7") == "198.51.100.0/24"
    assert network_of("not an address") is None
    assert network_of(None) is None
    with app.app_context():
        assert network_hash("2001:db8:1:2:aaaa::1") == network_hash("2001:db8:1:2:bbbb::9")
        assert network_hash("2001:db8:1:3::1") != network_hash("2001:db8:1:2::1")
        assert network_hash("") is None


def test_a_vote_cast_without_a_known_address_has_no_hash(make, db):
    idea = make.idea(make.challenge(phase=Phase.VOTING))
    vote = make.vote(make.user(), idea)
    assert db.get(Vote, vote.id).source_hash is None
    assert vote.created_at <= utcnow()


def test_the_voters_address_is_stored_nowhere(client, make, db):
    from inhabithon.db import Base

    idea = make.idea(make.challenge(phase=Phase.VOTING))
    client.login(make.user())
    assert _vote(client, idea, "203.0.113.77").status_code == 303
    assert _vote(client, idea, "2001:db8:9:9::77").status_code == 409  # already voted
    for table in Base.metadata.sorted_tables:
        for row in db.execute(table.select()):
            text = " ".join(str(value) for value in row)
            assert "203.0.113" not in text, table.name
            assert "2001:db8" not in text, table.name
