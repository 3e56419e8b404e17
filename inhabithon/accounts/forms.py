"""Forms for registering, logging in and account settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from inhabithon.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from inhabithon.i18n import LANGUAGE_NAMES

MIN_PASSWORD_LENGTH = MIN_LENGTH


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


def _email_validators() -> list:
    return [
        DataRequired(_l("Enter your e-mail address.")),
        Email(
            _l("Enter a valid e-mail address, like name@example.org."),
            check_deliverability=False,
        ),
        Length(max=254),
    ]


def _new_password_validators() -> list:
    return [
        DataRequired(_l("Choose a password.")),
        Length(
            min=MIN_PASSWORD_LENGTH,
            message=_l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
        ),
        Length(
            max=MAX_LENGTH,
            message=_l("The password can be at most %(n)d characters.", n=MAX_LENGTH),
        ),
    ]


_NEW_PASSWORD_HINT = _l(
    "At least %(n)d characters. A sentence you remember works well.", n=MIN_PASSWORD_LENGTH
)


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
        validators=_new_password_validators(),
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


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=_email_validators())


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), description=_NEW_PASSWORD_HINT, validators=_new_password_validators()
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        description=_l("Shown with your ideas and comments, unless you choose to be anonymous."),
        validators=[
            DataRequired(_l("Enter a display name.")),
            Length(min=2, max=80, message=_l("The display name must be 2 to 80 characters.")),
        ],
    )
    locale = SelectField(_l("Interface language"), choices=_language_choices)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=MAX_LENGTH)],
    )
    new_password = PasswordField(
        _l("New password"), description=_NEW_PASSWORD_HINT, validators=_new_password_validators()
    )
    new_password_confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        _l("New e-mail address"), filters=[_strip], validators=_email_validators()
    )
    email_password = PasswordField(
        _l("Current password"),
        description=_l("To keep your account safe, confirm it is you."),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=MAX_LENGTH)],
    )


class ResendVerificationForm(FlaskForm):
    """Only the CSRF token."""
