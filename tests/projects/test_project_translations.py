"""Officials translate a project page's title, lead and what/why/how; visitors
see their language where a translation exists, otherwise the original with a
note of its language."""

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.projects.models import ProjectTranslation
from tests.projects.helpers import EN, official, project


def translations(db, page):
    return db.scalars(
        select(ProjectTranslation)
        .where(ProjectTranslation.project_id == page.id)
        .order_by(ProjectTranslation.language)
    ).all()


def form(**overrides):
    data = {
        "language": "en",
        "title": "Evening walkers",
        "lead": "Adults walk around in the evenings.",
        "what": "We **walk**.",
        "why": "Safety.",
        "how": "Together.",
    }
    data.update(overrides)
    return data


def test_an_official_translates_a_project_and_english_visitors_read_it(client, make, db):
    page = project(make, title="Kvällsvandrare", lead="Vuxna går runt.", what_md="Vi *går*.")
    client.login(official(make))

    response = client.post(f"/projects/{page.slug}/translations", data=form())

    assert response.status_code == 303
    [translation] = translations(db, page)
    assert translation.what_html == "<p>We <strong>walk</strong>.</p>"
    client.logout()
    html = client.get(f"/projects/{page.slug}", headers=EN).get_data(as_text=True)
    assert '<h1 id="project-title" lang="en">Evening walkers</h1>' in html
    assert "Adults walk around in the evenings." in html
    assert "<strong>walk</strong>" in html
    assert "Vi <em>går</em>" not in html
    assert 'Translated from <span lang="sv">Svenska</span>' in html


def test_without_a_translation_the_original_is_shown_with_its_language(client, make):
    page = project(make, title="Kvällsvandrare", what_md="Vi *går*.")

    html = client.get(f"/projects/{page.slug}", headers=EN).get_data(as_text=True)

    assert '<h1 id="project-title" lang="sv">Kvällsvandrare</h1>' in html
    assert '<div class="content" lang="sv"><p>Vi <em>går</em>.</p></div>' in html
    assert 'Written in <span lang="sv">Svenska</span>' in html


def test_the_translation_is_edited_deleted_and_sanitized(client, make, db):
    page = project(make, title="Kvällsvandrare")
    client.login(official(make))
    url = f"/projects/{page.slug}/translations"

    client.post(url, data=form(what="<script>alert(1)</script>[x](javascript:alert(1))"))
    edit = client.get(url + "?language=en").get_data(as_text=True)
    assert 'value="Evening walkers"' in edit
    client.post(url, data=form(title="Night walkers"))

    [translation] = translations(db, page)
    assert translation.title == "Night walkers"
    assert "<script" not in translation.what_html
    assert client.post(url + "/en/delete").status_code == 303
    assert translations(db, page) == []
    assert client.post(url + "/en/delete").status_code == 404


def test_invalid_languages_and_missing_titles_are_refused_keeping_values(client, make, db):
    page = project(make, title="Kvällsvandrare")
    client.login(official(make))
    url = f"/projects/{page.slug}/translations"

    own = client.post(url, data=form(language="sv", lead="Kept lead"))
    untitled = client.post(url, data=form(title=""))

    assert own.status_code == 400
    assert "Kept lead" in own.get_data(as_text=True)
    assert untitled.status_code == 400
    assert "Enter the translated title." in untitled.get_data(as_text=True)
    assert translations(db, page) == []


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GUIDE, Role.JURY])
def test_only_officials_manage_project_translations(client, make, db, role):
    page = project(make, title="Kvällsvandrare")
    if role is not None:
        client.login(make.user(role))
    url = f"/projects/{page.slug}/translations"

    expected = 403 if role is not None else 302
    assert client.get(url).status_code == expected
    assert client.post(url, data=form()).status_code == expected
    assert translations(db, page) == []


def test_unknown_projects_are_not_found(client, make):
    client.login(official(make))
    assert client.get("/projects/no-such-project/translations").status_code == 404
