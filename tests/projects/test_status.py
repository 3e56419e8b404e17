"""Statuses: each change is dated and kept, sets the progress, and cancelling
needs lessons learned; officials can extend the statuses table."""

from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry
from inhabithon.projects.models import ProjectStatus, ProjectStatusChange
from tests.projects.helpers import EN, official, project, set_status, status


def _history(db, p):
    changes = db.scalars(
        select(ProjectStatusChange)
        .where(ProjectStatusChange.project_id == p.id)
        .order_by(ProjectStatusChange.id)
    ).all()
    return [(c.to_status.key, c.progress, c.comment) for c in changes]


def test_the_six_built_in_statuses_come_with_the_migration(db):
    rows = db.scalars(select(ProjectStatus).order_by(ProjectStatus.position)).all()
    assert [(s.key, s.name, s.progress) for s in rows][:4] == [
        ("idea", "Idé", 10),
        ("planned", "Planerad", 25),
        ("ongoing", "Pågående", 60),
        ("realized", "Realiserad", 100),
    ]
    by_key = {s.key: s for s in rows}
    assert by_key["paused"].keeps_progress
    assert by_key["cancelled"].keeps_progress
    assert by_key["cancelled"].requires_lessons


def test_a_status_change_appends_history_sets_progress_and_is_audited(client, make, db):
    p = project(make)
    client.login(official(make))
    planned = status(make, "planned")
    response = client.post(
        f"/projects/{p.slug}/status", data={"status": planned.id, "comment": "Förstudien är klar."}
    )
    assert response.status_code == 303
    db.refresh(p)
    assert (p.status.key, p.progress) == ("planned", 25)
    assert _history(db, p) == [("idea", 10, ""), ("planned", 25, "Förstudien är klar.")]
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "project.status_changed")
    ).one()
    assert entry.before == {"status": "idea", "progress": 10}
    assert entry.after["status"] == "planned"
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    assert "Förstudien är klar." in page
    assert 'value="25"' in page


def test_cancelling_without_lessons_learned_is_refused_with_a_clear_message(client, make, db):
    p = project(make)
    set_status(make, p, "ongoing")
    client.login(official(make))
    cancelled = status(make, "cancelled")
    response = client.post(
        f"/projects/{p.slug}/status", headers=EN, data={"status": cancelled.id, "comment": "Slut."}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Write down the lessons learned" in page
    assert "Slut." in page  # the comment typed is kept
    db.refresh(p)
    assert p.status.key == "ongoing"
    assert len(_history(db, p)) == 2


def test_cancelling_with_lessons_keeps_the_progress_reached_and_shows_the_lessons(client, make, db):
    p = project(make)
    set_status(make, p, "ongoing")
    client.login(official(make))
    response = client.post(
        f"/projects/{p.slug}/status",
        data={"status": status(make, "cancelled").id, "lessons_md": "Vi lärde oss *mycket*."},
    )
    assert response.status_code == 303
    db.refresh(p)
    assert (p.status.key, p.progress) == ("cancelled", 60)
    assert "<em>mycket</em>" in p.lessons_html
    page = client.get(f"/projects/{p.slug}", headers=EN).get_data(as_text=True)
    assert "Lessons learned" in page
    assert "Cancelled" in page


def test_lessons_saved_on_the_page_are_enough_to_cancel(client, make, db):
    p = project(make, lessons_md="Redan skrivet.")
    set_status(make, p, "planned")
    set_status(make, p, "cancelled")
    db.refresh(p)
    assert (p.status.key, p.progress) == ("cancelled", 25)


def test_pausing_keeps_progress_and_resuming_takes_the_status_progress(make, db):
    p = project(make)
    set_status(make, p, "ongoing")
    set_status(make, p, "paused")
    db.refresh(p)
    assert (p.status.key, p.progress) == ("paused", 60)
    set_status(make, p, "realized")
    db.refresh(p)
    assert p.progress == 100


def test_setting_the_same_status_again_is_a_conflict(client, make):
    p = project(make)
    client.login(official(make))
    response = client.post(f"/projects/{p.slug}/status", data={"status": p.status_id})
    assert response.status_code == 409


def test_no_route_edits_or_deletes_the_history(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("projects.")]
    for rule in rules:
        assert "status_change" not in rule.rule
        assert "history" not in rule.rule
        if "/status" in rule.rule:
            assert rule.rule.endswith(("/status", "/statuses"))
            assert not {"PUT", "PATCH", "DELETE"} & set(rule.methods), rule.rule


def test_officials_extend_the_statuses_table_and_use_the_new_status(client, make, db):
    client.login(official(make))
    response = client.post(
        "/projects/statuses", data={"key": "evaluated", "name": "Utvärderad", "progress": "90"}
    )
    assert response.status_code == 303
    evaluated = status(make, "evaluated")
    assert evaluated.position > status(make, "cancelled").position
    p = project(make)
    response = client.post(f"/projects/{p.slug}/status", data={"status": evaluated.id})
    assert response.status_code == 303
    db.refresh(p)
    assert p.progress == 90
    assert "Utvärderad" in client.get("/projects").get_data(as_text=True)


def test_a_bad_status_definition_is_refused_with_the_input_kept(client, make):
    client.login(official(make))
    response = client.post(
        "/projects/statuses", headers=EN, data={"key": "Bad Key", "name": "Namn", "progress": "101"}
    )
    assert response.status_code == 400
    assert 'value="Namn"' in response.get_data(as_text=True)
    response = client.post(
        "/projects/statuses", headers=EN, data={"key": "idea", "name": "Dubblett", "progress": "5"}
    )
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)


def test_residents_cannot_add_statuses(client, make):
    client.login(make.user(Role.RESIDENT))
    response = client.post("/projects/statuses", data={"key": "x", "name": "X", "progress": "5"})
    assert response.status_code == 403


def test_seed_statuses_cli_is_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["projects", "seed-statuses"])
    assert result.exit_code == 0, result.output
    assert "already" in result.output
    assert db.scalars(select(ProjectStatus)).all().__len__() >= 6
