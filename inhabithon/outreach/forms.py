"""Forms of the outreach channels: a guide's idea for a resident, an idea sent
without an account, and the tracking-code form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from inhabithon.ideas.forms import IdeaForm, content_language_choices
from inhabithon.ideas.services import IdeaData


class _IdeaTextForm(FlaskForm):
    title = IdeaForm.title
    summary = IdeaForm.summary
    body_md = IdeaForm.body_md
    language = SelectField(
        _l("Language of the idea"), choices=content_language_choices, default="sv"
    )

    def data_for_service(self) -> IdeaData:
        return IdeaData(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body_md=self.body_md.data or "",
            language=self.language.data or "sv",
        )


class OnBehalfIdeaForm(_IdeaTextForm):
    """No personal data: only the idea and the language the resident used."""

    language = SelectField(
        _l("Language the resident used"), choices=content_language_choices, default="sv"
    )


class NoAccountIdeaForm(_IdeaTextForm):
    email = EmailField(
        _l("E-mail address (optional)"),
        description=_l(
            "Only to send you the tracking code. We do not keep the address, and you get "
            "no other mail."
        ),
        validators=[
            Optional(),
            Length(max=254, message=_l("The e-mail address is too long.")),
            Email(_l("Enter a valid e-mail address, or leave the field empty.")),
        ],
    )


class TrackForm(FlaskForm):
    code = StringField(
        _l("Tracking code"),
        description=_l("The code you got when you sent your idea, for example ABCD-EFGH-…"),
        validators=[
            DataRequired(_l("Enter your tracking code.")),
            Length(max=80, message=_l("This is not a tracking code.")),
        ],
    )
