"""A small open-data world: an event, a challenge in each interesting phase,
ideas in every author display, published results and a project."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from inhabithon.accounts.models import Role, User
from inhabithon.challenges.models import Challenge, Phase, VoteVisibility
from inhabithon.events.models import Event
from inhabithon.ideas.models import AuthorDisplay, Idea, IdeaStatus, Origin
from inhabithon.ideas.pseudonyms import pseudonym_for
from inhabithon.projects import services as projects
from inhabithon.projects.models import Project
from inhabithon.results.models import AwardKind
from inhabithon.results.services import AwardChoice, publish_results
from tests.factories import Factory
from tests.projects.helpers import project, set_status

NAME = "Zebulonia Quaranta-Wexley"
EMAIL = "zebulonia.secret@example.org"
PSEUDONYM_OWNER = "Petronella Hagström-Ives"


@dataclass
class World:
    event: Event
    author: User
    named: User
    voting: Challenge  # votes hidden while voting
    done: Challenge  # results published
    draft: Challenge
    anonymous_idea: Idea
    pseudonymous_idea: Idea
    named_idea: Idea
    pending_idea: Idea
    hidden_idea: Idea
    voting_idea: Idea
    project: Project
    pseudonym: str


def build(make: Factory, db: Session) -> World:
    event = make.event(slug="malmo-2026", name="Inhabithon Malmö")
    author = make.user(name=NAME, email=EMAIL)
    named = make.user(name="Nils Named", email="nils.named@example.org")
    voting = make.challenge(
        Phase.VOTING,
        event=event,
        slug="safe-streets",
        category="Trygghet",
        vote_visibility=VoteVisibility.AFTER_VOTING,
    )
    done = make.challenge(Phase.RESULTS, event=event, slug="green-yards", category="Miljö")
    draft = make.challenge(Phase.DRAFT, event=event, slug="secret-draft")
    with make.context():
        pseudonym = pseudonym_for(author, done)
    anonymous_idea = make.idea(done, author, anonymous=True, title='=HYPERLINK("x") lamps')
    pseudonymous_idea = make.idea(done, author, title="Benches by the water")
    pseudonymous_idea.author_display = AuthorDisplay.PSEUDONYM
    pseudonymous_idea.pseudonym_id = pseudonym.id
    named_idea = make.idea(done, named, title='Fruit trees, "quoted", and commas')
    pending_idea = make.idea(done, named, title="Waiting for review")
    pending_idea.status = IdeaStatus.PENDING
    hidden_idea = make.idea(done, named, title="Hidden by a moderator")
    hidden_idea.status = IdeaStatus.HIDDEN
    hidden_idea.moderation_reason = "Off topic"
    voting_idea = make.idea(voting, named, title="Lights on the bridge", vote_count=7)
    for idea, votes in ((anonymous_idea, 12), (pseudonymous_idea, 9), (named_idea, 3)):
        idea.vote_count = votes
    make.idea(draft, named, title="Idea in a draft")
    contact = make.idea(done, None, title="Brought in by a guide")
    contact.origin = Origin.CONTACT_CENTER
    contact.submitted_by_id = make.user(Role.GUIDE, name="Gudrun Guide").id
    db.commit()
    with make.context():
        publish_results(
            make.user(Role.OFFICIAL),
            done,
            [
                AwardChoice(AwardKind.WINNER, anonymous_idea.id, "Bright *idea*."),
                AwardChoice(AwardKind.RUNNER_UP, pseudonymous_idea.id, "Close."),
                AwardChoice(AwardKind.PEOPLES_CHOICE, anonymous_idea.id, ""),
            ],
        )
    p = project(make, anonymous_idea, title="Lamps in the yard")
    set_status(make, p, "planned", comment="Budget granted")
    with make.context():
        p = make.session.merge(p)
        projects.add_goal(
            None,
            p,
            projects.GoalData(
                outcome="Fewer dark corners",
                indicator="Dark corners",
                baseline=Decimal(10),
                target=Decimal(2),
                current=Decimal(6),
            ),
        )
        projects.post_update(None, p, "Work starts", "The **first** lamps arrive.")
    db.commit()
    return World(
        event=event,
        author=author,
        named=named,
        voting=voting,
        done=done,
        draft=draft,
        anonymous_idea=anonymous_idea,
        pseudonymous_idea=pseudonymous_idea,
        named_idea=named_idea,
        pending_idea=pending_idea,
        hidden_idea=hidden_idea,
        voting_idea=voting_idea,
        project=p,
        pseudonym=pseudonym.name,
    )
