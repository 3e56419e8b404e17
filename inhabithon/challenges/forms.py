"""The form officials use to create and edit a challenge."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from inhabithon.challenges.models import Challenge, VoteVisibility
from inhabithon.challenges.services import (
    MAX_VOTE_BUDGET,
    MIN_VOTE_BUDGET,
    PHASE_FIELDS,
    ChallengeData,
    TranslationData,
)
from inhabithon.events.forms import (
    content_language_choices,
    keep_unchanged,
    local_datetime_field,
    slug_field,
)
from inhabithon.timeutil import local_to_utc, utc_to_local


class ChallengeForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter the challenge's title.")), Length(max=200)],
    )
    slug = slug_field()
    category = StringField(
        _l("Category"),
        description=_l("A theme, for example Trygghet (safety)."),
        validators=[
            DataRequired(_l("Enter a category, for example Trygghet.")),
            Length(max=80),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("One or two sentences shown on cards and lists."),
        validators=[Length(max=400)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Length(max=20000)],
    )
    language = SelectField(
        _l("Language of the text"), choices=content_language_choices, default="sv"
    )
    vote_budget = IntegerField(
        _l("Votes per resident"),
        description=_l(
            "How many ideas each resident can vote for, from %(min)d to %(max)d.",
            min=MIN_VOTE_BUDGET,
            max=MAX_VOTE_BUDGET,
        ),
        validators=[
            InputRequired(_l("Enter a number of votes.")),
            NumberRange(
                min=MIN_VOTE_BUDGET,
                max=MAX_VOTE_BUDGET,
                message=_l(
                    "The vote budget must be between %(min)d and %(max)d.",
                    min=MIN_VOTE_BUDGET,
                    max=MAX_VOTE_BUDGET,
                ),
            ),
        ],
    )
    vote_visibility = RadioField(
        _l("Public vote counts"),
        choices=[
            SelectChoice(VoteVisibility.ALWAYS.value, _l("Shown all the time")),
            SelectChoice(
                VoteVisibility.AFTER_VOTING.value,
                _l("Hidden until voting closes (the order by votes is hidden too)"),
            ),
        ],
        default=VoteVisibility.ALWAYS.value,
    )
    voters_registered_before_voting = BooleanField(
        _l("Only accounts created before voting opens may vote"),
        description=_l("Protects against accounts made at the last minute to sway the vote."),
    )
    team_size_max = IntegerField(
        _l("Most people in a weekend team"),
        description=_l("From 2 to 50. Teams form on the challenge's team page."),
        default=6,
        validators=[
            Optional(),  # left empty: the default of 6
            NumberRange(min=2, max=50, message=_l("A team may have from 2 to 50 people.")),
        ],
    )
    is_published = BooleanField(
        _l("Published"),
        description=_l("Unchecked, the challenge is a draft that only officials can see."),
    )
    submissions_open_at = local_datetime_field(_l("Submissions open"))
    voting_open_at = local_datetime_field(_l("Voting opens"))
    jury_review_at = local_datetime_field(_l("Jury review starts"))
    results_at = local_datetime_field(
        _l("Results published (optional)"),
        required=False,
        description=_l("Leave empty until the date is known."),
    )
    archived_at = local_datetime_field(
        _l("Archived (optional)"),
        required=False,
        description=_l("Leave empty until the date is known."),
    )

    @staticmethod
    def initial(challenge: Challenge) -> dict[str, Any]:
        """The form's values for an existing challenge (times in local time)."""
        values: dict[str, Any] = {
            "title": challenge.title,
            "slug": challenge.slug,
            "category": challenge.category,
            "summary": challenge.summary,
            "description": challenge.description_md,
            "language": challenge.language,
            "vote_budget": challenge.vote_budget,
            "is_published": challenge.is_published,
            "vote_visibility": challenge.vote_visibility.value,
            "voters_registered_before_voting": challenge.voters_registered_before_voting,
            "team_size_max": challenge.team_size_max,
        }
        for name in PHASE_FIELDS:
            values[name] = utc_to_local(getattr(challenge, name))
        return values

    def to_data(self, challenge: Challenge | None = None) -> ChallengeData:
        """The typed values; ``challenge``'s stored dates are kept where the form
        shows them unchanged (the input has no seconds)."""
        dates = {
            name: keep_unchanged(
                local_to_utc(self[name].data), getattr(challenge, name) if challenge else None
            )
            for name in PHASE_FIELDS
        }
        return ChallengeData(
            title=self.title.data or "",
            slug=self.slug.data or None,
            category=self.category.data or "",
            summary=self.summary.data or "",
            description_md=self.description.data or "",
            language=self.language.data or "sv",
            vote_budget=int(self.vote_budget.data or 0),
            is_published=bool(self.is_published.data),
            vote_visibility=VoteVisibility(
                self.vote_visibility.data or VoteVisibility.ALWAYS.value
            ),
            voters_registered_before_voting=bool(self.voters_registered_before_voting.data),
            team_size_max=int(self.team_size_max.data or 6),
            **dates,  # type: ignore[arg-type]
        )


class ChallengeTranslationForm(FlaskForm):
    """An official's translation of a challenge's texts into one interface language."""

    language = SelectField(_l("Language of the translation"), choices=[], validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter the translated title.")), Length(max=200)],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("One or two sentences shown on cards and lists."),
        validators=[Length(max=400)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Length(max=20000)],
    )

    def to_data(self) -> TranslationData:
        return TranslationData(
            title=self.title.data or "",
            summary=self.summary.data or "",
            description_md=self.description.data or "",
        )
