"""XSS corpus: every payload in xss_payloads.PAYLOADS (116 known XSS and
Markdown-injection strings) goes through every Markdown field and every
plain-text field that pages show, and the pages are fetched over HTTP and
parsed: no executable markup may come out of user content.

Fast by design: a field holds as many payloads as its length allows (a long
Markdown field holds them all), so each field costs a handful of page renders.
A marker ("zqx<n>") written with each batch proves the content reached the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest

from inhabithon.accounts.models import Pseudonym, Role
from inhabithon.challenges.models import Phase
from inhabithon.comments.models import CommentStatus
from inhabithon.db import utcnow
from inhabithon.ideas.models import AuthorDisplay, IdeaStatus
from inhabithon.markdown import render
from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind
from inhabithon.projects.models import ProjectTranslation
from inhabithon.results.models import AwardKind, RankingOverride
from tests.security.xss_payloads import PAYLOADS

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "cite", "lowsrc", "dynsrc", "ping", "manifest", "codebase",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
    "math", "img", "image", "video", "audio", "source", "marquee", "keygen", "portal",
}  # fmt: skip
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


class _Scan(HTMLParser):
    """Finds executable markup the way a browser would tokenize it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag == "script":
            self._script = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:120]}>"
        if tag == "script" and not values.get("src", "").startswith("/static/"):
            self.problems.append(f"script not from the site: {where}")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element: {where}")
        if tag == "svg" and values.get("class") != "bar-chart":  # the results chart
            self.problems.append(f"svg from content: {where}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"meta refresh: {where}")
        if tag == "link" and not values.get("href", "").startswith("/"):
            self.problems.append(f"link off the site: {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler: {where}")
            if name in ("style", "srcdoc"):
                self.problems.append(f"{name} attribute: {where}")
            if name in URL_ATTRIBUTES:
                url = _IGNORED_IN_URLS.sub("", value).lower()
                if url.startswith(BAD_SCHEMES):
                    self.problems.append(f"dangerous URL: {where}")


def executable_markup(html: str) -> list[str]:
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.problems


def batches(limit: int) -> list[str]:
    """The payloads packed into texts of at most ``limit`` characters, each
    starting with its marker zqx<n>; a payload longer than the limit is cut."""
    out: list[str] = []
    current = ""
    for payload in PAYLOADS:
        if current and len(current) + 1 + len(payload) > limit:
            out.append(current)
            current = ""
        if current:
            current += " " + payload
        else:
            current = f"zqx{len(out)} {payload}"[:limit]
    if current:
        out.append(current)
    return out


MARKDOWN_ALL = "\n\n".join(f"zqx{n} {p}" for n, p in enumerate(PAYLOADS))


def _markers(texts: list[str]) -> list[str]:
    return [t.split(" ", 1)[0] for t in texts]


# --- the fields: each builds content and yields (url, viewer, markers expected) -------

Case = Callable[[Any, Any, Any], Iterator[tuple[str, Any, list[str]]]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return register


@case("idea body (Markdown, written through the form)")
def _idea_body(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    client.login(make.user())
    response = client.post(
        f"/challenges/{challenge.slug}/ideas/new",
        data={
            "title": "zqxT <script>alert(1)</script>",
            "summary": "zqxS <img src=x onerror=alert(1)>",
            "body_md": MARKDOWN_ALL,
            "language": "sv",
            "display": "name",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    yield response.location, None, ["zqx0", "zqxT", "zqxS", f"zqx{len(PAYLOADS) - 1}"]
    yield f"/challenges/{challenge.slug}", None, ["zqxT", "zqxS"]


@case("comment body (Markdown, written through the form)")
def _comment_body(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    idea = make.idea(make.challenge(phase=Phase.SUBMISSIONS))
    client.login(make.user())
    texts = batches(5000)
    for text in texts:
        response = client.post(
            f"/ideas/{idea.id}/comments", data={"body": text, "language": "sv", "display": "name"}
        )
        assert response.status_code == 303
    yield f"/ideas/{idea.id}", None, _markers(texts)


@case("idea title and summary, author name")
def _idea_plain(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.VOTING)
    titles, summaries, names = batches(140), batches(400), batches(80)
    ideas = []
    for n, title in enumerate(titles):
        author = make.user(name=names[n % len(names)])
        ideas.append(
            make.idea(challenge, author, title=title, summary=summaries[n % len(summaries)])
        )
    for idea, title in zip(ideas, titles, strict=True):
        yield f"/ideas/{idea.id}", None, [title.split(" ", 1)[0]]
    yield f"/challenges/{challenge.slug}", None, ["zqx0"]


@case("pseudonyms of ideas and comments")
def _pseudonyms(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    idea = make.idea(challenge)
    names = batches(80)
    for name in names:
        author = make.user()
        pseudonym = Pseudonym(user_id=author.id, challenge_id=challenge.id, name=name)
        db.add(pseudonym)
        db.commit()
        own = make.idea(challenge, author)
        own.author_display = AuthorDisplay.PSEUDONYM
        own.pseudonym_id = pseudonym.id
        db.commit()
        make.comment(
            idea,
            author,
            body_md="Hello",
            author_display=AuthorDisplay.PSEUDONYM,
            pseudonym_id=pseudonym.id,
        )
    yield f"/ideas/{idea.id}", None, _markers(names)
    yield f"/challenges/{challenge.slug}", None, []


@case("ideas sent without an account or by a guide (tracking page, guide page, review)")
def _outreach(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    from inhabithon.ideas.services import IdeaData
    from inhabithon.outreach import services as outreach

    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    guide = make.user(Role.GUIDE)
    titles = batches(140)
    with make.context():
        merged = make.session.merge(challenge)
        tracked = outreach.submit_without_account(
            merged, IdeaData(title=titles[0], summary=titles[1], body_md=MARKDOWN_ALL)
        )
        for title in titles[2:6]:
            outreach.submit_on_behalf(
                merged,
                make.session.merge(guide),
                IdeaData(title=title, summary=title, body_md=MARKDOWN_ALL),
            )
    yield f"/track/{tracked.code}", None, ["zqx0"]
    client.login(guide)
    yield "/guide", "guide", _markers(titles[2:6])
    client.login(make.user(Role.OFFICIAL))
    yield "/moderation", "official", ["zqx0"]
    yield f"/moderation/ideas/{tracked.idea.id}", "official", ["zqx0"]


@case("user names in the administration")
def _admin(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    names = batches(80)
    users = [make.user(name=name) for name in names]
    client.login(make.user(Role.ADMIN))
    yield "/admin/users?q=zqx", "admin", []
    for user, name in zip(users[:3], names, strict=False):
        yield f"/admin/users/{user.id}", "admin", [name.split(" ", 1)[0]]
    yield "/admin/audit", "admin", []


@case("comment author name")
def _comment_author(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    idea = make.idea(make.challenge(phase=Phase.SUBMISSIONS))
    names = batches(80)
    for name in names:
        make.comment(idea, make.user(name=name), body_md="Hello")
    yield f"/ideas/{idea.id}", None, _markers(names)


@case("challenge description (Markdown), title, summary, category, translation")
def _challenge(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    event = make.event()
    titles, summaries, categories = batches(200), batches(400), batches(80)
    challenges = [
        make.challenge(
            event=event,
            title=title,
            summary=summaries[n % len(summaries)],
            category=categories[n % len(categories)],
            description_md=MARKDOWN_ALL if n == 0 else "",
            language="sv",
        )
        for n, title in enumerate(titles)
    ]
    translated = challenges[0]
    make.challenge_translation(
        translated, "en", title="zqxE title <script>alert(1)</script>", description_md=MARKDOWN_ALL
    )
    for challenge, title in zip(challenges, titles, strict=True):
        yield f"/challenges/{challenge.slug}", None, [title.split(" ", 1)[0]]
    yield f"/events/{event.slug}", None, _markers(titles)
    yield "/", None, []


@case("event description (Markdown), name and place")
def _event(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    names, places = batches(200), batches(200)
    events = [
        make.event(
            name=name,
            place=places[n % len(places)],
            description_md=MARKDOWN_ALL if n == 0 else "",
        )
        for n, name in enumerate(names)
    ]
    for event, name in zip(events, names, strict=True):
        yield f"/events/{event.slug}", None, [name.split(" ", 1)[0]]
    client.login(make.user(Role.OFFICIAL))
    yield "/manage/events", "official", []


@case("project texts (Markdown), title, lead, partners, goals, contacts, links, updates")
def _project(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    from inhabithon.projects import services as projects

    titles, leads, short = batches(200), batches(600), batches(80)
    slugs = []
    with make.context():
        for n, title in enumerate(titles):
            data = projects.ProjectData(
                title=title,
                lead=leads[n % len(leads)],
                category=short[n % len(short)],
                partners=leads[n % len(leads)][:400],
                department=title,
                what_md=MARKDOWN_ALL if n == 0 else "",
                why_md=MARKDOWN_ALL if n == 0 else "",
                how_md=MARKDOWN_ALL if n == 0 else "",
                involvement_md=MARKDOWN_ALL if n == 0 else "",
                result_md=MARKDOWN_ALL if n == 0 else "",
                lessons_md=MARKDOWN_ALL if n == 0 else "",
                slug=f"xss-project-{n}",
            )
            project = projects.create_project(None, data)
            slugs.append(project.slug)
            if n == 0:
                projects.post_update(None, project, "zqxU", MARKDOWN_ALL)
                for text in batches(200):
                    projects.add_goal(
                        None,
                        project,
                        projects.GoalData(
                            outcome=text, indicator=text, baseline=Decimal(0), target=Decimal(1)
                        ),
                    )
                    projects.add_contact(None, project, text[:120], "", text[:120])
                    projects.add_link(
                        None, project, text, 'https://example.org/"onmouseover="alert(1)<x>'
                    )
                    projects.post_update(None, project, text, text)
                make.session.add(
                    ProjectTranslation(
                        project_id=project.id,
                        language="en",
                        title="zqxPT <script>alert(1)</script>",
                        lead=leads[0],
                        what_md=MARKDOWN_ALL,
                        what_html=render(MARKDOWN_ALL),
                    )
                )
                status = projects.add_status(None, "xss-status", short[0], 40)
                projects.change_status(None, project, status)
    # The first project is shown in its English translation (the request's language).
    yield f"/projects/{slugs[0]}", None, ["zqxPT", "zqxU", "zqx115"]
    for slug, title in zip(slugs[1:], titles[1:], strict=True):
        yield f"/projects/{slug}", None, [title.split(" ", 1)[0]]
    yield "/projects", None, _markers(titles)
    client.login(make.user(Role.OFFICIAL))
    yield "/projects/statuses", "official", ["zqx0"]
    yield f"/projects/{slugs[0]}/edit", "official", []


@case("award motivation (Markdown)")
def _award(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    from inhabithon.results import services as results

    challenge = make.challenge(phase=Phase.JURY)
    winner, runner = make.idea(challenge), make.idea(challenge)
    with make.context():
        results.publish_results(
            None,
            make.session.merge(challenge),
            [
                results.AwardChoice(AwardKind.WINNER, winner.id, MARKDOWN_ALL),
                results.AwardChoice(AwardKind.RUNNER_UP, runner.id, MARKDOWN_ALL),
            ],
            now=utcnow(),
        )
    db.add(
        RankingOverride(
            challenge_id=challenge.id,
            idea_id=runner.id,
            computed_rank=2,
            new_rank=1,
            reason=MARKDOWN_ALL,
        )
    )
    db.commit()
    yield f"/challenges/{challenge.slug}/results", None, ["zqx0", "zqx115"]
    client.login(make.user(Role.OFFICIAL))
    yield f"/manage/challenges/{challenge.slug}/results", "official", []
    yield f"/ideas/{winner.id}", None, []


@case("moderation reasons (public log, hidden idea and comment)")
def _moderation(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.SUBMISSIONS)
    idea = make.idea(challenge)
    reasons = batches(500)
    for text in reasons:
        hidden = make.idea(challenge, title="Hidden idea")
        hidden.status = IdeaStatus.HIDDEN
        hidden.moderation_reason = text
        comment = make.comment(idea, body_md="Hidden comment")
        comment.status = CommentStatus.HIDDEN
        comment.moderation_reason = text
        db.add(ModerationAction(idea_id=hidden.id, kind=ModerationKind.HIDE, reason=text))
        db.add(ModerationAction(comment_id=comment.id, kind=ModerationKind.HIDE, reason=text))
        reporter = make.user()
        db.add(Flag(idea_id=idea.id, reporter_id=reporter.id, reason=text))
        db.add(Flag(comment_id=comment.id, reporter_id=reporter.id, reason=text))
    db.commit()
    yield "/moderation/log", None, _markers(reasons)
    yield f"/ideas/{idea.id}", None, _markers(reasons)
    client.login(make.user(Role.OFFICIAL))
    yield "/moderation", "official", ["zqx0"]


@case("jury criteria, score sheet comments and recusal reasons")
def _jury(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.JURY)
    idea = make.idea(challenge, title="zqxJ <script>alert(1)</script>")
    jury_round = make.jury_round(challenge)
    texts = batches(120)
    for criterion, text in zip(jury_round.criteria, texts, strict=False):
        criterion.name = text
        criterion.description = MARKDOWN_ALL
    juror_user = make.user(Role.JURY, name=texts[-1][:80])
    juror = make.juror(jury_round, juror_user)
    assignment = make.sheet(juror, idea, [3, 2])
    assignment.sheet.comment = MARKDOWN_ALL
    recused = make.assignment(juror, make.idea(challenge, title="zqxR"))
    recused.recused_at = utcnow()
    recused.recusal_reason = MARKDOWN_ALL
    db.commit()
    client.login(juror_user)
    yield f"/jury/{challenge.slug}", "juror", ["zqxJ"]
    yield f"/jury/{challenge.slug}/ideas/{idea.id}", "juror", ["zqxJ"]
    client.login(make.user(Role.OFFICIAL))
    yield f"/manage/challenges/{challenge.slug}/results", "official", []
    yield f"/manage/challenges/{challenge.slug}/jury", "official", []


@case("vote integrity and void pages")
def _integrity(client: Any, make: Any, db: Any) -> Iterator[tuple[str, Any, list[str]]]:
    challenge = make.challenge(phase=Phase.VOTING, title="zqxV <svg onload=alert(1)>")
    ideas = [make.idea(challenge, title=t) for t in batches(140)[:5]]
    for idea in ideas:
        make.vote(make.user(created_at=utcnow() - dt.timedelta(hours=1)), idea)
    client.login(make.user(Role.OFFICIAL))
    yield f"/challenges/{challenge.slug}/vote-integrity", "official", ["zqxV", "zqx0"]
    yield (
        f"/challenges/{challenge.slug}/vote-integrity/void?by=idea&key={ideas[0].id}",
        "official",
        ["zqx0"],
    )


# --- the tests ------------------------------------------------------------------------


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 80
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    text = "\n".join(PAYLOADS).lower()
    for kind in ("<script", "onerror", "javascript:", "vbscript:", "data:", "<svg", "style=",
                 "expression(", "&#", "]:", "<javascript", "\u200b", "xlink:href"):  # fmt: skip
        assert kind in text, kind


def test_the_scanner_finds_what_it_looks_for():
    assert executable_markup('<p><a href="JaVa\tScRiPt:alert(1)">x</a></p>')
    assert executable_markup("<b onmouseover=alert(1)>x</b>")
    assert executable_markup("<script>alert(1)</script>")
    assert executable_markup('<img src="x">')
    assert executable_markup('<p style="color:red">x</p>')
    assert executable_markup('<a href="&#100;ata:text/html,x">x</a>')
    assert executable_markup('<svg onload="x"></svg>')
    assert not executable_markup('<script src="/static/js/main.js" defer></script>')
    assert not executable_markup('<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="/x">y</a></p>')


@pytest.mark.parametrize("name", list(CASES))
def test_no_executable_markup_reaches_the_page(client, make, db, name):
    for url, _viewer, markers in CASES[name](client, make, db):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data(as_text=True)
        problems = executable_markup(html)
        assert problems == [], f"{name}: {url}\n" + "\n".join(problems[:20])
        missing = [m for m in markers if m not in html]
        assert missing == [], f"{name}: {url} does not show {missing}"


def _feed_html(xml: str) -> list[str]:
    """The HTML carried by an Atom feed's entries (content type="html")."""
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own feed, parsed in a test
    return [
        element.text or ""
        for element in root.iter()
        if element.tag in (f"{atom}content", f"{atom}summary") and element.get("type") == "html"
    ]


def test_feeds_carry_no_executable_markup(client, make, db):
    from inhabithon.projects import services as projects

    with make.context():
        project = projects.create_project(
            None,
            projects.ProjectData(
                title="zqxF <script>alert(1)</script>", lead=batches(600)[0], what_md=MARKDOWN_ALL
            ),
        )
        projects.post_update(None, project, "zqxFU <svg onload=alert(1)>", MARKDOWN_ALL)
        slug = project.slug
    for url in (f"/projects/{slug}/feed.atom", "/projects/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200
        xml = response.get_data(as_text=True)
        assert "zqxF" in xml
        contents = _feed_html(xml)
        assert contents, url
        for html in contents:
            assert executable_markup(html) == [], url
