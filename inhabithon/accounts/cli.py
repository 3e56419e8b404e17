"""``flask --app app users ...``"""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from inhabithon.accounts import services
from inhabithon.accounts.models import Role
from inhabithon.db import db, utcnow
from inhabithon.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The admin's e-mail address (the login).")
@click.option("--name", "display_name", prompt="Display name", help="The name shown to others.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {services.MIN_PASSWORD_LENGTH} characters; unused if the account exists.",
)
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.ClickException(f"Not a valid e-mail address: {email}") from exc
    if len(password) < services.MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password must be at least {services.MIN_PASSWORD_LENGTH} characters."
        )
    user = services.find_user_by_email(email)
    existed = user is not None
    try:
        if user is None:
            user = services.register_user(email, display_name, password)
            user.email_verified_at = utcnow()  # an operator vouches for the address
        services.set_roles(None, user, {r.role for r in user.roles} | {Role.ADMIN})
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    if existed:
        click.echo(f"{user.email} already had an account (password unchanged); it is now an admin.")
    else:
        click.echo(f"Created {user.email}; it is an admin.")
