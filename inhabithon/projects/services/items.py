"""A project's impact goals, contacts and links to evaluations; each change
moves the page's "last updated" date."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import db
from inhabithon.errors import InvalidInput
from inhabithon.projects.models import ImpactGoal, Project, ProjectContact, ProjectLink
from inhabithon.projects.services.projects import touch


@dataclass
class GoalData:
    outcome: str
    indicator: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    unit: str = ""
    comment: str = ""
    reached: bool = False


def _check_goal(data: GoalData) -> None:
    if not data.outcome.strip():
        raise InvalidInput(_l("Describe the expected outcome."), field="outcome")
    numbers = (data.baseline, data.target)
    if data.indicator.strip() and any(v is None for v in numbers):
        raise InvalidInput(_l("An indicator needs a baseline and a target value."), field="target")
    if not data.indicator.strip() and any(
        v is not None for v in (data.baseline, data.target, data.current)
    ):
        raise InvalidInput(_l("Name the indicator the values measure."), field="indicator")


def _apply_goal(goal: ImpactGoal, data: GoalData) -> None:
    goal.outcome = data.outcome.strip()
    goal.indicator = data.indicator.strip() or None
    goal.baseline = data.baseline
    goal.target = data.target
    goal.current = data.current
    goal.unit = data.unit.strip()
    goal.comment = data.comment.strip()
    goal.reached = data.reached


def add_goal(actor: User | None, project: Project, data: GoalData) -> ImpactGoal:
    _check_goal(data)
    position = max((g.position for g in project.goals), default=0) + 1
    goal = ImpactGoal(project_id=project.id, position=position)
    _apply_goal(goal, data)
    project.goals.append(goal)
    touch(project)
    db.session.flush()
    record(actor, "project.goal_added", project, after={"goal_id": goal.id})
    return goal


def update_goal(actor: User | None, goal: ImpactGoal, data: GoalData) -> ImpactGoal:
    _check_goal(data)
    _apply_goal(goal, data)
    if db.session.is_modified(goal):
        touch(goal.project)
    db.session.flush()
    record(actor, "project.goal_updated", goal.project, after={"goal_id": goal.id})
    return goal


def remove_goal(actor: User | None, goal: ImpactGoal) -> None:
    project = goal.project
    project.goals.remove(goal)
    touch(project)
    db.session.flush()
    record(actor, "project.goal_removed", project, before={"outcome": goal.outcome})


def add_contact(
    actor: User | None, project: Project, name: str, email: str = "", role: str = ""
) -> ProjectContact:
    if not name.strip():
        raise InvalidInput(_l("Enter the contact's name."), field="name")
    contact = ProjectContact(name=name.strip(), email=email.strip(), role=role.strip())
    project.contacts.append(contact)
    touch(project)
    db.session.flush()
    record(actor, "project.contact_added", project, after={"name": contact.name})
    return contact


def remove_contact(actor: User | None, project: Project, contact: ProjectContact) -> None:
    project.contacts.remove(contact)
    touch(project)
    db.session.flush()
    record(actor, "project.contact_removed", project, before={"name": contact.name})


def is_web_address(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def add_link(actor: User | None, project: Project, title: str, url: str) -> ProjectLink:
    if not title.strip():
        raise InvalidInput(_l("Enter the link's title."), field="title")
    if not is_web_address(url):
        raise InvalidInput(
            _l("Enter a web address starting with http:// or https://."), field="url"
        )
    link = ProjectLink(title=title.strip(), url=url.strip())
    project.links.append(link)
    touch(project)
    db.session.flush()
    record(actor, "project.link_added", project, after={"url": link.url})
    return link


def remove_link(actor: User | None, project: Project, link: ProjectLink) -> None:
    project.links.remove(link)
    touch(project)
    db.session.flush()
    record(actor, "project.link_removed", project, before={"url": link.url})
