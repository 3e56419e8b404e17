"""A small scored jury round, hand-computed (see ``scored_round``)."""

from __future__ import annotations

from dataclasses import dataclass

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge, Phase
from inhabithon.ideas.models import Idea
from inhabithon.jury.models import Juror, JuryRound, Normalization
from inhabithon.results.models import AwardKind
from inhabithon.results.services import AwardChoice, publish_results

EN = {"Accept-Language": "en"}


@dataclass
class Scored:
    challenge: Challenge
    jury: JuryRound
    ideas: list[Idea]  # A, B, C
    jurors: list[Juror]
    official: User


def weighted_round(make, challenge: Challenge, criteria, **kw) -> JuryRound:
    """A jury round whose criteria have these (name, weight)s."""
    jury = make.jury_round(challenge, criteria=len(criteria), **kw)
    for criterion, (name, weight) in zip(jury.criteria, criteria, strict=True):
        criterion.name, criterion.weight = name, weight
    make.session.commit()
    return jury


def scored_round(make, phase: Phase = Phase.JURY, **challenge_kw) -> Scored:
    """Three ideas, three jurors scoring all of them on Impact (weight 3) and
    Feasibility (weight 1), scale 0-4, juror-effect normalisation.

    Weighted totals (0.75 impact + 0.25 feasibility):
        juror 1: A 4, B 2, C 1;  juror 2: A 3, B 3, C 1;  juror 3: A 3, B 2, C 2.
    Every juror's totals sum to 7, so every juror's offset is 0 and an idea's
    score is its raw mean: A 3.333, B 2.333, C 1.333, each with standard
    error sd/sqrt(3) = 0.5774/1.7321 = 0.333. Impact means: A (4+4+3)/3 = 3.67,
    feasibility means: A (4+0+3)/3 = 2.33.
    """
    challenge = make.challenge(phase=phase, **challenge_kw)
    a = make.idea(challenge, title="Idea Alpha")
    b = make.idea(challenge, title="Idea Bravo")
    c = make.idea(challenge, title="Idea Charlie")
    jury = weighted_round(
        make,
        challenge,
        (("Impact", 3.0), ("Feasibility", 1.0)),
        normalization=Normalization.JUROR_EFFECT,
    )
    jurors = [
        make.juror(jury, make.user(Role.JURY, name=f"Juror Secretname{n}")) for n in (1, 2, 3)
    ]
    sheets = {
        0: {a: [4, 4], b: [2, 2], c: [0, 4]},
        1: {a: [4, 0], b: [3, 3], c: [1, 1]},
        2: {a: [3, 3], b: [2, 2], c: [2, 2]},
    }
    for n, by_idea in sheets.items():
        for idea, values in by_idea.items():
            make.sheet(jurors[n], idea, values)
    official = make.user(Role.OFFICIAL, locale="en", name="Olivia Official")
    return Scored(challenge, jury, [a, b, c], jurors, official)


def publish(make, scored: Scored, **motivations: str) -> None:
    a, b, _c = scored.ideas
    with make.context():
        publish_results(
            scored.official,
            scored.challenge,
            [
                AwardChoice(AwardKind.WINNER, a.id, motivations.get("winner", "A **clear** win.")),
                AwardChoice(AwardKind.RUNNER_UP, b.id, motivations.get("runner_up", "")),
                AwardChoice(AwardKind.PEOPLES_CHOICE, b.id, ""),
            ],
        )
