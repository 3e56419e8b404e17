"""Anonymity that holds: a walk over every GET route of the application, with
anonymous and pseudonymous content by one distinctive user in two challenges,
as a visitor and as another resident. No page (nor feed, error page or
export) may show the author's name, e-mail address or account id, nor the
pseudonym of one challenge on the other challenge's pages.

A new GET route makes this test fail until it is added to ``ROUTES`` below
(with the arguments to open it), so no public page escapes the walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from inhabithon.accounts.models import Pseudonym, Role, User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.comments.models import Comment, CommentStatus
from inhabithon.ideas.models import AuthorDisplay, Idea, IdeaStatus, IdeaTracking
from inhabithon.ideas.pseudonyms import pseudonym_for
from inhabithon.moderation.models import ModerationAction, ModerationKind
from inhabithon.outreach.services import code_hash, new_tracking_code
from inhabithon.projects.models import Project, ProjectStatus
from inhabithon.results.models import AwardKind
from inhabithon.results.services import AwardChoice, publish_results

NAME = "Xavierina Blomqvist-Oduya"
EMAIL = "xavierina.leak@example.org"


@dataclass
class World:
    author: User
    event_slug: str
    c1: Challenge
    c2: Challenge
    ideas_c1: list[Idea]
    ideas_c2: list[Idea]
    comments: list[Comment]
    pseudonym_c1: str
    pseudonym_c2: str
    project_slug: str
    code: str


def _build(make, db) -> World:
    author = make.user(name=NAME, email=EMAIL)
    other = make.user(name="Ordinary Olle")
    event = make.event()
    c1 = make.challenge(Phase.VOTING, event=event, title="Challenge one")
    c2 = make.challenge(Phase.RESULTS, event=event, title="Challenge two")
    with make.context():
        p1 = pseudonym_for(author, c1)
        p2 = pseudonym_for(author, c2)
    # Another user's pseudonym in c1: pseudonyms are per person too.
    with make.context():
        pseudonym_for(other, c1)

    def idea(challenge: Challenge, display: AuthorDisplay, pseudonym: Pseudonym | None) -> Idea:
        made = make.idea(challenge, author, title=f"{display.value} idea in {challenge.title}")
        made.author_display = display
        made.pseudonym_id = pseudonym.id if pseudonym else None
        return made

    ideas_c1 = [
        idea(c1, AuthorDisplay.ANONYMOUS, None),
        idea(c1, AuthorDisplay.PSEUDONYM, p1),
    ]
    ideas_c2 = [
        idea(c2, AuthorDisplay.ANONYMOUS, None),
        idea(c2, AuthorDisplay.PSEUDONYM, p2),
    ]
    db.commit()
    neutral_c1 = make.idea(c1, other, title="Someone else's idea in one")
    neutral_c2 = make.idea(c2, other, title="Someone else's idea in two")
    comments = [
        make.comment(
            neutral_c1,
            author,
            author_display=AuthorDisplay.PSEUDONYM,
            pseudonym_id=p1.id,
            body_md="Pseudonymous remark in one",
        ),
        make.comment(
            neutral_c1, author, author_display=AuthorDisplay.ANONYMOUS, body_md="Quiet remark"
        ),
        make.comment(
            neutral_c2,
            author,
            author_display=AuthorDisplay.PSEUDONYM,
            pseudonym_id=p2.id,
            body_md="Pseudonymous remark in two",
        ),
    ]
    hidden = make.comment(
        neutral_c1,
        author,
        author_display=AuthorDisplay.ANONYMOUS,
        status=CommentStatus.HIDDEN,
        moderation_reason="Off topic",
        body_md="Hidden remark",
    )
    db.add(ModerationAction(comment_id=hidden.id, kind=ModerationKind.HIDE, reason="Off topic"))
    status = db.query(ProjectStatus).order_by(ProjectStatus.position).first()
    assert status is not None
    db.add(
        Project(
            slug="anonymous-project",
            title="Built from an anonymous idea",
            idea_id=ideas_c2[0].id,
            challenge_id=c2.id,
            event_id=event.id,
            status_id=status.id,
        )
    )
    # The results of challenge two name the pseudonymous idea the winner and
    # the anonymous one runner-up, so the results page shows both.
    with make.context():
        publish_results(
            make.user(Role.OFFICIAL),
            c2,
            [
                AwardChoice(AwardKind.WINNER, ideas_c2[1].id, "Clear and doable."),
                AwardChoice(AwardKind.RUNNER_UP, ideas_c2[0].id, "Close second."),
            ],
        )
    # An idea sent without an account, for the tracking page.
    pending = make.idea(c1, other, title="Sent without an account")
    pending.author_id = None
    pending.members = []
    pending.status = IdeaStatus.PENDING
    code = new_tracking_code()
    db.add(IdeaTracking(idea_id=pending.id, code_hash=code_hash(code)))
    db.commit()
    return World(
        author=author,
        event_slug=event.slug,
        c1=c1,
        c2=c2,
        ideas_c1=ideas_c1,
        ideas_c2=ideas_c2,
        comments=[*comments, hidden],
        pseudonym_c1=p1.name,
        pseudonym_c2=p2.name,
        project_slug="anonymous-project",
        code=code,
    )


def _challenges(w: World) -> list[dict[str, Any]]:
    return [{"slug": w.c1.slug}, {"slug": w.c2.slug}]


def _ideas(w: World) -> list[dict[str, Any]]:
    return [{"idea_id": i.id} for i in w.ideas_c1 + w.ideas_c2]


def _comments(w: World) -> list[dict[str, Any]]:
    return [{"comment_id": c.id} for c in w.comments]


def _project(w: World) -> list[dict[str, Any]]:
    return [{"slug": w.project_slug}]


def _none(w: World) -> list[dict[str, Any]]:
    return [{}]


def _token(w: World) -> list[dict[str, Any]]:
    return [{"token": "x" * 43}]


# Every GET endpoint, with the arguments to open it. Pages for officials,
# admins or jurors are walked too: visitors and residents must get nothing
# from them (a redirect or 403/404) that names the author.
ROUTES = {
    "accounts.confirm_email_change": _token,
    "accounts.forgot_password": _none,
    "accounts.login": _none,
    "accounts.logout": _none,
    "accounts.register": _none,
    "accounts.reset_password": _token,
    "accounts.settings": _none,
    "accounts.verify_email": _token,
    "admin.audit": _none,
    "admin.user": lambda w: [{"user_id": w.author.id}],
    "admin.users": _none,
    "api.challenge": _challenges,
    "api.challenges": _none,
    "api.event": lambda w: [{"event": w.event_slug}],
    "api.events": _none,
    "api.idea": _ideas,
    "api.ideas": _none,
    "api.ideas_csv": _challenges,
    "api.ideas_feed": _challenges,
    "api.index": _none,
    "api.openapi": _none,
    "api.project": lambda w: [{"project": w.project_slug}],
    "api.projects": _none,
    "api.projects_csv": _none,
    "api.result": _challenges,
    "api.results": _none,
    "api.results_csv": _challenges,
    "challenges.detail": _challenges,
    "challenges.edit": _challenges,
    "challenges.new": lambda w: [{"slug": w.event_slug}],
    "challenges.translations": _challenges,
    "events.detail": lambda w: [{"slug": w.event_slug}],
    "events.edit": lambda w: [{"slug": w.event_slug}],
    "events.manage": _none,
    "events.new": _none,
    "ideas.detail": _ideas,
    "ideas.edit": _ideas,
    "ideas.mine": _none,
    "ideas.new": _challenges,
    "ideas.team": _ideas,
    "jury.assigned": _challenges,
    "jury.compare": _challenges,
    "jury.criterion_edit": lambda w: [{"slug": w.c1.slug, "criterion_id": 1}],
    "jury.home": _none,
    "jury.score": lambda w: [{"slug": w.c1.slug, "idea_id": w.ideas_c1[0].id}],
    "jury.setup": _challenges,
    "main.accessibility": _none,
    "main.healthz": _none,
    "main.home": _none,
    "moderation.decide_comment": _comments,
    "moderation.decide_idea": _ideas,
    "moderation.flag_comment": _comments,
    "moderation.flag_idea": _ideas,
    "moderation.log": _none,
    "moderation.queue": _none,
    "notifications.index": _none,
    "notifications.settings": _none,
    "notifications.unsubscribe": _token,
    "outreach.guide_page": _none,
    "outreach.submit_on_behalf": _challenges,
    "outreach.submit_without_account": _challenges,
    "outreach.track": lambda w: [{"code": w.code}, {"code": "WRONG-CODE-AAAA-BBBB-CCCC"}],
    "outreach.track_form": _none,
    "privacy.delete_account": _none,
    "privacy.export": _none,
    "privacy.statement": _none,
    "projects.detail": _project,
    "projects.edit": _project,
    "projects.edit_goal": lambda w: [{"slug": w.project_slug, "goal_id": 1}],
    "projects.feed": _none,
    "projects.index": _none,
    "projects.new": _none,
    "projects.new_contact": _project,
    "projects.new_from_idea": _ideas,
    "projects.new_goal": _project,
    "projects.new_link": _project,
    "projects.project_feed": _project,
    "projects.status": _project,
    "projects.statuses": _none,
    "projects.translations": _project,
    "projects.updates": _project,
    "results.public": _challenges,
    "results.review": _challenges,
    "search.index": lambda w: [{}, {"q": "idea"}, {"q": "anonymous", "kind": "idea"}],
    "votes.integrity": _challenges,
    "votes.void": _challenges,
    "teams.create": _challenges,
    "teams.detail": lambda w: [{"team_id": 1}],  # the world has no team: answers 404
    "teams.edit": lambda w: [{"team_id": 1}],
    "teams.index": _challenges,
    "teams.post": _challenges,
    "weekend.attend": lambda w: [{"slug": w.event_slug}],
    "weekend.attendees": lambda w: [{"slug": w.event_slug}],
    "weekend.attendees_csv_view": lambda w: [{"slug": w.event_slug}],
    "weekend.check_in": lambda w: [{"slug": w.event_slug}],
    "weekend.item_edit": lambda w: [{"slug": w.event_slug, "item_id": 1}],
    "weekend.item_new": lambda w: [{"slug": w.event_slug}],
    "weekend.programme": lambda w: [{"slug": w.event_slug}],
    "weekend.programme_ics": lambda w: [{"slug": w.event_slug}],
    "weekend.settings": lambda w: [{"slug": w.event_slug}],
}
SKIPPED = {"static"}  # files on disk, no data

# Pages that are not routes: error pages.
EXTRA_URLS = ["/no-such-page", "/ideas/99999999", "/challenges/no-such-challenge"]


def _urls(app: Flask, world: World) -> list[tuple[str, str]]:
    missing = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint not in ROUTES
        and rule.endpoint not in SKIPPED
    )
    assert not missing, (
        f"GET routes not covered by the anonymity walk: {missing}. Add each to ROUTES in "
        "tests/anonymity/test_no_leaks.py with the arguments that open it."
    )
    present = {rule.endpoint for rule in app.url_map.iter_rules()}
    urls: list[tuple[str, str]] = []
    with app.test_request_context():
        from flask import url_for

        for endpoint, args in ROUTES.items():
            if endpoint not in present:
                continue  # listed ahead of a route that is not (yet) there
            urls.extend((endpoint, url_for(endpoint, **kw)) for kw in args(world))
    urls.extend(("error", url) for url in EXTRA_URLS)
    return urls


def _leaks(body: str, world: World, c2_page: bool, c1_page: bool) -> list[str]:
    uid = world.author.id
    found = []
    lowered = body.lower()
    for needle in (NAME, "Xavierina", "Blomqvist", EMAIL, "xavierina.leak"):
        if needle.lower() in lowered:
            found.append(needle)
    patterns = [
        rf"/users/{uid}\b",
        rf"data-(?:user|author)-id=\W?{uid}\b",
        rf"(?:user|author)[_-]?id\W{{1,3}}{uid}\b",
    ]
    found.extend(p for p in patterns if re.search(p, body))
    if c2_page and world.pseudonym_c1 in body:
        found.append(f"pseudonym of challenge one ({world.pseudonym_c1})")
    if c1_page and world.pseudonym_c2 in body:
        found.append(f"pseudonym of challenge two ({world.pseudonym_c2})")
    return found


def _challenge_of_page(endpoint: str, url: str, world: World) -> Challenge | None:
    for challenge, ideas in ((world.c1, world.ideas_c1), (world.c2, world.ideas_c2)):
        if f"/challenges/{challenge.slug}" in url:
            return challenge
        if any(re.search(rf"/ideas/{i.id}(?:/|$)", url) for i in ideas):
            return challenge
    return None


@pytest.mark.parametrize("viewer", ["visitor", "resident", "guide", "jury"])
def test_no_page_links_anonymous_or_pseudonymous_content_to_its_author(
    app, client, make, db, viewer
):
    world = _build(make, db)
    assert world.pseudonym_c1 != world.pseudonym_c2
    if viewer == "resident":
        client.login(make.user(name="Curious Carl"))
    elif viewer == "guide":
        client.login(make.user(Role.GUIDE))
    elif viewer == "jury":
        client.login(make.user(Role.JURY))
    problems: list[str] = []
    walked = 0
    for endpoint, url in _urls(app, world):
        response = client.get(url)
        walked += 1
        # The address asked for is echoed (the language switcher's return
        # address); it is the test's own input, not something the page tells.
        body = response.get_data(as_text=True).replace(url, "")
        location = response.headers.get("Location", "").replace(url, "")
        challenge = _challenge_of_page(endpoint, url, world)
        leaks = _leaks(
            body + location,
            world,
            c2_page=challenge is world.c2,
            c1_page=challenge is world.c1,
        )
        if leaks:
            problems.append(f"{url} ({endpoint}, {response.status_code}): {leaks}")
    assert walked > 60
    assert not problems, "\n".join(problems)


def test_the_walk_sees_the_content_it_guards(app, client, make, db):
    """The walk is only worth something if the pages show the content: the
    pseudonyms appear where they belong, and the walk fails on a real leak."""
    world = _build(make, db)
    c1_page = client.get(f"/ideas/{world.comments[0].idea_id}").get_data(as_text=True)
    assert world.pseudonym_c1 in c1_page
    assert "Pseudonymous remark in one" in c1_page
    c2_page = client.get(f"/ideas/{world.ideas_c2[1].id}").get_data(as_text=True)
    assert world.pseudonym_c2 in c2_page
    log = client.get("/moderation/log")
    if log.status_code == 200:
        assert "Off topic" in log.get_data(as_text=True)
    results = client.get(f"/challenges/{world.c2.slug}/results").get_data(as_text=True)
    assert world.pseudonym_c2 in results
    feed = client.get("/projects/feed.atom").get_data(as_text=True)
    assert "Built from an anonymous idea" in feed
    # A page that did name the author would be caught.
    assert _leaks(f"<p>{NAME}</p>", world, c2_page=False, c1_page=False)
    assert _leaks(f'<a href="/users/{world.author.id}">', world, c2_page=False, c1_page=False)
    assert _leaks(world.pseudonym_c1, world, c2_page=True, c1_page=False)


def test_my_ideas_is_visible_only_to_its_owner(client, make, db):
    world = _build(make, db)
    assert client.get("/my/ideas").status_code == 302
    client.login(make.user())
    page = client.get("/my/ideas").get_data(as_text=True)
    assert "anonymous idea in Challenge one" not in page
    client.login(world.author)
    page = client.get("/my/ideas").get_data(as_text=True)
    assert "anonymous idea in Challenge one" in page
    assert world.pseudonym_c1 in page


def test_lists_are_not_ordered_by_author(client, make, db):
    """The challenge page orders ideas by votes or date, never by who wrote
    them: swapping the authors' names does not change the order."""
    challenge = make.challenge(Phase.VOTING)
    first = make.idea(challenge, make.user(name="Zacharias Zed"), title="Alpha plan")
    second = make.idea(challenge, make.user(name="Aaron Aardvark"), title="Beta plan")
    third = make.idea(challenge, make.user(name="Mona Middle"), title="Gamma plan")
    for idea in (first, second, third):
        idea.author_display = AuthorDisplay.ANONYMOUS
    db.commit()

    def order() -> list[str]:
        page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
        return sorted(
            ("Alpha plan", "Beta plan", "Gamma plan"), key=lambda title: page.index(title)
        )

    before = order()
    first.author.display_name, second.author.display_name = "Aaron A", "Zed Z"
    db.commit()
    assert order() == before
