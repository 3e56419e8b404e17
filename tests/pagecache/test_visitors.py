"""The page cache for visitors who are not logged in (inhabithon/pagecache/):
who gets a cached page, what it may contain, and how long it lives, and the
pages shared by several app servers through Redis."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from inhabithon import pagecache
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.pagecache import refresh, store
from inhabithon.pagecache.refresh import refresh_due
from tests.conftest import Client, bound_app, client_for
from tests.factories import Factory
from tests.scale.live import REDIS_BASE

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def cached_app(database_url: str, connection: sa.Connection) -> Flask:
    return bound_app(database_url, connection, PAGE_CACHE_SECONDS=60)


@pytest.fixture
def visitor(cached_app: Flask, db: Session) -> Client:
    return client_for(cached_app, db)


@pytest.fixture
def other_visitor(cached_app: Flask, db: Session) -> Client:
    return client_for(cached_app, db)


@pytest.fixture
def cmake(cached_app: Flask, db: Session) -> Factory:
    return Factory(cached_app, db)


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', html)


def _expire(app: Flask) -> None:
    app.extensions[pagecache.EXTENSION].clear()


def test_a_visitor_gets_the_page_from_the_cache_without_touching_the_database(
    visitor, cmake, count_queries
):
    url = f"/ideas/{cmake.idea(title='Benches on the square').id}"

    first = visitor.get(url)
    count_queries.statements.clear()
    second = visitor.get(url)

    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert count_queries.statements == []
    assert _without_tokens(second.get_data(as_text=True)) == _without_tokens(
        first.get_data(as_text=True)
    )
    assert "Benches on the square" in second.get_data(as_text=True)
    # The security headers are the server's on every answer, cached or not.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["X-Frame-Options"] == "DENY"
    assert second.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    ["/", "/challenges/{slug}", "/events/{event}", "/projects", "/search?q=benches"],
)
def test_every_public_page_type_is_cached_for_visitors(visitor, cmake, path):
    idea = cmake.idea(title="Benches on the square")
    url = path.format(slug=idea.challenge.slug, event=idea.challenge.event.slug)

    assert visitor.get(url).headers["X-Page-Cache"] == "miss"
    assert visitor.get(url).headers["X-Page-Cache"] == "hit"


def test_a_cached_page_carries_each_visitors_own_working_csrf_token(visitor, other_visitor, cmake):
    challenge = cmake.challenge()
    url = f"/challenges/{challenge.slug}"
    mine = TOKEN.search(visitor.get(url).get_data(as_text=True))
    served = other_visitor.get(url)
    theirs = TOKEN.search(served.get_data(as_text=True))

    assert served.headers["X-Page-Cache"] == "hit"
    assert mine is not None
    assert theirs is not None
    assert mine[1] != theirs[1]
    # The language switcher on the cached page works with the token it carries ...
    switched = other_visitor.post(
        "/language", data={"lang": "ar", "next": url, "csrf_token": theirs[1]}, csrf=False
    )
    assert switched.status_code == 303
    assert "lang=ar" in switched.headers["Set-Cookie"]
    # ... and another visitor's token is refused.
    refused = other_visitor.post(
        "/language", data={"lang": "en", "next": url, "csrf_token": mine[1]}, csrf=False
    )
    assert refused.status_code == 400


def test_each_interface_language_has_its_own_cached_page(visitor, cmake):
    challenge = cmake.challenge()
    url = f"/challenges/{challenge.slug}"

    english = visitor.get(url, headers={"Accept-Language": "en"})
    swedish = visitor.get(url, headers={"Accept-Language": "sv"})
    english_again = visitor.get(url, headers={"Accept-Language": "en"})
    visitor.set_cookie("lang", "ar")
    arabic = visitor.get(url)

    assert [r.headers["X-Page-Cache"] for r in (english, swedish, english_again, arabic)] == [
        "miss",
        "miss",
        "hit",
        "miss",
    ]
    assert '<html lang="en"' in english_again.get_data(as_text=True)
    assert '<html lang="sv"' in swedish.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in arabic.get_data(as_text=True)


def test_visitors_and_residents_never_get_each_others_copy(visitor, cmake, db):
    resident = cmake.user(name="Signe Signed-In")
    idea = cmake.idea()
    url = f"/ideas/{idea.id}"

    visitor.login(resident)
    first = visitor.get(url)
    second = visitor.get(url)
    visitor.logout()
    as_visitor = visitor.get(url)

    # Residents have a copy of their own (tests/pagecache/test_residents.py) ...
    assert [first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]] == ["miss", "hit"]
    assert "Log out" in second.get_data(as_text=True)
    # ... and the visitor's page was rendered for a visitor, not taken from theirs.
    assert as_visitor.headers["X-Page-Cache"] == "miss"
    assert "Log out" not in as_visitor.get_data(as_text=True)
    assert "Signe Signed-In" not in as_visitor.get_data(as_text=True)


def test_a_visitor_sees_changes_once_the_cached_page_expires(visitor, cached_app, cmake, db):
    idea = cmake.idea(title="Old title")
    url = f"/ideas/{idea.id}"
    visitor.get(url)

    db.execute(sa.update(Idea).where(Idea.id == idea.id).values(title="New title"))
    db.commit()
    stale = visitor.get(url).get_data(as_text=True)
    _expire(cached_app)
    fresh = visitor.get(url).get_data(as_text=True)

    assert "Old title" in stale  # within PAGE_CACHE_SECONDS: the promise is this much staleness
    assert "New title" in fresh


def test_cached_pages_expire_after_page_cache_seconds(monkeypatch):
    cache = pagecache.PageCache(seconds=5, max_entries=10)
    now = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: now[0])
    cache.put(("k",), pagecache.Entry(b"page", (), now[0] + 5, has_token=False))

    now[0] += 4.9
    assert cache.get(("k",)) is not None
    now[0] += 0.2
    assert cache.get(("k",)) is None
    assert len(cache) == 0


def test_the_cache_keeps_at_most_page_cache_entries_dropping_the_least_recently_used():
    cache = pagecache.PageCache(seconds=60, max_entries=2)
    entry = pagecache.Entry(b"page", (), float("inf"), has_token=False)
    cache.put(("a",), entry)
    cache.put(("b",), entry)
    assert cache.get(("a",)) is entry  # "a" is now the most recently used
    cache.put(("c",), entry)

    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is entry
    assert cache.get(("c",)) is entry


def test_a_visitor_with_a_flashed_message_gets_a_fresh_page_that_is_not_kept(
    visitor, other_visitor, cmake
):
    challenge = cmake.challenge()
    url = f"/challenges/{challenge.slug}"
    other_visitor.get(url)  # cached without a message
    with visitor.session_transaction() as sess:
        sess["_flashes"] = [("info", "A message for this visitor only")]

    flashed = visitor.get(url)
    later = other_visitor.get(url)

    assert "X-Page-Cache" not in flashed.headers
    assert "A message for this visitor only" in flashed.get_data(as_text=True)
    assert later.headers["X-Page-Cache"] == "hit"
    assert "A message for this visitor only" not in later.get_data(as_text=True)


def test_errors_and_hidden_content_are_never_cached(visitor, cmake):
    hidden = cmake.idea(status=IdeaStatus.HIDDEN)
    draft = cmake.challenge(Phase.DRAFT)

    for url in (f"/ideas/{hidden.id}", f"/challenges/{draft.slug}", "/ideas/999999"):
        assert visitor.get(url).status_code == 404
        again = visitor.get(url)
        assert again.status_code == 404
        assert "X-Page-Cache" not in again.headers


def test_query_strings_are_cached_apart(visitor, cmake):
    challenge = cmake.challenge(Phase.RESULTS)
    cmake.idea(challenge, title="An idea")
    url = f"/challenges/{challenge.slug}"

    by_votes = visitor.get(f"{url}?sort=votes")
    newest = visitor.get(f"{url}?sort=newest")

    assert by_votes.headers["X-Page-Cache"] == "miss"
    assert newest.headers["X-Page-Cache"] == "miss"
    assert 'aria-current="true"' in newest.get_data(as_text=True)


def test_pages_that_are_not_marked_public_are_never_cached(visitor):
    for url in ("/login", "/register", "/track", "/accessibility"):
        visitor.get(url)
        assert "X-Page-Cache" not in visitor.get(url).headers


def test_without_page_cache_seconds_nothing_is_cached(client, make):
    challenge = make.challenge()
    client.get(f"/challenges/{challenge.slug}")

    assert "X-Page-Cache" not in client.get(f"/challenges/{challenge.slug}").headers
    assert pagecache.EXTENSION not in client.application.extensions


def test_a_head_request_is_answered_from_the_cache(visitor, cmake):
    challenge = cmake.challenge()
    url = f"/challenges/{challenge.slug}"
    visitor.get(url)

    head = visitor.head(url)

    assert head.status_code == 200
    assert head.headers["X-Page-Cache"] == "hit"
    assert head.data == b""


def test_the_api_is_cached_and_still_answers_304_to_a_current_copy(visitor, cmake, count_queries):
    idea = cmake.idea(title="Benches on the square")
    url = f"/api/v1/ideas?challenge={idea.challenge.slug}"

    first = visitor.get(url)
    count_queries.statements.clear()
    second = visitor.get(url)
    revalidated = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert count_queries.count == 0
    assert second.get_json() == first.get_json()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    assert revalidated.status_code == 304
    assert revalidated.data == b""


# --- several app servers: the pages they share through Redis ------------------------


@pytest.fixture
def servers(shared_apps: list[Flask], db: Session) -> list[Client]:
    """Two app servers sharing one Redis, a visitor's client for each."""
    return [client_for(app, db) for app in shared_apps]


def _local(client: Client) -> pagecache.PageCache:
    return client.application.extensions[pagecache.EXTENSION]


def test_app_servers_share_the_pages_they_render_through_redis(servers, make, count_queries):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Shared square').slug}"

    rendered = first.get(url)
    count_queries.statements.clear()
    shared = second.get(url)
    again = second.get(url)

    assert [r.headers["X-Page-Cache"] for r in (rendered, shared, again)] == [
        "miss",
        "shared",
        "hit",
    ]
    assert count_queries.statements == []  # the second server rendered nothing
    assert "Shared square" in shared.get_data(as_text=True)
    assert _without_tokens(shared.get_data(as_text=True)) == _without_tokens(
        rendered.get_data(as_text=True)
    )
    # The page from the other server carries this visitor's own token, which works here.
    token = TOKEN.search(shared.get_data(as_text=True)).group(1)
    assert token != TOKEN.search(rendered.get_data(as_text=True)).group(1)
    switched = second.post(
        "/language", data={"lang": "en", "next": url, "csrf_token": token}, csrf=False
    )
    assert switched.status_code == 303


def test_while_one_worker_renders_an_expired_page_another_serves_its_copy(
    servers, make, redis_prefix
):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Busy square').slug}"
    first.get(url)
    assert second.get(url).headers["X-Page-Cache"] == "shared"
    # Time passes: the page expires everywhere, and the first server starts rendering it.
    cache = _local(second)
    [(key, entry)] = list(cache._entries.items())
    cache._entries[key] = dataclasses.replace(entry, expires=time.monotonic() - 1)
    client = redis.Redis.from_url(REDIS_BASE)
    client.delete(*client.scan_iter(match=f"{redis_prefix}:page:*"))
    assert cache.shared.claim(key)  # as the first server does before it renders

    busy = second.get(url)
    assert busy.headers["X-Page-Cache"] == "stale"
    assert "Busy square" in busy.get_data(as_text=True)

    cache.shared.release(key)  # the first server gave up; the next asker renders
    fresh = second.get(url)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert list(client.scan_iter(match=f"{redis_prefix}:page:*:claim")) == []
    client.close()


def test_a_page_that_is_not_kept_lets_go_of_its_claim(servers, redis_prefix):
    first, _second = servers
    assert first.get("/challenges/no-such-challenge").status_code == 404
    client = redis.Redis.from_url(REDIS_BASE)
    assert list(client.scan_iter(match=f"{redis_prefix}*")) == []
    client.close()


def test_without_redis_each_worker_goes_on_with_its_own_memory(
    database_url, connection, db, make, caplog
):
    app = bound_app(
        database_url, connection, PAGE_CACHE_SECONDS=60, REDIS_URL="redis://127.0.0.1:1/0"
    )
    visitor = client_for(app, db)
    url = f"/challenges/{make.challenge(title='Lonely square').slug}"

    first, second = visitor.get(url), visitor.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert [first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]] == ["miss", "hit"]
    assert "Lonely square" in second.get_data(as_text=True)
    assert "Redis does not answer" in caplog.text


def test_a_shared_page_written_in_another_format_is_rendered_anew(servers, make, redis_prefix):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Renewed square').slug}"
    first.get(url)
    client = redis.Redis.from_url(REDIS_BASE)
    [name] = client.scan_iter(match=f"{redis_prefix}:page:*")
    client.set(name, b"not json\n<html>", px=60_000)  # as an older release might have left it
    client.close()

    response = second.get(url)

    assert response.status_code == 200
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Renewed square" in response.get_data(as_text=True)


# --- the refresher: busy pages rendered again before they expire ----------------------


def _shared_name(client: redis.Redis, prefix: str) -> bytes:
    [name] = [n for n in client.scan_iter(match=f"{prefix}:page:*") if b"claim" not in n]
    return name


def test_a_busy_page_is_rendered_again_before_it_expires_so_no_visitor_waits(
    servers, make, db, redis_prefix, count_queries
):
    first, second = servers
    challenge = make.challenge(title="Busy square")
    url = f"/challenges/{challenge.slug}"
    first.get(url)
    assert second.get(url).headers["X-Page-Cache"] == "shared"  # so the page is busy
    challenge.title = "Busier square"
    db.commit()
    client = redis.Redis.from_url(REDIS_BASE)
    client.pexpire(_shared_name(client, redis_prefix), 300)  # about to expire

    assert refresh_due(first.application, lead=1.0) == 1

    assert client.pttl(_shared_name(client, redis_prefix)) > 50_000  # a whole period again
    _expire(second.application)
    count_queries.statements.clear()
    response = second.get(url)
    assert response.headers["X-Page-Cache"] == "shared"
    assert count_queries.statements == []  # no visitor's request rendered it
    assert "Busier square" in response.get_data(as_text=True)
    # Its form still carries this visitor's own working token.
    token = TOKEN.search(response.get_data(as_text=True)).group(1)
    switched = second.post(
        "/language", data={"lang": "en", "next": url, "csrf_token": token}, csrf=False
    )
    assert switched.status_code == 303
    assert refresh_due(first.application, lead=1.0) == 0  # not due yet
    client.close()


def test_a_page_asked_for_once_is_not_rendered_again(servers, make, redis_prefix):
    first, _second = servers
    first.get(f"/challenges/{make.challenge(title='Quiet square').slug}")
    first.get("/search?q=one-off")
    client = redis.Redis.from_url(REDIS_BASE)
    for name in client.scan_iter(match=f"{redis_prefix}:page:*"):
        client.pexpire(name, 300)

    assert refresh_due(first.application, lead=1.0) == 0
    client.close()


def test_a_page_no_one_asked_for_in_a_period_is_no_longer_rendered_again(
    servers, make, redis_prefix, monkeypatch
):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Emptying square').slug}"
    first.get(url)
    second.get(url)
    client = redis.Redis.from_url(REDIS_BASE)
    client.pexpire(_shared_name(client, redis_prefix), 300)
    later = time.time() + 61  # a period (60 s here) without anyone taking it from Redis
    monkeypatch.setattr(store.time, "time", lambda: later)

    assert refresh_due(first.application, lead=1.0) == 0
    assert client.zcard(f"{redis_prefix}:page-asked") == 0  # and it is forgotten
    client.close()


def test_the_refresher_leaves_a_page_another_worker_is_rendering(servers, make, redis_prefix):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Claimed square').slug}"
    first.get(url)
    second.get(url)
    client = redis.Redis.from_url(REDIS_BASE)
    name = _shared_name(client, redis_prefix)
    client.pexpire(name, 300)
    client.set(name + b":claim", b"1", ex=10)  # a worker is rendering it

    assert refresh_due(first.application, lead=1.0) == 0
    assert client.pttl(name) <= 300
    client.close()


def test_the_refresh_command(servers, make):
    first, second = servers
    url = f"/challenges/{make.challenge(title='Commanded square').slug}"
    first.get(url)
    second.get(url)

    result = first.application.test_cli_runner().invoke(args=["pages", "refresh", "--nice", "0"])
    assert result.exit_code == 0, result.output
    assert "rendered 0 page(s) again" in result.output  # nothing due yet


def test_the_refresher_yields_the_cpu_to_the_app_servers(servers, monkeypatch):
    asked = []
    monkeypatch.setattr(refresh.os, "nice", asked.append)  # not this test process's priority
    runner = servers[0].application.test_cli_runner()

    assert runner.invoke(args=["pages", "refresh"]).exit_code == 0
    assert runner.invoke(args=["pages", "refresh", "--nice", "0"]).exit_code == 0
    assert asked == [10]


def test_the_refresh_command_refuses_to_run_without_a_shared_cache(app):
    result = app.test_cli_runner().invoke(args=["pages", "refresh", "--loop"])
    assert result.exit_code == 1
    assert "REDIS_URL" in result.output
