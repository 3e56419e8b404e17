"""Building projects for tests, through the services so history and followers hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inhabithon.accounts.models import Role, User
from inhabithon.ideas.models import Idea
from inhabithon.projects import services
from inhabithon.projects.models import Project, ProjectStatus
from tests.factories import Factory

EN = {"Accept-Language": "en"}


def official(make: Factory) -> User:
    return make.user(Role.OFFICIAL, locale="en")


def project(make: Factory, idea: Idea | None = None, **kw: Any) -> Project:
    """A project created by an official, from ``idea`` when given."""
    actor = kw.pop("actor", None) or make.user(Role.OFFICIAL)
    with make.context():
        if idea is not None:
            data = services.prefill_from_idea(make.session.merge(idea))
        else:
            data = services.ProjectData(title=kw.pop("title", "A project"))
        for name, value in kw.items():
            setattr(data, name, value)
        return services.create_project(actor, data)


def status(make: Factory, key: str) -> ProjectStatus:
    found = make.session.scalar(select(ProjectStatus).where(ProjectStatus.key == key))
    assert found is not None, key
    return found


def set_status(make: Factory, project: Project, key: str, **kw: Any) -> None:
    with make.context():
        services.change_status(None, project, status(make, key), **kw)
