"""Forms of the jury: the officials' round settings, criteria, jurors and
assignments; the jurors' score sheet, recusal and conflict declaration."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from inhabithon.jury.models import JuryCriterion, JuryMode, JuryRound, Normalization
from inhabithon.jury.services import CriterionData, RoundData


class RoundForm(FlaskForm):
    mode = RadioField(
        _l("How jurors judge"),
        choices=[
            SelectChoice(
                JuryMode.RUBRIC.value,
                _l("Rubric: each juror scores assigned ideas on the criteria"),
            ),
            SelectChoice(
                JuryMode.PAIRWISE.value, _l("Pairwise: jurors pick the better of two ideas")
            ),
        ],
        default=JuryMode.RUBRIC.value,
        validators=[InputRequired(_l("Choose how jurors judge."))],
    )
    scale_min = IntegerField(
        _l("Lowest score"),
        default=0,
        validators=[InputRequired(_l("Enter the lowest score, for example 0."))],
    )
    scale_max = IntegerField(
        _l("Highest score"),
        default=4,
        validators=[InputRequired(_l("Enter the highest score, for example 4."))],
    )
    scale_labels = TextAreaField(
        _l("What each score means"),
        description=_l("One sentence per level, one per line, lowest score first."),
        validators=[DataRequired(_l("Write one sentence per level of the scale."))],
    )
    jurors_per_idea = IntegerField(
        _l("Jurors per idea"),
        default=3,
        validators=[
            InputRequired(_l("Enter how many jurors score each idea.")),
            NumberRange(min=1, max=20, message=_l("Jurors per idea must be from 1 to 20.")),
        ],
    )
    normalization = RadioField(
        _l("Evening out strict and lenient jurors"),
        choices=[
            SelectChoice(
                Normalization.ZSCORE.value,
                _l("Standardise: each juror's scores against their own average and spread"),
            ),
            SelectChoice(
                Normalization.JUROR_EFFECT.value,
                _l("Juror effect: a model estimates how strict each juror is and corrects for it"),
            ),
        ],
        default=Normalization.ZSCORE.value,
        validators=[InputRequired(_l("Choose a method."))],
    )

    @staticmethod
    def initial(jury_round: JuryRound) -> dict[str, Any]:
        return {
            "mode": jury_round.mode.value,
            "scale_min": jury_round.scale_min,
            "scale_max": jury_round.scale_max,
            "scale_labels": "\n".join(jury_round.scale_labels),
            "jurors_per_idea": jury_round.jurors_per_idea,
            "normalization": jury_round.normalization.value,
        }

    def to_data(self) -> RoundData:
        return RoundData(
            mode=JuryMode(self.mode.data),
            scale_min=self.scale_min.data or 0,
            scale_max=self.scale_max.data or 0,
            scale_labels=(self.scale_labels.data or "").splitlines(),
            jurors_per_idea=self.jurors_per_idea.data or 0,
            normalization=Normalization(self.normalization.data),
        )


class CriterionForm(FlaskForm):
    name = StringField(
        _l("Criterion"),
        validators=[
            DataRequired(_l("Give the criterion a name.")),
            Length(max=120, message=_l("The name can be at most 120 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Shown to jurors as a hint next to the scores."),
        validators=[Length(max=2000)],
    )
    weight = FloatField(
        _l("Weight"),
        default=1.0,
        description=_l("Relative weight; 2 counts twice as much as 1."),
        validators=[
            InputRequired(_l("Enter a weight, for example 1.")),
            NumberRange(min=0.01, max=100, message=_l("The weight must be above zero.")),
        ],
    )
    position = IntegerField(
        _l("Position"),
        default=0,
        description=_l("Criteria are listed by position, lowest first."),
        validators=[InputRequired(_l("Enter a position, for example 1."))],
    )

    @staticmethod
    def initial(criterion: JuryCriterion) -> dict[str, Any]:
        return {
            "name": criterion.name,
            "description": criterion.description,
            "weight": criterion.weight,
            "position": criterion.position,
        }

    def to_data(self) -> CriterionData:
        return CriterionData(
            name=self.name.data or "",
            description=self.description.data or "",
            weight=float(self.weight.data or 0),
            position=self.position.data or 0,
        )


class JurorForm(FlaskForm):
    email = EmailField(
        _l("Juror's e-mail address"),
        description=_l("The account must have the jury role."),
        validators=[DataRequired(_l("Enter the juror's e-mail address."))],
    )


class AssignmentForm(FlaskForm):
    juror = SelectField(_l("Juror"), coerce=int, validate_choice=False)
    idea = SelectField(_l("Idea"), coerce=int, validate_choice=False)


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Write a short reason.")),
            Length(max=2000, message=_l("The reason can be at most 2000 characters.")),
        ],
    )


class CsrfForm(FlaskForm):
    """Buttons that only need the CSRF token."""


class ScoreFormBase(FlaskForm):
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Optional. Seen only by the officials."),
        validators=[Length(max=5000, message=_l("The comment can be at most 5000 characters."))],
    )

    criteria_fields: list[tuple[JuryCriterion, str]]

    def values(self) -> dict[int, int | None]:
        return {c.id: getattr(self, name).data for c, name in self.criteria_fields}

    def criterion_fields(self) -> list[Any]:
        return [getattr(self, name) for _c, name in self.criteria_fields]


def score_form(jury_round: JuryRound, **kwargs: Any) -> ScoreFormBase:
    """A form with one radio group per criterion, the scale's anchors as labels."""
    levels = range(jury_round.scale_min, jury_round.scale_max + 1)
    labels = list(jury_round.scale_labels)
    choices = [
        SelectChoice(v, labels[n] if n < len(labels) and labels[n] else str(v))
        for n, v in enumerate(levels)
    ]

    class ScoreForm(ScoreFormBase):
        pass

    fields = []
    for criterion in jury_round.criteria:
        name = f"c{criterion.id}"
        setattr(
            ScoreForm,
            name,
            RadioField(
                criterion.name,
                choices=choices,
                coerce=int,
                description=criterion.description,
                validators=[
                    InputRequired(_l("Choose a score for “%(name)s”.", name=criterion.name))
                ],
            ),
        )
        fields.append((criterion, name))
    ScoreForm.criteria_fields = fields
    return ScoreForm(**kwargs)
