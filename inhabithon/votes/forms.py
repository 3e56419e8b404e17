"""The form officials use to void votes from the vote-integrity view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length


class VoidForm(FlaskForm):
    votes = SelectMultipleField(
        _l("Votes to void"),
        coerce=int,
        choices=[],
        validators=[DataRequired(_l("Choose at least one vote to void."))],
        invalid_choice_message=_l(
            "Some of these votes are no longer in this selection. Check the list and send it again."
        ),
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Why these votes should not count. It is kept in the audit log."),
        validators=[
            DataRequired(_l("Give a reason for voiding these votes.")),
            Length(max=500),
        ],
    )
