"""Forms of the notifications domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from inhabithon.notifications.models import EmailMode


class EmailSettingsForm(FlaskForm):
    email_mode = RadioField(
        _l("E-mail about what you follow"),
        choices=[
            SelectChoice(EmailMode.IMMEDIATE.value, _l("At once")),
            SelectChoice(EmailMode.DIGEST.value, _l("Once a day, as a summary")),
            SelectChoice(EmailMode.NEVER.value, _l("Never")),
        ],
        validators=[InputRequired(_l("Choose how often you want e-mail."))],
    )


class UnsubscribeForm(FlaskForm):
    """Only the CSRF token: the signed link says who unsubscribes."""
