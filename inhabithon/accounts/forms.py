"""Forms for registering, logging in and account settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from inhabithon.accounts.services import MIN_PASSWORD_LENGTH
from inhabithon.i18n import LANGUAGE_NAMES


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(
                _l("Enter a valid e-mail address, like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
    )
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        description=_l("Shown with your ideas and comments, unless you choose to be anonymous."),
        validators=[
            DataRequired(_l("Enter a display name.")),
            Length(min=2, max=80, message=_l("The display name must be 2 to 80 characters.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l(
            "At least %(n)d characters. A sentence you remember works well.", n=MIN_PASSWORD_LENGTH
        ),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
    )
    locale = SelectField(_l("Preferred language"), choices=_language_choices, default="sv")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST."""
