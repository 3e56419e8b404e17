"""``flask --app app users ...``"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from inhabithon.accounts import services
from inhabithon.accounts.models import Role
from inhabithon.db import db
from inhabithon.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    user = services.find_user_by_email(email)
    try:
        if user is None:
            user = services.register_user(email, display_name, password)
        services.set_roles(None, user, {r.role for r in user.roles} | {Role.ADMIN})
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"{user.email} is an admin.")
