"""Forms for writing an idea and building its team."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.ideas.models import AuthorDisplay
from inhabithon.ideas.services import BODY_MAX, SUMMARY_MAX, TITLE_MAX, IdeaData


def content_language_choices() -> list[tuple[str, str]]:
    return list(CONTENT_LANGUAGES.items())


def display_field(**kwargs: Any) -> RadioField:
    """How the author appears: by name, under a pseudonym, or anonymously."""
    return RadioField(
        _l("Show me as"),
        choices=[
            SelectChoice(AuthorDisplay.NAME.value, _l("My name")),
            SelectChoice(
                AuthorDisplay.PSEUDONYM.value,
                _l("A pseudonym (the same in this whole challenge, different in others)"),
            ),
            SelectChoice(AuthorDisplay.ANONYMOUS.value, _l("Anonymous resident")),
        ],
        default=AuthorDisplay.NAME.value,
        description=_l(
            "With a pseudonym or as an anonymous resident, your name is shown to nobody. "
            "Only the platform's administrators can see who wrote it."
        ),
        **kwargs,
    )


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l("At most %(n)d characters.", n=TITLE_MAX),
        validators=[
            DataRequired(_l("Give your idea a title.")),
            Length(
                max=TITLE_MAX, message=_l("The title can be at most %(n)d characters.", n=TITLE_MAX)
            ),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("Your idea in a few sentences, at most %(n)d characters.", n=SUMMARY_MAX),
        validators=[
            DataRequired(_l("Summarize your idea in a few sentences.")),
            Length(
                max=SUMMARY_MAX,
                message=_l("The summary can be at most %(n)d characters.", n=SUMMARY_MAX),
            ),
        ],
    )
    body_md = TextAreaField(
        _l("Description"),
        description=_l(
            "What is the problem, what do you propose, and who would it help? You can use "
            "Markdown: **bold**, *italic*, lists with -, and links."
        ),
        validators=[
            DataRequired(_l("Describe your idea.")),
            Length(
                max=BODY_MAX,
                message=_l("The description can be at most %(n)d characters.", n=BODY_MAX),
            ),
        ],
    )
    language = SelectField(
        _l("Language of the idea"), choices=content_language_choices, default="sv"
    )
    display = display_field()

    def data_for_service(self) -> IdeaData:
        return IdeaData(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body_md=self.body_md.data or "",
            language=self.language.data or "sv",
            display=AuthorDisplay(self.display.data or AuthorDisplay.NAME.value),
        )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The person must already have an account on Inhabithon."),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254)],
    )
