"""The H22 jury: a scored rubric round and published results for each H22
challenge, loaded through the jury and results services.

Scoring is only open during the jury phase, so each challenge is put back in
its jury phase for the duration (dates moved in this transaction only) and
given its real dates back; the publication is dated to the real announcement.
A challenge that already has a jury round is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db, utcnow
from inhabithon.demo.content import DemoUser
from inhabithon.ideas.models import Idea
from inhabithon.jury.models import JuryMode, Normalization
from inhabithon.jury.services import (
    CriterionData,
    RoundData,
    add_criterion,
    add_juror,
    assignments_of,
    compute_assignment,
    ensure_round,
    round_of,
    save_sheet,
    update_round,
)
from inhabithon.results.models import Award, AwardKind
from inhabithon.results.services import AwardChoice, peoples_choice, publish_results

JURORS = (
    DemoUser("jury2", "jury2@example.org", "Kerstin Malmberg", Role.JURY),
    DemoUser("jury3", "jury3@example.org", "Farid Osman", Role.JURY),
)

SCALE_LABELS = [
    "0 – Inte alls: förslaget svarar inte på detta.",
    "1 – Svagt: förslaget berör detta men har tydliga brister.",
    "2 – Godtagbart: förslaget svarar rimligt väl på detta.",
    "3 – Bra: förslaget svarar väl på detta.",
    "4 – Utmärkt: ett enastående svar på detta.",
]

CRITERIA = (
    CriterionData(
        "Samhällsnytta", "Hur mycket förslaget skulle förbättra livet för dem det gäller.", 3.0, 1
    ),
    CriterionData(
        "Förtroende och delaktighet",
        "Om förslaget bygger förtroende och låter invånarna vara med och forma det.",
        2.0,
        2,
    ),
    CriterionData(
        "Genomförbarhet", "Om staden och dess partner realistiskt kan genomföra det.", 2.0, 3
    ),
    CriterionData("Nytänkande", "Hur nytt förslaget är här, jämfört med det som finns.", 1.0, 4),
)

# Small, fixed differences between jurors and criteria around each idea's level.
_JITTER = (0, -1, 0, 1, 0)


@dataclass(frozen=True)
class DemoResult:
    """Each idea's level (0-4) by title, best first, and the jury's motivations."""

    levels: tuple[tuple[str, int], ...]
    winner: str
    runner_up: str
    peoples_choice: str


RESULTS = {
    "h22-invanare-som-inte-vagar-be-om-hjalp": DemoResult(
        levels=(
            ("Flerspråkigt kontaktcenter", 4),
            ("Anonym chatt med socialtjänsten", 3),
            ("Familjecafé i stadsdelen", 2),
            ("معلومات عن الخدمات الاجتماعية بلغتي", 2),
            ("Trygghetsvandringar med föräldrar", 1),
        ),
        winner=(
            "Ett **tydligt koncept** som bärs av kvinnor med stora nätverk som bygger förtroende "
            "i sina stadsdelar. Kontaktcentret blir en brygga mellan staden och de invånare som "
            "inte vågar ta första steget – på deras eget språk, och anonymt så länge de vill."
        ),
        runner_up=(
            "En enkel och modig idé: det är lättare att skriva än att ringa. Chatten sänker "
            "tröskeln för den som är orolig och vill vara anonym."
        ),
        peoples_choice=(
            "Invånarnas egen favorit – flest röster av alla förslag under helgen på Prismahuset."
        ),
    ),
    "h22-arbete-och-egen-forsorjning": DemoResult(
        levels=(
            ("Jobbinspiratörer från grannskapet", 4),
            ("SFI med praktik från dag ett", 3),
            ("Validera yrkeskunskaper snabbare", 2),
            ("Språkvän på arbetsplatsen", 1),
        ),
        winner=(
            "Förebilder som själva har gått vägen når grannar som staden inte når. Förslaget "
            "ger **en röd tråd** från SFI till arbete."
        ),
        runner_up="Praktik från första dagen gör språket till ett verktyg, inte ett hinder.",
        peoples_choice="Flest röster från invånarna i utmaningen.",
    ),
    "h22-ensamhet-och-gemenskap": DemoResult(
        levels=(
            ("Grannskapsmiddagar på gården", 4),
            ("Generationsmöten på biblioteket", 3),
            ("Kvällsöppen mötesplats för unga", 2),
        ),
        winner=(
            "En låg tröskel och ett gemensamt bord: grannar som inte kände varandra möts, "
            "och gemenskapen byggs av dem som bor där."
        ),
        runner_up="Biblioteket som mötesplats för unga och äldre – enkelt att börja med.",
        peoples_choice="Flest röster från invånarna i utmaningen.",
    ),
}

_PHASE_FIELDS = ("submissions_open_at", "voting_open_at", "jury_review_at", "results_at")


@contextmanager
def _jury_phase(challenge: Challenge) -> Iterator[None]:
    saved = {name: getattr(challenge, name) for name in (*_PHASE_FIELDS, "archived_at")}
    now = utcnow()
    challenge.submissions_open_at = now - dt.timedelta(days=3)
    challenge.voting_open_at = now - dt.timedelta(days=2)
    challenge.jury_review_at = now - dt.timedelta(hours=1)
    challenge.results_at = None
    challenge.archived_at = None
    db.session.flush()
    assert challenge.phase is Phase.JURY
    yield
    for name, value in saved.items():
        setattr(challenge, name, value)
    db.session.flush()


def _score(level: int, juror: int, idea: int, criterion: int) -> int:
    return max(0, min(4, level + _JITTER[(juror + 2 * idea + criterion) % len(_JITTER)]))


def _load(challenge: Challenge, demo: DemoResult, jurors: list[User], official: User) -> None:
    ideas = {
        idea.title: idea
        for idea in db.session.scalars(select(Idea).where(Idea.challenge_id == challenge.id))
    }
    with _jury_phase(challenge):
        jury = ensure_round(official, challenge)
        update_round(
            official,
            jury,
            RoundData(JuryMode.RUBRIC, 0, 4, SCALE_LABELS, 3, Normalization.ZSCORE),
        )
        criteria = [add_criterion(official, jury, data) for data in CRITERIA]
        for user in jurors:
            add_juror(official, jury, user.email)
        compute_assignment(official, jury)
        order = {title: n for n, (title, _level) in enumerate(demo.levels)}
        level = dict(demo.levels)
        juror_index = {j.id: n for n, j in enumerate(jury.jurors)}
        for assignment in assignments_of(jury):
            title = assignment.idea.title
            values: dict[int, int | None] = {
                c.id: _score(level[title], juror_index[assignment.juror_id], order[title], k)
                for k, c in enumerate(criteria)
            }
            save_sheet(assignment.juror.user, assignment, values, "")
        people = peoples_choice({idea.id: idea for idea in ideas.values()})
        result = publish_results(
            official,
            challenge,
            [
                AwardChoice(AwardKind.WINNER, ideas[demo.levels[0][0]].id, demo.winner),
                AwardChoice(AwardKind.RUNNER_UP, ideas[demo.levels[1][0]].id, demo.runner_up),
                AwardChoice(
                    AwardKind.PEOPLES_CHOICE,
                    people.idea.id if people.idea else None,
                    demo.peoples_choice,
                ),
            ],
        )
    announced = challenge.results_at or utcnow()
    result.published_at = announced
    for award in db.session.scalars(select(Award).where(Award.challenge_id == challenge.id)):
        award.created_at = announced
    db.session.flush()


def load_results(jurors: list[User], official: User) -> None:
    """Score and publish the H22 challenges that have no jury round yet."""
    for slug, demo in RESULTS.items():
        challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
        if challenge is None or round_of(challenge) is not None:
            continue
        _load(challenge, demo, jurors, official)
