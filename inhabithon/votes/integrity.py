"""Vote integrity: where votes come from, and voiding the ones that should not count.

Each vote keeps a keyed hash of the voter's network (IPv4 /24, IPv6 /64),
never the address, so officials can see that many voters share one network
without anyone learning which network it is. The views here answer with
aggregate SQL (GROUP BY), so their cost grows with the number of windows,
networks and ideas, not with the number of votes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, func, literal_column, select, update

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.ideas.models import Idea
from inhabithon.votes.models import Ballot, Vote

WINDOW_MINUTES = 10
NEW_ACCOUNT_HOURS = 24
# A window is a burst when it holds at least this many votes and at least
# BURST_FACTOR times as many as the median window of the voting period so far.
BURST_MIN_VOTES = 5
BURST_FACTOR = 3
NETWORK_MIN_VOTERS = 3
HASH_PREFIX = 10
MAX_LISTED_VOTES = 500

_WINDOW = WINDOW_MINUTES * 60
_NEW = NEW_ACCOUNT_HOURS * 3600


# --- the network hash -----------------------------------------------------------


def network_of(remote_addr: str | None) -> str | None:
    """The network an address belongs to (IPv4 /24, IPv6 /64), or None."""
    if not remote_addr:
        return None
    try:
        address = ipaddress.ip_address(remote_addr.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def network_hash(remote_addr: str | None) -> str | None:
    """HMAC-SHA256 (keyed with a key derived from SECRET_KEY) of the address's
    network, in hex; None when there is no usable address."""
    network = network_of(remote_addr)
    if network is None:
        return None
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = hmac.new(secret, b"inhabithon vote network", hashlib.sha256).digest()
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()


# --- aggregate views -------------------------------------------------------------


def _epoch(column: Any) -> ColumnElement[int]:
    """Whole seconds since 1970 of a (naive UTC) datetime column, in SQL."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.cast(func.strftime("%s", column), sa.Integer)
    # floor, not the rounding of a cast: a vote at 12:09:59.6 belongs to 12:00–12:10.
    return sa.cast(func.floor(func.extract("epoch", column)), sa.BigInteger)


def _is_new() -> ColumnElement[int]:
    """1 when the vote was cast within NEW_ACCOUNT_HOURS of the account's creation."""
    age = _epoch(Vote.created_at) - _epoch(User.created_at)
    return sa.case((age < literal_column(str(_NEW), sa.Integer), 1), else_=0)


def _bucket() -> ColumnElement[int]:
    # Literal constants keep the GROUP BY expression identical to the selected one.
    return _epoch(Vote.created_at) // literal_column(str(_WINDOW), sa.Integer)


def _from_epoch(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@dataclass
class Burst:
    window: int  # the window's number: seconds since 1970 // window length
    votes: int
    new_account_votes: int
    networks: int

    @property
    def starts_at(self) -> dt.datetime:
        return _from_epoch(self.window * _WINDOW)

    @property
    def ends_at(self) -> dt.datetime:
        return _from_epoch((self.window + 1) * _WINDOW)


@dataclass
class NetworkRow:
    source_hash: str
    voters: int
    votes: int
    new_account_votes: int

    @property
    def label(self) -> str:
        return self.source_hash[:HASH_PREFIX]


@dataclass
class IdeaRow:
    idea_id: int
    title: str
    language: str
    votes: int
    new_account_votes: int

    @property
    def new_share(self) -> float:
        return self.new_account_votes / self.votes if self.votes else 0.0


@dataclass
class Report:
    bursts: list[Burst]
    threshold: int
    networks: list[NetworkRow]
    ideas: list[IdeaRow]
    total_votes: int
    new_account_votes: int


def _windows_so_far(challenge: Challenge) -> int:
    end = min(utcnow(), challenge.jury_review_at)
    seconds = (end - challenge.voting_open_at).total_seconds()
    return max(1, int(seconds // _WINDOW) + 1)


def _burst_threshold(counts: list[int], windows: int) -> int:
    """BURST_FACTOR × the median window (empty windows count as 0), at least BURST_MIN_VOTES."""
    padded = [0] * max(0, windows - len(counts)) + counts
    median = statistics.median(padded) if padded else 0
    return max(BURST_MIN_VOTES, int(BURST_FACTOR * median))


def report(challenge: Challenge) -> Report:
    """Bursts, shared networks and new-account shares per idea, in three aggregate queries."""
    new = _is_new()
    bucket = _bucket().label("window")
    window_rows = db.session.execute(
        select(
            bucket,
            func.count(Vote.id),
            func.sum(new),
            func.count(sa.distinct(Vote.source_hash)),
        )
        .join(User, User.id == Vote.user_id)
        .where(Vote.challenge_id == challenge.id)
        .group_by(bucket)
    ).all()
    windows = [Burst(int(w), int(n), int(s or 0), int(h)) for w, n, s, h in window_rows]
    threshold = _burst_threshold(sorted(b.votes for b in windows), _windows_so_far(challenge))
    bursts = sorted(
        (b for b in windows if b.votes >= threshold),
        key=lambda b: (-b.new_account_votes, -b.votes, b.window),
    )

    voters = func.count(sa.distinct(Vote.user_id))
    network_rows = db.session.execute(
        select(Vote.source_hash, voters, func.count(Vote.id), func.sum(new))
        .join(User, User.id == Vote.user_id)
        .where(Vote.challenge_id == challenge.id, Vote.source_hash.is_not(None))
        .group_by(Vote.source_hash)
        .having(voters >= NETWORK_MIN_VOTERS)
        .order_by(voters.desc(), Vote.source_hash)
    ).all()
    networks = [NetworkRow(str(h), int(u), int(n), int(s or 0)) for h, u, n, s in network_rows]

    idea_rows = db.session.execute(
        select(Idea.id, Idea.title, Idea.language, func.count(Vote.id), func.sum(new))
        .join(Vote, Vote.idea_id == Idea.id)
        .join(User, User.id == Vote.user_id)
        .where(Vote.challenge_id == challenge.id)
        .group_by(Idea.id, Idea.title, Idea.language)
    ).all()
    ideas = sorted(
        (IdeaRow(int(i), str(t), str(lang), int(n), int(s or 0)) for i, t, lang, n, s in idea_rows),
        key=lambda r: (-r.new_share, -r.votes, r.idea_id),
    )
    return Report(
        bursts=bursts,
        threshold=threshold,
        networks=networks,
        ideas=ideas,
        total_votes=sum(b.votes for b in windows),
        new_account_votes=sum(b.new_account_votes for b in windows),
    )


# --- selecting and voiding votes ----------------------------------------------------

SELECTION_KINDS = ("burst", "network", "idea")


@dataclass
class Selection:
    """Which votes an official is looking at: one window, one network or one idea."""

    kind: str
    key: str

    def where(self, challenge: Challenge) -> list[ColumnElement[bool]]:
        """The filter, or InvalidInput when the key does not fit the kind."""
        conditions: list[ColumnElement[bool]] = [Vote.challenge_id == challenge.id]
        if self.kind == "burst" and self.key.isdigit():
            window = int(self.key)
            start, end = _from_epoch(window * _WINDOW), _from_epoch((window + 1) * _WINDOW)
            conditions += [Vote.created_at >= start, Vote.created_at < end]
        elif self.kind == "network" and len(self.key) == HASH_PREFIX and _is_hex(self.key):
            # Pages show only the hash's prefix; it is unique enough within a challenge.
            conditions.append(Vote.source_hash.startswith(self.key, autoescape=True))
        elif self.kind == "idea" and self.key.isdigit():
            conditions.append(Vote.idea_id == int(self.key))
        else:
            raise InvalidInput(_l("This selection of votes is not valid."))
        return conditions


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


@dataclass
class SelectedVote:
    vote_id: int
    cast_at: dt.datetime
    user_id: int
    account_created_at: dt.datetime
    idea_id: int
    idea_title: str
    idea_language: str
    source_hash: str | None

    @property
    def new_account(self) -> bool:
        return (self.cast_at - self.account_created_at).total_seconds() < _NEW

    @property
    def network(self) -> str:
        return self.source_hash[:HASH_PREFIX] if self.source_hash else ""


def selected_votes(challenge: Challenge, selection: Selection) -> list[SelectedVote]:
    """The votes in ``selection`` (at most MAX_LISTED_VOTES), oldest first."""
    rows = db.session.execute(
        select(
            Vote.id,
            Vote.created_at,
            User.id,
            User.created_at,
            Idea.id,
            Idea.title,
            Idea.language,
            Vote.source_hash,
        )
        .join(User, User.id == Vote.user_id)
        .join(Idea, Idea.id == Vote.idea_id)
        .where(*selection.where(challenge))
        .order_by(Vote.created_at, Vote.id)
        .limit(MAX_LISTED_VOTES)
    ).all()
    return [SelectedVote(*row) for row in rows]


def void_votes(actor: User, challenge: Challenge, vote_ids: list[int], reason: str) -> int:
    """Remove the given votes of ``challenge`` with a reason, keeping every idea's
    vote count and every ballot's used votes exact; one audit entry lists them.

    The DELETE … RETURNING tells exactly which rows this request removed, so a
    vote withdrawn or voided at the same time is not subtracted twice.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_l("Give a reason for voiding these votes."), field="reason")
    if not vote_ids:
        raise InvalidInput(_l("Choose at least one vote to void."), field="votes")
    removed = db.session.execute(
        delete(Vote)
        .where(Vote.challenge_id == challenge.id, Vote.id.in_(sorted(set(vote_ids))))
        .returning(Vote.id, Vote.user_id, Vote.idea_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not removed:
        raise Conflict(_l("These votes have already been removed."))
    per_idea = Counter(idea_id for _vote, _user, idea_id in removed)
    per_user = Counter(user_id for _vote, user_id, _idea in removed)
    for idea_id, n in sorted(per_idea.items()):
        db.session.execute(
            update(Idea)
            .where(Idea.id == idea_id)
            .values(vote_count=Idea.vote_count - n)
            .execution_options(synchronize_session=False)
        )
    for user_id, n in sorted(per_user.items()):
        db.session.execute(
            update(Ballot)
            .where(Ballot.user_id == user_id, Ballot.challenge_id == challenge.id)
            .values(used=Ballot.used - n)
            .execution_options(synchronize_session=False)
        )
    record(
        actor,
        "votes.voided",
        challenge,
        before={
            "votes": [
                {"id": vote_id, "user_id": user_id, "idea_id": idea_id}
                for vote_id, user_id, idea_id in sorted(removed)
            ]
        },
        after={"reason": reason, "voided": len(removed)},
    )
    for idea_id in per_idea:
        idea = db.session.get(Idea, idea_id)
        if idea is not None:
            db.session.expire(idea, ["vote_count"])
    return len(removed)
