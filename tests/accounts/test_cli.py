"""``flask users create-admin``."""

from sqlalchemy import select

from inhabithon.accounts.models import Role, User
from inhabithon.accounts.services import authenticate
from inhabithon.audit.models import AuditEntry

PASSWORD = "a long enough admin password"


def _create_admin(app, *args):
    return app.test_cli_runner().invoke(args=["users", "create-admin", *args])


def test_create_admin_creates_an_admin_who_can_log_in(app, db):
    result = _create_admin(
        app, "--email", "Boss@Example.org", "--name", "Boss Person", "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.org" in result.output

    user = db.scalars(select(User).where(User.email == "boss@example.org")).one()
    assert user.display_name == "Boss Person"
    assert user.role_set == {Role.RESIDENT, Role.ADMIN}
    with app.test_request_context():
        assert authenticate("boss@example.org", PASSWORD).id == user.id
    entry = db.scalars(select(AuditEntry).where(AuditEntry.object_id == str(user.id))).one()
    assert entry.action == "user.roles_changed"
    assert entry.actor_id is None


def test_create_admin_promotes_an_existing_account_and_keeps_its_roles(app, db, make):
    existing = make.user(Role.JURY, email="someone@example.org", name="Some One")
    result = _create_admin(
        app, "--email", "someone@example.org", "--name", "Ignored", "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    assert "now an admin" in result.output

    db.refresh(existing)
    assert existing.role_set == {Role.RESIDENT, Role.JURY, Role.ADMIN}
    assert existing.display_name == "Some One"
    assert db.scalars(select(User).where(User.email == "someone@example.org")).all() == [existing]


def test_create_admin_twice_is_harmless(app, db):
    args = ("--email", "twice@example.org", "--name", "Twice", "--password", PASSWORD)
    assert _create_admin(app, *args).exit_code == 0
    second = _create_admin(app, *args)
    assert second.exit_code == 0, second.output
    user = db.scalars(select(User).where(User.email == "twice@example.org")).one()
    assert user.has_role(Role.ADMIN)
    assert (
        len(db.scalars(select(AuditEntry).where(AuditEntry.object_id == str(user.id))).all()) == 1
    )


def test_create_admin_refuses_a_short_password_with_a_clear_message(app, db):
    result = _create_admin(
        app, "--email", "short@example.org", "--name", "Short", "--password", "kort"
    )
    assert result.exit_code != 0
    assert "The password must be at least 12 characters." in result.output
    assert db.scalars(select(User).where(User.email == "short@example.org")).first() is None


def test_create_admin_refuses_an_invalid_email(app, db):
    result = _create_admin(app, "--email", "not-an-address", "--name", "X", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "Not a valid e-mail address" in result.output
    assert db.scalars(select(User)).all() == []
