"""Forms officials use to write project pages, move them through their
statuses and post updates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from inhabithon.events.forms import content_language_choices, slug_field
from inhabithon.projects.models import ImpactGoal, Project
from inhabithon.projects.services import GoalData, ProjectData
from inhabithon.projects.services.translations import ProjectTranslationData

MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, lists and links.")
NOT_A_NUMBER = _l("Enter a number, for example 12500.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _amount(label: Any) -> DecimalField:
    return DecimalField(
        label,
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("A budget cannot be negative.")),
        ],
        description=_l("In Swedish kronor (SEK). Leave empty if not given."),
    )


def _markdown(label: Any, description: Any = MARKDOWN_HINT) -> TextAreaField:
    return TextAreaField(label, description=description, validators=[Length(max=20000)])


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter the project's title.")), Length(max=200)],
        filters=[_strip],
    )
    slug = slug_field()
    category = StringField(
        _l("Category"),
        description=_l("A theme, for example Trygghet (safety)."),
        validators=[Length(max=80)],
        filters=[_strip],
    )
    lead = TextAreaField(
        _l("Lead"),
        description=_l("The project in one or two sentences."),
        validators=[Length(max=600)],
    )
    what_md = _markdown(_l("What?"))
    why_md = _markdown(_l("Why?"))
    how_md = _markdown(_l("How?"))
    involvement_md = _markdown(_l("Resident involvement"))
    result_md = _markdown(_l("Result"))
    lessons_md = _markdown(
        _l("Lessons learned"),
        _l("Required before the project can be cancelled. Markdown is allowed."),
    )
    partners = StringField(_l("Partners"), validators=[Length(max=400)], filters=[_strip])
    department = StringField(
        _l("Owning department"), validators=[Length(max=200)], filters=[_strip]
    )
    budget_estimated = _amount(_l("Estimated budget"))
    budget_granted = _amount(_l("Granted budget"))
    budget_used = _amount(_l("Budget used"))
    language = SelectField(
        _l("Language of the text"), choices=content_language_choices, default="sv"
    )

    @staticmethod
    def initial(project: Project | ProjectData) -> dict[str, Any]:
        names = (
            "title", "category", "lead", "what_md", "why_md", "how_md", "involvement_md",
            "result_md", "lessons_md", "partners", "department", "budget_estimated",
            "budget_granted", "budget_used", "language",
        )  # fmt: skip
        values = {name: getattr(project, name) for name in names}
        if isinstance(project, Project):
            values["slug"] = project.slug
        return values

    def to_data(self, origin: ProjectData | None = None) -> ProjectData:
        def text(name: str) -> str:
            return str(getattr(self, name).data or "")

        def amount(name: str) -> Decimal | None:
            value = getattr(self, name).data
            return Decimal(value) if value is not None else None

        return ProjectData(
            title=text("title"),
            slug=self.slug.data or None,
            category=text("category"),
            lead=text("lead"),
            what_md=text("what_md"),
            why_md=text("why_md"),
            how_md=text("how_md"),
            involvement_md=text("involvement_md"),
            result_md=text("result_md"),
            lessons_md=text("lessons_md"),
            partners=text("partners"),
            department=text("department"),
            budget_estimated=amount("budget_estimated"),
            budget_granted=amount("budget_granted"),
            budget_used=amount("budget_used"),
            language=text("language") or "sv",
            event_id=origin.event_id if origin else None,
            challenge_id=origin.challenge_id if origin else None,
            idea_id=origin.idea_id if origin else None,
        )


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), coerce=int, validators=[InputRequired()])
    comment = TextAreaField(
        _l("Public comment"),
        description=_l("Optional. Shown with the change in the project's history."),
        validators=[Length(max=2000)],
    )
    lessons_md = TextAreaField(
        _l("Lessons learned"),
        description=_l(
            "Required to cancel the project, unless already written on the project page."
        ),
        validators=[Length(max=20000)],
    )


class UpdateForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the update a title.")), Length(max=200)],
        filters=[_strip],
    )
    body = TextAreaField(
        _l("Update"),
        description=MARKDOWN_HINT,
        validators=[DataRequired(_l("Write the update.")), Length(max=20000)],
    )


class GoalForm(FlaskForm):
    outcome = StringField(
        _l("Expected outcome"),
        validators=[DataRequired(_l("Describe the expected outcome.")), Length(max=400)],
        filters=[_strip],
    )
    indicator = StringField(
        _l("Indicator"),
        description=_l("Optional: what is measured, for example “calls per month”."),
        validators=[Length(max=200)],
        filters=[_strip],
    )
    baseline = DecimalField(
        _l("Baseline"), validators=[Optional()], render_kw={"inputmode": "decimal"}
    )
    target = DecimalField(_l("Target"), validators=[Optional()])
    current = DecimalField(_l("Current value"), validators=[Optional()])
    unit = StringField(_l("Unit"), validators=[Length(max=40)], filters=[_strip])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])
    reached = BooleanField(_l("The goal is reached"))

    @staticmethod
    def initial(goal: ImpactGoal) -> dict[str, Any]:
        return {
            "outcome": goal.outcome,
            "indicator": goal.indicator or "",
            "baseline": goal.baseline,
            "target": goal.target,
            "current": goal.current,
            "unit": goal.unit,
            "comment": goal.comment,
            "reached": goal.reached,
        }

    def to_data(self) -> GoalData:
        return GoalData(
            outcome=self.outcome.data or "",
            indicator=self.indicator.data or "",
            baseline=self.baseline.data,
            target=self.target.data,
            current=self.current.data,
            unit=self.unit.data or "",
            comment=self.comment.data or "",
            reached=bool(self.reached.data),
        )


class ContactForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the contact's name.")), Length(max=120)],
        filters=[_strip],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False),
            Length(max=254),
        ],
        filters=[_strip],
    )
    role = StringField(_l("Role"), validators=[Length(max=120)], filters=[_strip])


class LinkForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter the link's title.")), Length(max=200)],
        filters=[_strip],
    )
    url = URLField(
        _l("Web address"),
        description=_l("For example an evaluation report: https://…"),
        validators=[DataRequired(_l("Enter the web address.")), Length(max=1000)],
        filters=[_strip],
    )


class StatusDefinitionForm(FlaskForm):
    key = StringField(
        _l("Key"),
        description=_l("Lowercase letters a–z, digits and hyphens, for example “evaluated”."),
        validators=[DataRequired(_l("Enter a key.")), Length(max=40)],
        filters=[_strip],
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the status's name.")), Length(max=80)],
        filters=[_strip],
    )
    progress = IntegerField(
        _l("Progress (0–100)"),
        validators=[
            InputRequired(_l("Enter the progress, from 0 to 100.")),
            NumberRange(0, 100, _l("The progress must be between 0 and 100.")),
        ],
    )
    keeps_progress = BooleanField(_l("Keeps the progress the project had reached"))


class ProjectTranslationForm(FlaskForm):
    """An official's translation of a project page into one interface language."""

    language = SelectField(_l("Language of the translation"), choices=[], validate_choice=False)
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the translated title.")), Length(max=200)]
    )
    lead = TextAreaField(_l("Lead"), validators=[Length(max=600)])
    what = TextAreaField(_l("What?"), validators=[Length(max=20000)])
    why = TextAreaField(_l("Why?"), validators=[Length(max=20000)])
    how = TextAreaField(_l("How?"), validators=[Length(max=20000)])

    def to_data(self) -> ProjectTranslationData:
        return ProjectTranslationData(
            title=self.title.data or "",
            lead=self.lead.data or "",
            what_md=self.what.data or "",
            why_md=self.why.data or "",
            how_md=self.how.data or "",
        )
