import re

from inhabithon.accounts.models import Role
from inhabithon.challenges.models import Phase
from inhabithon.ideas.models import AuthorDisplay


def _form(**overrides):
    values = {
        "title": "New title",
        "summary": "New summary",
        "body_md": "New *body*",
        "language": "en",
    }
    values.update(overrides)
    return values


def test_owner_sees_the_form_filled_in(client, make):
    owner = make.user()
    idea = make.idea(make.challenge(), owner, title="Old title", anonymous=True)
    client.login(owner)
    response = client.get(f"/ideas/{idea.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Old title"' in page
    [radio] = re.findall(r'<input[^>]*value="anonymous"[^>]*>', page)
    assert " checked" in radio


def test_owner_edits_the_idea_while_submissions_are_open(client, make, db):
    owner = make.user()
    idea = make.idea(make.challenge(), owner)
    client.login(owner)
    response = client.post(f"/ideas/{idea.id}/edit", data=_form(display="anonymous"))
    assert response.status_code == 303
    db.refresh(idea)
    assert (idea.title, idea.summary, idea.language) == ("New title", "New summary", "en")
    assert idea.body_html == "<p>New <em>body</em></p>"
    assert idea.author_display is AuthorDisplay.ANONYMOUS


def test_no_edit_after_submissions_close(client, make, db):
    owner = make.user()
    idea = make.idea(make.challenge(phase=Phase.VOTING), owner, title="Old title")
    client.login(owner)
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 409
    response = client.post(f"/ideas/{idea.id}/edit", data=_form(summary="Typed summary"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "can no longer be edited" in page
    assert "Typed summary" in page
    db.refresh(idea)
    assert idea.title == "Old title"


def test_invalid_edit_keeps_the_values_and_changes_nothing(client, make, db):
    owner = make.user()
    idea = make.idea(make.challenge(), owner, title="Old title")
    client.login(owner)
    response = client.post(f"/ideas/{idea.id}/edit", data=_form(title="", summary="Typed summary"))
    assert response.status_code == 400
    assert "Typed summary" in response.get_data(as_text=True)
    db.refresh(idea)
    assert idea.title == "Old title"


def test_only_the_owner_may_edit(client, make, db):
    idea = make.idea(make.challenge(), make.user(), title="Old title")
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 302  # visitor: log in first
    for user in (make.user(), make.user(Role.OFFICIAL), make.user(Role.ADMIN)):
        client.login(user)
        assert client.get(f"/ideas/{idea.id}/edit").status_code == 403
        assert client.post(f"/ideas/{idea.id}/edit", data=_form()).status_code == 403
    db.refresh(idea)
    assert idea.title == "Old title"


def test_editing_an_unknown_idea_is_not_found(client, make):
    client.login(make.user())
    assert client.get("/ideas/999999/edit").status_code == 404
