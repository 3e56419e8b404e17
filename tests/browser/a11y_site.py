"""One small site for the accessibility, keyboard, reflow and right-to-left
browser tests: built once per module in the live server's database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.orm import Session

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Phase
from inhabithon.markdown import render
from inhabithon.weekend.models import (
    AttendanceSettings,
    Diet,
    ProgrammeItem,
    Signup,
    SignupStatus,
)
from inhabithon.weekend.services import name_key
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import PASSWORD, Factory

LANGUAGES = ("sv", "en", "ar")


@dataclass
class Site:
    event: Any
    open_challenge: Any
    voting_challenge: Any
    results_challenge: Any
    idea: Any  # in the voting challenge, with comments
    winning_idea: Any
    project: Any | None
    users: dict[tuple[str, str], User] = field(default_factory=dict)  # (role, lang) -> user
    tracking_code: str = ""  # of an idea sent without an account, waiting for review
    # lang -> a weekend team in the open challenge, owned by ("team_owner", lang),
    # with an open join request
    team_ids: dict[str, int] = field(default_factory=dict)


def build_site(app: Flask, session: Session) -> Site:
    make = Factory(app, session)
    event = make.event(name="Järva Inhabithon", description_md="Ett *evenemang*.")
    open_challenge = make.challenge(
        Phase.SUBMISSIONS, event=event, title="Hur kan unga och äldre mötas?", category="Gemenskap"
    )
    make.challenge_translation(
        open_challenge, "en", title="How can young and old meet?", summary="Meeting places."
    )
    voting = make.challenge(Phase.VOTING, event=event, title="Hur hittar fler rätt stöd?")
    author = make.user(name="Fatuma Ali")
    idea = make.idea(
        voting,
        author,
        title="En telefonlinje på tio språk",
        summary="Ett nummer för alla frågor om stöd.",
        body_md="Ring **oss**.",
        language="sv",
    )
    make.idea(voting, make.user(), anonymous=True, title="Anonym idé", language="sv")
    commenter = make.user(name="Yusuf Warsame")
    first = make.comment(idea, commenter, body_md="Bra idé!", language="sv")
    make.comment(idea, author, parent=first, body_md="Thank you!", language="en")
    make.comment(idea, make.user(), body_md="فكرة جيدة", language="ar")
    # Votes for the officials' vote-integrity pages: new accounts on one network.
    for _ in range(3):
        vote = make.vote(make.user(), idea)
        vote.source_hash = "ab" * 32
    session.commit()

    results_challenge = make.challenge(Phase.RESULTS, event=event, title="Tryggare kvällar")
    winning = make.idea(results_challenge, make.user(), title="Kvällsvandrare", language="sv")
    make.idea(results_challenge, make.user(), title="Mer ljus", language="sv")
    site = Site(event, open_challenge, voting, results_challenge, idea, winning, None)
    admin = make.user(Role.ADMIN, name="Alva Admin")
    with make.context():
        site.project = _project(admin, results_challenge, winning)
        _publish(admin, results_challenge, winning)
    jury_round = make.jury_round(results_challenge)
    for lang in LANGUAGES:
        site.users["resident", lang] = make.user(name=f"Rut Resident {lang}", locale=lang)
        _notifications(site.users["resident", lang], idea, voting, make)
        site.users["admin", lang] = make.user(Role.ADMIN, name=f"Alva Admin {lang}", locale=lang)
        juror_user = make.user(Role.JURY, name=f"Jonas Juror {lang}", locale=lang)
        juror = make.juror(jury_round, juror_user)
        make.assignment(juror, winning)
        site.users["juror", lang] = juror_user
        site.users["guide", lang] = make.user(Role.GUIDE, name=f"Gunnar Guide {lang}", locale=lang)
    site.tracking_code = _outreach(open_challenge, site.users["guide", "sv"], make)
    _moderation(idea, winning, commenter, make)
    _weekend(event, [site.users["resident", lang] for lang in LANGUAGES], make)
    for lang in LANGUAGES:
        owner = make.user(name=f"Tove Teamägare {lang}", locale=lang)
        site.users["team_owner", lang] = owner
        site.team_ids[lang] = _teams(open_challenge, owner, f"Mötesplatsen {lang}", make)
    return site


def _notifications(resident: User, idea: Any, challenge: Any, make: Factory) -> None:
    """The resident follows the idea and the challenge and has news of both."""
    from inhabithon.notifications import services as notifications

    with make.context():
        notifications.follow(resident, idea)
        notifications.follow(resident, challenge)
        notifications.comment_added(make.comment(idea, body_md="Ny tanke", language="sv"), None)


def _weekend(event: Any, residents: list[User], make: Factory) -> None:
    """Sign-up open, one session in the programme, the residents signed up."""
    start = event.starts_at
    make.session.add(
        AttendanceSettings(
            event_id=event.id, capacity=50, confirmed=len(residents), signup_open=True
        )
    )
    make.session.add(
        ProgrammeItem(
            event_id=event.id,
            title="Öppning",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            room="Sal A",
            languages="sv,ar",
            description_md="Välkommen *alla*.",
            description_html=render("Välkommen *alla*."),
        )
    )
    for resident in residents:
        make.session.add(
            Signup(
                event_id=event.id,
                user_id=resident.id,
                status=SignupStatus.CONFIRMED,
                name_key=name_key(resident.display_name),
                diet=Diet.VEGAN,
                interpretation_language="ar",
            )
        )
    make.session.commit()


def _teams(challenge: Any, owner: User, name: str, make: Factory) -> int:
    """A team with an owner, a member and a request to join; a post on the board."""
    from inhabithon.teams.models import BoardPost, JoinRequest, Team, TeamMember, TeamRole

    team = Team(
        challenge_id=challenge.id,
        name=name,
        description="Vi bygger en bänk för alla åldrar.",
        languages="svenska, arabiska",
        member_count=2,
        size_max=challenge.team_size_max,
    )
    make.session.add(team)
    make.session.flush()
    member, asker, poster = make.user(), make.user(name="Amal Ahmed"), make.user()
    for user, role in ((owner, TeamRole.OWNER), (member, TeamRole.MEMBER)):
        make.session.add(
            TeamMember(team_id=team.id, user_id=user.id, challenge_id=challenge.id, role=role)
        )
    make.session.add(
        JoinRequest(
            team_id=team.id, user_id=asker.id, challenge_id=challenge.id, message="Jag kan snickra."
        )
    )
    make.session.add(
        BoardPost(
            challenge_id=challenge.id,
            user_id=poster.id,
            nickname="Sam",
            brings="Ritningar",
            looks_for="Ett lag som bygger",
            languages="svenska",
        )
    )
    make.session.commit()
    return team.id


def _moderation(idea: Any, winning: Any, reporter: User, make: Factory) -> None:
    """An open report on the idea and a hidden comment, for the queue and the log."""
    from inhabithon.comments.models import CommentStatus
    from inhabithon.moderation.models import Flag, ModerationAction, ModerationKind

    hidden = make.comment(
        winning,
        body_md="Dold kommentar",
        language="sv",
        status=CommentStatus.HIDDEN,
        moderation_reason="Personangrepp",
    )
    winning.comment_count -= 1  # hidden comments are not counted
    make.session.add_all(
        [
            Flag(idea_id=idea.id, reporter_id=reporter.id, reason="spam: Reklam"),
            ModerationAction(
                comment_id=hidden.id, kind=ModerationKind.HIDE, reason="Personangrepp"
            ),
        ]
    )
    make.session.commit()


def _outreach(challenge: Any, guide: User, make: Factory) -> str:
    """An idea a guide brought in, and one sent without an account (its code)."""
    from inhabithon.ideas.services import IdeaData
    from inhabithon.outreach.services import submit_on_behalf, submit_without_account

    with make.context():
        submit_on_behalf(
            challenge, guide, IdeaData("Läxhjälp", "Hjälp efter skolan.", "Två kvällar.", "so")
        )
        tracked = submit_without_account(
            challenge, IdeaData("Lekplats", "En plats att leka.", "Med *gungor*.", "ar")
        )
    return tracked.code


_SITES: dict[int, Site] = {}


def shared_site(app: Flask) -> Site:
    """The site, built once per test session for the live server's app."""
    if id(app) not in _SITES:
        engine = app.extensions["inhabithon_db"].engine
        with Session(bind=engine, expire_on_commit=False) as session:
            _SITES[id(app)] = build_site(app, session)
    return _SITES[id(app)]


def _project(actor: User, challenge: Any, idea: Any) -> Any:
    try:
        from inhabithon.projects.services import ProjectData, create_project
    except ImportError:  # pragma: no cover - projects not built
        return None
    return create_project(
        actor,
        ProjectData(
            title="Kvällsvandrare i Rinkeby",
            category="Trygghet",
            lead="Vuxna som går runt på kvällarna.",
            what_md="Vi **går**.",
            language="sv",
            challenge_id=challenge.id,
            idea_id=idea.id,
        ),
    )


def _publish(actor: User, challenge: Any, idea: Any) -> None:
    from inhabithon.results.models import AwardKind
    from inhabithon.results.services import AwardChoice, publish_results

    publish_results(actor, challenge, [AwardChoice(AwardKind.WINNER, idea.id, "Bäst.")])


def new_context(
    browser: Browser, base_url: str, lang: str, *, java_script: bool = True, **kw: Any
) -> BrowserContext:
    """A context whose visitor chose ``lang`` with the switcher (the ``lang`` cookie)."""
    context = browser.new_context(
        base_url=base_url, locale="en-US", java_script_enabled=java_script, **kw
    )
    context.set_default_timeout(TIMEOUT_MS)
    host = base_url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "lang", "value": lang, "domain": host, "path": "/"}])
    return context


def log_in(page: Page, user: User) -> None:
    """Log in through the form, whatever the interface language."""
    page.goto("/login")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(user.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.url
