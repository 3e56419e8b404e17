"""Demo projects: the contact center that won H22, followed until it was
realized (the model page of seed 000, with fictional people), and a project
that was cancelled with its lessons learned.

Loaded through the project services; a project whose slug exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.ideas.models import Idea
from inhabithon.projects.models import Project, ProjectStatus, ProjectStatusChange
from inhabithon.projects.services import (
    GoalData,
    ProjectData,
    add_contact,
    add_goal,
    change_status,
    create_project,
    post_update,
    prefill_from_idea,
    seed_statuses,
    status_by_key,
)

CONTACT_CENTER_SLUG = "flersprakigt-kontaktcenter"
CANCELLED_SLUG = "grannskapsmiddagar-pa-garden"


def _utc(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def _idea(challenge_slug: str, title: str) -> Idea | None:
    return db.session.scalar(
        select(Idea)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(Challenge.slug == challenge_slug, Idea.title == title)
    )


def _exists(slug: str) -> bool:
    return db.session.scalar(select(Project.id).where(Project.slug == slug)) is not None


def _from_idea(idea: Idea | None, slug: str, title: str, **texts: Any) -> ProjectData:
    data = prefill_from_idea(idea) if idea is not None else ProjectData(title=title)
    data.slug = slug
    data.title = title
    for name, value in texts.items():
        setattr(data, name, value)
    return data


def _contact_center(official: User) -> None:
    idea = _idea("h22-invanare-som-inte-vagar-be-om-hjalp", "Flerspråkigt kontaktcenter")
    data = _from_idea(
        idea,
        CONTACT_CENTER_SLUG,
        "Stadsdelsmammorna vann Inhabithon på H22 City Expo",
        category="Trygghet",
        lead=(
            "Stadsdelsmammorna utvecklar sitt vinnande förslag: ett flerspråkigt kontaktcenter "
            "som är en brygga mellan förvaltningen och invånare som inte vågar ta första steget."
        ),
        what_md="""\
Under H22 City Expo anordnade socialförvaltningen ett hackaton med invånare, Inhabithon,
där invånare, eldsjälar och tjänstepersoner träffades under en helg på Prismahuset i
Oceanhamnen. Utifrån tre stora samhällsutmaningar designades lösningar.
Stadsdelsmammorna tog hem det vinnande priset.

Nu utvecklas förslaget till ett **flerspråkigt kontaktcenter** som fungerar som en brygga
mellan förvaltningen och invånare som inte vågar ta kontakt för att få hjälp.
""",
        why_md="""\
Mammor är på många sätt nyckeln till hela familjens sociala och kulturella
integrationsprocess. Stadsdelsmammorna har ett stort kontaktnät, ingjuter förtroende och
har kanaler för att nå ut och sprida information.

> Stadsdelsmammor fångar behoven i samhället och bidrar med kunskap – hjälp till självhjälp.
""",
        how_md="""\
- Samtal på invånarnas egna språk, där man kan vara **anonym** om man vill.
- Förebyggande arbete: vi når föräldrar, och i synnerhet mammor, i tid.
- Fasta kontaktpersoner på socialförvaltningen som kontaktcentret slussar vidare till.
""",
        involvement_md="Projektet görs med och för Stadsdelsmammorna HBG.",
        result_md="""\
Kontaktcentret är i gång i tre stadsdelar. Fler invånare tar kontakt med stadens
stödpersoner, och många säger att de inte hade vågat utan en stadsdelsmamma vid sin sida.
""",
        department="Socialförvaltningen",
        partners="Stadsdelsmammor-HBG (ideell förening), Arbetsmarknadsförvaltningen",
        budget_estimated=Decimal("450000"),
        budget_granted=Decimal("400000"),
        budget_used=Decimal("386500"),
    )
    project = create_project(official, data)
    start = _utc(2022, 10, 4)
    project.published_at = project.created_at = project.content_updated_at = start
    _first_change(project).changed_at = start  # the history starts on the publication date

    add_goal(
        official,
        project,
        GoalData(
            outcome="Ökad trygghet i att ta kontakt med kommunens stödpersoner",
            indicator="Samtal till kontaktcentret per månad",
            baseline=Decimal(0),
            target=Decimal(40),
            current=Decimal(46),
            unit="samtal",
            comment="Ökat förtroende att hos kommunen finns stöd.",
            reached=True,
        ),
    )
    add_goal(
        official,
        project,
        GoalData(
            outcome="Sänkta trösklar mellan invånare och kommunstöd",
            indicator="Invånare som slussats vidare till rätt stödperson",
            baseline=Decimal(0),
            target=Decimal(100),
            current=Decimal(85),
            unit="personer",
            comment="Mäts som det totala antalet sedan starten.",
        ),
    )
    add_contact(official, project, "Lena Sandberg", "lena.sandberg@example.org", "Projektledare")

    steps = [
        ("planned", _utc(2022, 11, 15), "Förstudie klar, lokaler och språk valda."),
        ("ongoing", _utc(2023, 2, 1), "Kontaktcentret öppnar i den första stadsdelen."),
    ]
    updates = [
        (
            _utc(2022, 12, 7),
            "Sex språk från start",
            "Kontaktcentret svarar på arabiska, somaliska, tigrinja, dari, bosniska och svenska.",
        ),
        (
            _utc(2023, 9, 12),
            "Tre stadsdelar",
            "Efter sommaren finns Stadsdelsmammorna på plats i **tre stadsdelar** varje vecka.",
        ),
        (
            _utc(2024, 5, 28),
            "Utvärderingen är klar",
            "Utvärderingen visar att fler vågar ta kontakt. Se effektmålen nedan.",
        ),
    ]
    for key, when, comment in steps:
        change_status(official, project, _status(key), comment, when=when)
    for when, title, body in updates:
        post_update(official, project, title, body, posted_at=when)
    change_status(
        official,
        project,
        _status("realized"),
        "Kontaktcentret är en del av förvaltningens ordinarie verksamhet.",
        when=_utc(2024, 6, 20),
    )
    project.content_updated_at = _utc(2024, 6, 20)


def _first_change(project: Project) -> ProjectStatusChange:
    change = db.session.scalars(
        select(ProjectStatusChange)
        .where(ProjectStatusChange.project_id == project.id)
        .order_by(ProjectStatusChange.id)
    ).first()
    assert change is not None
    return change


def _status(key: str) -> ProjectStatus:
    status = status_by_key(key)
    assert status is not None, key
    return status


def _cancelled(official: User) -> None:
    idea = _idea("h22-ensamhet-och-gemenskap", "Grannskapsmiddagar på gården")
    data = _from_idea(
        idea,
        CANCELLED_SLUG,
        "Grannskapsmiddagar på gården",
        category="Gemenskap",
        lead="Gemensamma middagar på innergårdarna under sommarhalvåret.",
        involvement_md="Hyresgästföreningar och grannar planerade middagarna tillsammans.",
        department="Socialförvaltningen",
    )
    project = create_project(official, data)
    start = _utc(2022, 9, 1)
    project.published_at = project.created_at = start
    _first_change(project).changed_at = start
    for key, when, comment in (
        ("planned", _utc(2022, 11, 1), "Tre gårdar anmälde intresse."),
        ("ongoing", _utc(2023, 5, 20), "Första middagen hölls i maj."),
    ):
        change_status(official, project, _status(key), comment, when=when)
    post_update(
        official,
        project,
        "Färre deltagare än väntat",
        "Middagarna lockade främst grannar som redan kände varandra.",
        posted_at=_utc(2023, 8, 30),
    )
    change_status(
        official,
        project,
        _status("cancelled"),
        "Projektet avslutas; erfarenheterna förs vidare till biblioteksprojektet.",
        lessons_md="""\
- De som redan är engagerade kommer först; de ensamma behöver en **personlig inbjudan**.
- Gårdarna behöver en värd som känner grannarna, inte bara ett datum på en lapp.
- Mat samlar, men aktiviteter för barnen avgör om familjer stannar.
""",
        when=_utc(2023, 10, 2),
    )
    project.content_updated_at = _utc(2023, 10, 2)


def load_projects(official: User) -> list[str]:
    """Add the demo projects that are missing; returns the slugs added."""
    seed_statuses()
    added = []
    if not _exists(CONTACT_CENTER_SLUG):
        _contact_center(official)
        added.append(CONTACT_CENTER_SLUG)
    if not _exists(CANCELLED_SLUG):
        _cancelled(official)
        added.append(CANCELLED_SLUG)
    db.session.flush()
    return added
