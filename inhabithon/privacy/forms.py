"""Forms of the privacy pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class ExportForm(FlaskForm):
    """Only the CSRF token: the download is a POST so no other site can start it."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        description=_l("We ask for it again to make sure it is really you."),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
    )
