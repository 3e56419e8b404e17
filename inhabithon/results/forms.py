"""Officials' forms on the results page: overriding a rank, publishing the awards."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from inhabithon.ideas.models import Idea
from inhabithon.results.models import AwardKind
from inhabithon.results.services import MIN_REASON, AwardChoice


def _int_or_none(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _choices(ideas: Iterable[Idea], *, optional: bool) -> list[SelectChoice]:
    items = [SelectChoice(idea.id, idea.title) for idea in ideas]
    return ([SelectChoice("", _l("— none —"))] if optional else []) + items


class OverrideForm(FlaskForm):
    idea_id = SelectField(
        _l("Idea"), coerce=_int_or_none, validators=[InputRequired(_l("Choose an idea."))]
    )
    new_rank = IntegerField(
        _l("New rank"),
        validators=[
            InputRequired(_l("Enter the new rank.")),
            NumberRange(min=1, message=_l("The rank must be 1 or more.")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required and kept for good: why the computed rank is changed."),
        validators=[
            DataRequired(_l("Explain why the rank is changed.")),
            Length(
                min=MIN_REASON,
                max=2000,
                message=_l("Explain the change in at least %(num)d characters.", num=MIN_REASON),
            ),
        ],
    )

    def with_ideas(self, ideas: Iterable[Idea]) -> OverrideForm:
        self.idea_id.choices = _choices(ideas, optional=False)
        return self


_MOTIVATION = {
    "description": _l("Markdown: **bold**, *italic*, lists and links."),
    "validators": [Length(max=5000)],
}


class PublishForm(FlaskForm):
    winner = SelectField(
        _l("Winner"), coerce=_int_or_none, validators=[InputRequired(_l("Choose the winner."))]
    )
    winner_motivation = TextAreaField(_l("The jury's motivation for the winner"), **_MOTIVATION)
    runner_up = SelectField(_l("Runner-up"), coerce=_int_or_none)
    runner_up_motivation = TextAreaField(
        _l("The jury's motivation for the runner-up"), **_MOTIVATION
    )
    peoples_choice = SelectField(
        _l("People's choice"),
        coerce=_int_or_none,
        description=_l("The idea with the most public votes."),
    )
    peoples_choice_motivation = TextAreaField(
        _l("Motivation for the people's choice"), **_MOTIVATION
    )

    def with_ideas(self, ideas: Iterable[Idea]) -> PublishForm:
        ideas = list(ideas)
        self.winner.choices = _choices(ideas, optional=False)
        self.runner_up.choices = _choices(ideas, optional=True)
        self.peoples_choice.choices = _choices(ideas, optional=True)
        return self

    def to_choices(self) -> list[AwardChoice]:
        return [
            AwardChoice(AwardKind.WINNER, self.winner.data, self.winner_motivation.data or ""),
            AwardChoice(
                AwardKind.RUNNER_UP, self.runner_up.data, self.runner_up_motivation.data or ""
            ),
            AwardChoice(
                AwardKind.PEOPLES_CHOICE,
                self.peoples_choice.data,
                self.peoples_choice_motivation.data or "",
            ),
        ]
