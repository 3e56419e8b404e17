"""Admins give and take roles; everyone else is kept out."""

import re

import pytest
from sqlalchemy import select

from inhabithon.accounts.models import Role
from inhabithon.audit.models import AuditEntry

ROLES = {
    "visitor": None,
    "resident": Role.RESIDENT,
    "guide": Role.GUIDE,
    "jury": Role.JURY,
    "official": Role.OFFICIAL,
    "admin": Role.ADMIN,
}
ADMIN_ROUTES = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/{target}"),
    ("POST", "/admin/users/{target}"),
    ("GET", "/admin/audit"),
]


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
@pytest.mark.parametrize("who", list(ROLES))
def test_only_admins_reach_the_admin_pages(client, make, db, who, method, route):
    target = make.user(name="Target Person")
    role = ROLES[who]
    if role is not None:
        client.login(make.user(role))
    url = route.format(target=target.id)
    response = client.open(url, method=method, data={"jury": "y"} if method == "POST" else None)

    if who == "visitor":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif who == "admin":
        assert response.status_code == (303 if method == "POST" else 200)
    else:
        assert response.status_code == 403
    db.refresh(target)
    assert target.has_role(Role.JURY) is (who == "admin" and method == "POST")


def test_user_list_shows_name_email_roles_and_links_to_the_role_form(client, make):
    admin = client.login(make.user(Role.ADMIN, name="Ada Admin"))
    guide = make.user(Role.GUIDE, Role.JURY, name="Gustav Guide", email="gustav@example.org")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Gustav Guide" in html
    assert "gustav@example.org" in html
    assert f'href="/admin/users/{guide.id}"' in html
    assert f'href="/admin/users/{admin.id}"' in html
    # Every account is a resident; given roles are listed too.
    row = html.split("gustav@example.org", 1)[1].split("</tr>", 1)[0]
    assert "Guide" in row
    assert "Jury" in row


def test_user_search_matches_name_and_email_case_insensitively(client, make):
    client.login(make.user(Role.ADMIN, name="Ada Admin"))
    make.user(name="Fatima Hassan", email="fatima@example.org")
    make.user(name="Olle Berg", email="olle.hemma@example.org")
    make.user(name="Someone Else", email="else@example.org")

    by_name = client.get("/admin/users?q=FATIMA").get_data(as_text=True)
    assert "Fatima Hassan" in by_name
    assert "Someone Else" not in by_name

    by_email = client.get("/admin/users?q=Hemma").get_data(as_text=True)
    assert "Olle Berg" in by_email
    assert "Fatima Hassan" not in by_email


def test_user_search_treats_wildcards_as_plain_text(client, make):
    client.login(make.user(Role.ADMIN))
    make.user(name="Percy Plain", email="percy@example.org")
    html = client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "Percy Plain" not in html
    assert "No users match your search." in html


def test_user_list_pages_by_id_fifty_at_a_time_without_offset(client, make, count_queries):
    client.login(make.user(Role.ADMIN, name="Ada Admin"))
    people = [
        make.user(name=f"Pagination Person {i:02d}", email=f"page{i:02d}@example.org")
        for i in range(55)
    ]

    first = client.get("/admin/users?q=Pagination+Person").get_data(as_text=True)
    assert "Pagination Person 49" in first
    assert "Pagination Person 50" not in first
    assert f"after={people[49].id}" in first

    count_queries.statements.clear()
    second = client.get(f"/admin/users?q=Pagination+Person&after={people[49].id}").get_data(
        as_text=True
    )
    # The next page starts after a key (SQLite's dialect prints a constant "OFFSET 0").
    listing = next(s for s in count_queries.statements if "FROM users" in s and "LIKE" in s)
    assert "users.id >" in listing
    assert "Pagination Person 49" not in second
    assert "Pagination Person 50" in second
    assert "Pagination Person 54" in second
    assert "Next page" not in second


def test_user_list_loads_in_a_fixed_number_of_queries(client, make, count_queries):
    client.login(make.user(Role.ADMIN))
    for _ in range(3):
        make.user(Role.GUIDE)
    count_queries.statements.clear()
    client.get("/admin/users")
    few = count_queries.count
    for _ in range(10):
        make.user(Role.JURY, Role.OFFICIAL)
    count_queries.statements.clear()
    client.get("/admin/users")
    assert count_queries.count == few


def test_role_form_shows_checkboxes_and_resident_as_always_on_text(client, make):
    client.login(make.user(Role.ADMIN))
    target = make.user(Role.GUIDE)
    html = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    for role in ("guide", "jury", "official", "admin"):
        assert re.search(rf'<input[^>]*name="{role}" type="checkbox"', html)
    assert 'name="resident"' not in html
    assert "always on" in html
    assert re.search(r'<input[^>]*\bchecked\b[^>]*name="guide"', html)
    assert not re.search(r'<input[^>]*\bchecked\b[^>]*name="jury"', html)


def test_admin_gives_and_takes_roles_and_an_audit_entry_is_written(client, make, db):
    admin = client.login(make.user(Role.ADMIN))
    target = make.user(Role.GUIDE)

    response = client.post(f"/admin/users/{target.id}", data={"jury": "y", "official": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/users/{target.id}")

    db.refresh(target)
    assert target.role_set == {Role.RESIDENT, Role.JURY, Role.OFFICIAL}
    entry = db.scalars(select(AuditEntry).where(AuditEntry.object_id == str(target.id))).one()
    assert entry.action == "user.roles_changed"
    assert entry.actor_id == admin.id
    assert entry.object_type == "users"
    assert entry.before == {"roles": ["guide"]}
    assert entry.after == {"roles": ["jury", "official"]}

    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "The roles of" in page
    assert "roles: guide → roles: jury, official" in page


def test_saving_unchanged_roles_writes_no_audit_entry(client, make, db):
    client.login(make.user(Role.ADMIN))
    target = make.user(Role.JURY)
    response = client.post(f"/admin/users/{target.id}", data={"jury": "y"})
    assert response.status_code == 303
    assert db.scalars(select(AuditEntry).where(AuditEntry.object_id == str(target.id))).all() == []


def test_admin_cannot_remove_their_own_admin_role(client, make, db):
    admin = client.login(make.user(Role.ADMIN, Role.OFFICIAL))
    response = client.post(f"/admin/users/{admin.id}", data={"official": "y"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "You cannot remove your own admin role." in html
    # The submitted choice is kept and the error sits next to the admin checkbox.
    assert 'id="admin-error"' in html
    db.refresh(admin)
    assert admin.has_role(Role.ADMIN)
    assert db.scalars(select(AuditEntry)).all() == []


def test_admin_may_remove_another_admins_admin_role(client, make, db):
    client.login(make.user(Role.ADMIN))
    other = make.user(Role.ADMIN)
    assert client.post(f"/admin/users/{other.id}", data={}).status_code == 303
    db.refresh(other)
    assert other.role_set == {Role.RESIDENT}


def test_role_form_for_an_unknown_user_is_404(client, make):
    client.login(make.user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999", data={"jury": "y"}).status_code == 404


def test_role_form_without_csrf_token_changes_nothing(client, make, db):
    client.login(make.user(Role.ADMIN))
    target = make.user()
    response = client.post(f"/admin/users/{target.id}", data={"admin": "y"}, csrf=False)
    assert response.status_code == 400
    db.refresh(target)
    assert not target.has_role(Role.ADMIN)


def test_audit_log_lists_entries_newest_first_with_actor_action_and_values(client, make):
    admin = client.login(make.user(Role.ADMIN, name="Ada Admin"))
    first = make.user(name="First Target")
    second = make.user(name="Second Target")
    client.post(f"/admin/users/{first.id}", data={"guide": "y"})
    client.post(f"/admin/users/{second.id}", data={"jury": "y"})

    html = client.get("/admin/audit").get_data(as_text=True)
    assert html.index(f"users #{second.id}") < html.index(f"users #{first.id}")
    assert "user.roles_changed" in html
    assert "Ada Admin" in html
    assert "roles: guide" in html
    assert f'href="/admin/users/{first.id}"' in html
    assert admin.display_name in html


def test_audit_log_pages_by_key(client, make, db):
    admin = client.login(make.user(Role.ADMIN))
    targets = [make.user() for _ in range(52)]
    with make.context():
        from inhabithon.accounts.services import set_roles

        for target in targets:
            set_roles(admin, target, {Role.GUIDE})
    ids = [e.id for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()))]

    first = client.get("/admin/audit").get_data(as_text=True)
    assert f"before={ids[49]}" in first
    assert f"users #{targets[0].id}<" not in first
    second = client.get(f"/admin/audit?before={ids[49]}").get_data(as_text=True)
    assert f"users #{targets[0].id}<" in second
    assert f"users #{targets[-1].id}<" not in second
    assert "Older entries" not in second
