"""Pages shared by residents (inhabithon/pagecache/): one copy rendered for every
resident, the personal parts (inhabithon/pagecache/personal.py) filled in for
each reader. The promise: a resident gets exactly the page that would have been
rendered for them, and nothing about anyone else."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.ideas.models import Idea, IdeaMember, IdeaStatus, MemberStatus
from inhabithon.notifications.models import (
    ChallengeFollower,
    IdeaFollower,
    Notification,
    NotificationKind,
)
from inhabithon.pagecache import EXTENSION, RESIDENT, personal
from inhabithon.pagecache.refresh import refresh_due
from inhabithon.projects.models import Project, ProjectFollower
from tests.conftest import Client, bound_app, client_for
from tests.factories import Factory
from tests.projects.helpers import project as make_project
from tests.scale.live import REDIS_BASE

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')
TOKEN_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')
MARKER = "<!--part-"


def _same(html: str) -> str:
    """The page with each reader's own CSRF token left out."""
    return TOKEN.sub('name="csrf_token" value=""', html)


@pytest.fixture
def cached_app(database_url: str, connection: sa.Connection) -> Flask:
    return bound_app(database_url, connection, PAGE_CACHE_SECONDS=60)


@pytest.fixture
def live_app(database_url: str, connection: sa.Connection) -> Flask:
    return bound_app(database_url, connection)  # no cache: every page rendered for its reader


@pytest.fixture
def cmake(cached_app: Flask, db: Session) -> Factory:
    return Factory(cached_app, db)


@dataclass
class World:
    """A challenge in its voting phase and what residents have to do with it."""

    challenge: Challenge
    anonymous: Idea  # written anonymously by ``owner``, with ``member`` on its team
    named: Idea  # written by ``other`` under their name; ``reader`` voted for it
    hidden: Idea  # ``reader`` voted for it before a moderator hid it
    project: Project
    reader: User  # votes, follows, comments, has an unread notification
    owner: User
    member: User
    other: User
    unverified: User
    newcomer: User  # nothing to do with anything yet


@pytest.fixture
def world(cmake: Factory, db: Session) -> World:
    challenge = cmake.challenge(Phase.VOTING, title="Safer squares", vote_budget=3)
    owner = cmake.user(name="Olga Owner")
    member = cmake.user(name="Mats Member")
    other = cmake.user(name="Ola Other")
    reader = cmake.user(name="Rita Reader")
    anonymous = cmake.idea(challenge, owner, anonymous=True, title="Lights by the stairs")
    db.add(IdeaMember(idea_id=anonymous.id, user_id=member.id, status=MemberStatus.ACCEPTED))
    named = cmake.idea(challenge, other, title="Benches on the square")
    hidden = cmake.idea(challenge, other, title="A hidden idea")
    cmake.vote(reader, named)
    cmake.vote(reader, hidden)
    db.execute(sa.update(Idea).where(Idea.id == hidden.id).values(status=IdeaStatus.HIDDEN))
    mine = cmake.comment(anonymous, reader, body_md="Reader's own comment.")
    cmake.comment(anonymous, member, body_md="A member answers.", parent=mine)
    cmake.comment(anonymous, other, body_md="Someone else's comment.")
    db.add_all(
        [
            ChallengeFollower(challenge_id=challenge.id, user_id=reader.id),
            IdeaFollower(idea_id=anonymous.id, user_id=reader.id),
            Notification(
                recipient_id=reader.id, kind=NotificationKind.COMMENT, idea_id=anonymous.id
            ),
        ]
    )
    project = make_project(cmake, named, title="Benches for everyone")
    db.add(ProjectFollower(project_id=project.id, user_id=reader.id))
    db.commit()
    return World(
        challenge,
        anonymous,
        named,
        hidden,
        project,
        reader,
        owner,
        member,
        other,
        cmake.user(name="Uno Unverified", verified=False),
        cmake.user(name="Nea Newcomer"),
    )


def _pages(w: World) -> list[str]:
    return [
        "/",
        f"/events/{w.challenge.event.slug}",
        f"/challenges/{w.challenge.slug}",
        f"/challenges/{w.challenge.slug}?sort=newest",
        f"/ideas/{w.anonymous.id}",
        f"/ideas/{w.named.id}",
        f"/projects/{w.project.slug}",
        "/search?q=benches",
    ]


def _as(app: Flask, db: Session, user: User) -> Client:
    client = client_for(app, db)
    client.login(user)
    return client


def test_every_resident_gets_from_the_shared_copy_exactly_the_page_rendered_for_them(
    cached_app, live_app, db, world
):
    readers = [world.reader, world.owner, world.member, world.other, world.unverified]
    readers.append(world.newcomer)
    for path in _pages(world):
        for n, user in enumerate(readers):
            shared = _as(cached_app, db, user).get(path)
            live = _as(live_app, db, user).get(path)

            assert shared.status_code == live.status_code == 200, path
            # The first reader's request rendered the copy; everyone else's was served it.
            assert shared.headers["X-Page-Cache"] == ("miss" if n == 0 else "hit"), path
            assert "X-Page-Cache" not in live.headers
            html = shared.get_data(as_text=True)
            assert MARKER not in html
            assert _same(html) == _same(live.get_data(as_text=True)), (path, user.display_name)


def test_the_personal_parts_are_each_readers_own(cached_app, db, world):
    url = f"/ideas/{world.anonymous.id}"
    owner = _as(cached_app, db, world.owner).get(url).get_data(as_text=True)
    reader = _as(cached_app, db, world.reader).get(url)
    newcomer = _as(cached_app, db, world.newcomer).get(url).get_data(as_text=True)
    mine = reader.get_data(as_text=True)

    assert reader.headers["X-Page-Cache"] == "hit"
    # The owner's tools, for the owner only: the copy does not say whose idea it is.
    assert "You published this idea anonymously" in owner
    assert "You published this idea anonymously" not in mine
    assert "Olga Owner" not in mine
    assert "Olga Owner" not in owner  # anonymous: not even on the owner's own page
    # The reader follows the idea, has an unread notification and wrote a comment.
    assert "Stop following" in mine
    assert "Follow this idea" in newcomer
    assert 'class="badge notification-count">1<' in mine
    assert "notification-count" not in newcomer
    assert mine.count(">Delete<") == 1  # their own comment only
    assert newcomer.count(">Delete<") == 0
    assert newcomer.count(">Report<") == 3
    assert mine.count(">Report<") == 2  # not their own
    # The owner cannot vote for their own idea; the others can.
    assert "You cannot vote for your own team's idea." in owner
    assert "Vote for this idea" in newcomer


def test_each_reader_gets_kept_parts_with_their_own_csrf_token(cached_app, db, world):
    """The vote box, the follow button and the comments' buttons are rendered once
    per process for every reader whose values are the same (``render_part``):
    each reader's forms carry their own token, which only their session accepts."""
    url = f"/ideas/{world.anonymous.id}"
    readers = {user: _as(cached_app, db, user) for user in (world.newcomer, world.other)}
    tokens = {}
    for user, client in readers.items():
        html = client.get(url).get_data(as_text=True)
        assert "Vote for this idea" in html
        assert "Follow this idea" in html
        found = set(TOKEN_VALUE.findall(html))
        assert len(found) == 1, user.display_name  # the header's forms and every part's
        tokens[user] = found.pop()
    assert tokens[world.newcomer] != tokens[world.other]
    vote = f"/ideas/{world.anonymous.id}/vote"
    newcomer = readers[world.newcomer]
    refused = newcomer.post(vote, data={"csrf_token": tokens[world.other]}, csrf=False)
    assert refused.status_code == 400
    for user, client in readers.items():
        voted = client.post(vote, data={"csrf_token": tokens[user]}, csrf=False)
        assert voted.status_code == 303, user.display_name


def test_a_kept_part_may_not_read_its_reader(cached_app, db, world):
    """A template kept by ``render_part`` depends on its values alone: one that asks
    for ``current_user`` is refused, and so is a value that is an object."""
    with cached_app.test_request_context():
        with pytest.raises(personal.ReadTheReader):
            personal.render_part("ideas/_leave_team.html", idea=None)
        with pytest.raises(TypeError, match="plain value"):
            personal.render_part("ideas/_flag.html", idea_id=world.named)
        first = personal.render_part("ideas/_flag.html", idea_id=world.named.id)
    assert f"/ideas/{world.named.id}/flag" in first


def test_a_residents_votes_and_hidden_votes_are_shown_to_them_alone(cached_app, db, world):
    idea_url = f"/ideas/{world.named.id}"
    challenge_url = f"/challenges/{world.challenge.slug}"
    newcomer = _as(cached_app, db, world.newcomer)
    reader = _as(cached_app, db, world.reader)

    assert "Vote for this idea" in newcomer.get(idea_url).get_data(as_text=True)
    voted = reader.get(idea_url)
    assert voted.headers["X-Page-Cache"] == "hit"
    assert "You have voted for this idea." in voted.get_data(as_text=True)
    assert "1 of 3 votes left in this challenge" in voted.get_data(as_text=True)

    newcomer_challenge = newcomer.get(challenge_url).get_data(as_text=True)
    reader_challenge = reader.get(challenge_url)
    assert reader_challenge.headers["X-Page-Cache"] == "hit"
    assert "You voted for 1 idea that has been hidden since." in reader_challenge.get_data(
        as_text=True
    )
    assert "hidden since" not in newcomer_challenge


def test_an_unverified_resident_is_asked_to_confirm_their_address(cached_app, db, world):
    url = f"/challenges/{world.challenge.slug}"
    _as(cached_app, db, world.reader).get(url)

    page = _as(cached_app, db, world.unverified).get(url)

    assert page.headers["X-Page-Cache"] == "hit"
    assert "Please confirm your e-mail address" in page.get_data(as_text=True)
    assert "Please confirm your e-mail address" not in _as(cached_app, db, world.reader).get(
        url
    ).get_data(as_text=True)


def test_residents_reading_in_arabic_share_an_arabic_copy_with_arabic_parts(
    cached_app, cmake, db, world
):
    url = f"/ideas/{world.named.id}"
    arabic = [cmake.user(locale="ar") for _ in range(2)]
    swedish = cmake.user(locale="sv")
    readers = [_as(cached_app, db, user) for user in (*arabic, swedish)]
    for client in readers:
        client.language = None  # the language of their profile, not the browser's

    first, second, third = (client.get(url) for client in readers)

    assert [r.headers["X-Page-Cache"] for r in (first, second, third)] == ["miss", "hit", "miss"]
    page = second.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "صوّت لهذه الفكرة" in page  # "Vote for this idea", the reader's own vote box
    assert "Rösta på den här idén" in third.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.GUIDE, Role.JURY, Role.OFFICIAL, Role.ADMIN])
def test_anyone_with_a_role_beyond_resident_gets_the_page_rendered_for_them(
    cached_app, cmake, db, world, role
):
    url = f"/ideas/{world.anonymous.id}"
    _as(cached_app, db, world.reader).get(url)  # the residents' copy exists
    client = _as(cached_app, db, cmake.user(role))

    first, second = client.get(url), client.get(url)

    assert "X-Page-Cache" not in first.headers
    assert "X-Page-Cache" not in second.headers
    if role is Role.ADMIN:  # admins see who wrote an anonymous idea: never in a shared copy
        assert "Olga Owner" in second.get_data(as_text=True)


def test_a_resident_who_just_wrote_something_sees_the_live_page(cached_app, db, world):
    url = f"/ideas/{world.named.id}"
    client = _as(cached_app, db, world.newcomer)
    assert client.get(url).headers["X-Page-Cache"] == "miss"

    sent = client.post(
        f"/ideas/{world.named.id}/comments",
        data={"body": "My fresh comment.", "language": "en", "display": "name"},
    )
    assert sent.status_code == 303
    client.get(url)  # the page with the flashed message: rendered for them
    again = client.get(url)

    assert "X-Page-Cache" not in again.headers
    assert "My fresh comment." in again.get_data(as_text=True)
    # Others get the residents' copy, as old as it may be.
    other = _as(cached_app, db, world.other).get(url)
    assert other.headers["X-Page-Cache"] == "hit"
    assert "My fresh comment." not in other.get_data(as_text=True)


def test_the_owner_of_a_pending_idea_gets_it_and_nobody_else_does(cached_app, cmake, db, world):
    pending = cmake.idea(world.challenge, world.owner, status=IdeaStatus.PENDING)
    url = f"/ideas/{pending.id}"

    owner = _as(cached_app, db, world.owner).get(url)
    reader = _as(cached_app, db, world.reader).get(url)

    assert owner.status_code == 200
    assert "X-Page-Cache" not in owner.headers
    assert "This idea is waiting for review" in owner.get_data(as_text=True)
    assert reader.status_code == 404


def test_a_shared_copy_holds_nothing_personal(cached_app, db, world):
    url = f"/ideas/{world.anonymous.id}"
    _as(cached_app, db, world.owner).get(url)

    [entry] = [e for k, e in cached_app.extensions[EXTENSION]._entries.items() if k[-1] == RESIDENT]

    body = entry.body.decode()
    assert MARKER in body  # the personal parts are left out ...
    for personal_text in ("You published this idea", "Log in", "Stop following", ">Delete<"):
        assert personal_text not in body
    assert world.owner.display_name not in body  # the anonymous idea's author
    for user in (world.owner, world.reader):
        assert user.email not in body
    # ... and what they are: names and plain values any reader may see.
    names = {name for name, _args in entry.parts}
    assert names >= {"notification-badge", "follow", "vote-box", "comment-actions"}
    assert all(isinstance(arg, (int, str, type(None))) for _n, args in entry.parts for arg in args)


def test_the_resident_nobody_is_refuses_to_say_who_they_are():
    every = personal.SHARED_RESIDENT

    assert every.is_authenticated
    assert every.has_role(Role.RESIDENT)
    assert not every.has_role(Role.OFFICIAL)
    for question in ("id", "display_name", "email", "is_verified", "locale", "roles"):
        with pytest.raises(personal.PersonalData):
            getattr(every, question)


def _queries_of_a_hit(client: Client, url: str, count_queries) -> int:
    count_queries.statements.clear()
    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "hit"
    assert MARKER not in response.get_data(as_text=True)
    return int(count_queries.count)


def test_a_residents_cached_page_costs_the_same_few_queries_however_many_ideas(
    cached_app, cmake, db, world, count_queries
):
    url = f"/challenges/{world.challenge.slug}"
    client = _as(cached_app, db, world.reader)
    client.get(url)

    few = _queries_of_a_hit(client, url, count_queries)
    for _ in range(25):
        cmake.idea(world.challenge)
    # The reader, then the badge, the follow button and the hidden-votes notice asked
    # together: the page itself costs nothing.
    assert few == _queries_of_a_hit(client, url, count_queries) == 2


def test_a_residents_cached_idea_page_costs_the_same_queries_however_many_comments(
    cached_app, cmake, db, world, count_queries
):
    url = f"/ideas/{world.anonymous.id}"
    client = _as(cached_app, db, world.reader)
    client.get(url)

    few = _queries_of_a_hit(client, url, count_queries)
    for _ in range(30):
        cmake.comment(world.anonymous)
    cached_app.extensions[EXTENSION].clear()
    client.get(url)  # the copy rendered again, with the new comments
    page = client.get(url).get_data(as_text=True)
    assert page.count(">Delete<") == 1  # the reader's own comment only
    assert page.count(">Report<") == 32
    # The reader; then the idea with its team, loaded with the badge, the follow
    # button, the reader's ballot and vote and their own comments on the idea.
    assert few == _queries_of_a_hit(client, url, count_queries) == 2


# --- several app servers ------------------------------------------------------------


@pytest.fixture
def servers(shared_apps: list[Flask]) -> list[Flask]:
    return shared_apps


def test_app_servers_share_the_residents_copy_through_redis(
    servers, db, world, redis_prefix, count_queries
):
    first, second = servers
    url = f"/ideas/{world.anonymous.id}"
    _as(first, db, world.owner).get(url)

    count_queries.statements.clear()
    served = _as(second, db, world.reader).get(url)

    assert served.headers["X-Page-Cache"] == "shared"
    html = served.get_data(as_text=True)
    assert MARKER not in html
    assert "Stop following" in html
    assert "You published this idea" not in html
    # No render on the second server: the reader and their parts only.
    assert not any("FROM comments JOIN" in sql for sql in count_queries.statements)
    client = redis.Redis.from_url(REDIS_BASE)
    for name in client.scan_iter(match=f"{redis_prefix}:page:*"):
        value = client.get(name) or b""
        assert b"Olga Owner" not in value
        assert world.owner.email.encode() not in value
    client.close()


def test_the_refresher_renders_the_residents_copy_again(servers, db, world):
    first, second = servers
    url = f"/challenges/{world.challenge.slug}"
    _as(first, db, world.reader).get(url)
    assert _as(second, db, world.other).get(url).headers["X-Page-Cache"] == "shared"
    first.extensions[EXTENSION].shared.client.pexpire(
        first.extensions[EXTENSION].shared._name(
            next(k for k in first.extensions[EXTENSION]._entries if k[-1] == RESIDENT)
        ),
        300,
    )

    assert refresh_due(first, lead=1.0) == 1

    second.extensions[EXTENSION].clear()
    page = _as(second, db, world.reader).get(url)
    assert page.headers["X-Page-Cache"] == "shared"
    assert "Stop following" in page.get_data(as_text=True)
