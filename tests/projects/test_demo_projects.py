"""The demo's project pages: the contact center, realized with its impact
goals, and a cancelled project with its lessons learned; loading stays idempotent."""

import pytest
from sqlalchemy import func, select

from inhabithon.accounts import services as account_services
from inhabithon.demo import DEMO_PASSWORD
from inhabithon.ideas.models import Idea
from inhabithon.projects.models import Project, ProjectStatusChange, ProjectUpdate
from tests.projects.helpers import EN

_demo_hash: list[str] = []


@pytest.fixture(autouse=True)
def _hash_once(monkeypatch):
    if not _demo_hash:
        _demo_hash.append(account_services.hash_password(DEMO_PASSWORD))
    monkeypatch.setattr(account_services, "hash_password", lambda _password: _demo_hash[0])


def _load(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_the_demo_holds_the_realized_contact_center_and_a_cancelled_project(app, client, db):
    _load(app)
    center = db.scalars(select(Project).where(Project.slug == "flersprakigt-kontaktcenter")).one()
    assert center.status.key == "realized"
    assert center.progress == 100
    assert [g.outcome for g in center.goals] == [
        "Ökad trygghet i att ta kontakt med kommunens stödpersoner",
        "Sänkta trösklar mellan invånare och kommunstöd",
    ]
    assert "Projektet görs med och för Stadsdelsmammorna HBG" in center.involvement_md
    idea = db.get(Idea, center.idea_id)
    assert idea.title == "Flerspråkigt kontaktcenter"
    updates = db.scalars(select(ProjectUpdate).where(ProjectUpdate.project_id == center.id)).all()
    assert len(updates) >= 3
    assert center.published_at.year == 2022
    assert center.content_updated_at.year == 2024
    assert all(c.email.endswith("@example.org") for c in center.contacts)

    cancelled = db.scalars(select(Project).where(Project.status.has(key="cancelled"))).one()
    assert cancelled.lessons_html
    assert cancelled.progress == 60

    page = client.get(f"/projects/{center.slug}", headers=EN).get_data(as_text=True)
    assert "Realized" in page
    assert "Impact goals" in page
    assert f"/projects/{center.slug}" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_loading_the_demo_twice_adds_no_second_project(app, db):
    _load(app)
    counts = (
        db.scalar(select(func.count()).select_from(Project)),
        db.scalar(select(func.count()).select_from(ProjectStatusChange)),
    )
    _load(app)
    assert counts == (
        db.scalar(select(func.count()).select_from(Project)),
        db.scalar(select(func.count()).select_from(ProjectStatusChange)),
    )
    assert counts[0] == 2
