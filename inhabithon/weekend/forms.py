"""Forms of the weekend: sign-up, event settings, officials, programme, check-in."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from inhabithon.events.forms import keep_unchanged, local_datetime_field
from inhabithon.timeutil import local_to_utc, utc_to_local
from inhabithon.weekend.models import Diet, ProgrammeItem, Signup
from inhabithon.weekend.services import (
    INTERPRETATION_LANGUAGES,
    ProgrammeData,
    SettingsData,
    SignupData,
)

DIET_LABELS = {
    Diet.NONE: _l("No special diet"),
    Diet.VEGETARIAN: _l("Vegetarian"),
    Diet.VEGAN: _l("Vegan"),
    Diet.GLUTEN_FREE: _l("Gluten-free"),
    Diet.LACTOSE_FREE: _l("Lactose-free"),
    Diet.HALAL: _l("Halal"),
    Diet.KOSHER: _l("Kosher"),
    Diet.OTHER: _l("Other (describe below)"),
}

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def language_name(code: str) -> str:
    """The language's name in the page's language (Babel's data), or the code."""
    if code == "swl":
        return str(_l("Swedish Sign Language"))
    locale = get_locale()
    name = locale.languages.get(code) if locale is not None else None
    return name or code


def interpretation_choices() -> list[tuple[str, str]]:
    return [("", str(_l("No interpretation needed")))] + [
        (code, language_name(code)) for code in INTERPRETATION_LANGUAGES
    ]


def diet_choices() -> list[tuple[str, str]]:
    return [(d.value, str(label)) for d, label in DIET_LABELS.items()]


class SignupForm(FlaskForm):
    diet = SelectField(_l("Diet"), choices=diet_choices, default=Diet.NONE.value)
    dietary_details = StringField(
        _l("Allergies or other dietary needs"),
        description=_l("For example: nut allergy."),
        validators=[Length(max=500)],
    )
    accessibility_needs = TextAreaField(
        _l("Accessibility needs"),
        description=_l("For example: step-free access, a quiet room, hearing loop."),
        validators=[Length(max=1000)],
    )
    interpretation_language = SelectField(
        _l("Interpretation"),
        description=_l("Tell us if you want an interpreter, and into which language."),
        choices=interpretation_choices,
        default="",
    )
    children = IntegerField(
        _l("Children you bring"),
        description=_l("How many children come with you (0 if none)."),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=20, message=_l("Enter a number of children from 0 to 20.")),
        ],
    )
    challenge = SelectField(
        _l("The challenge you want to work on"),
        description=_l("Optional: helps us plan the rooms."),
        choices=[],
        default="",
    )
    notes = TextAreaField(
        _l("Anything we should know"),
        validators=[Length(max=2000)],
    )

    def set_challenges(self, challenges: list[Any]) -> None:
        self.challenge.choices = [("", str(_l("Not decided yet")))] + [
            (str(c.id), c.title) for c in challenges
        ]

    @staticmethod
    def initial(signup: Signup) -> dict[str, Any]:
        return {
            "diet": signup.diet.value,
            "dietary_details": signup.dietary_details,
            "accessibility_needs": signup.accessibility_needs,
            "interpretation_language": signup.interpretation_language,
            "children": signup.children,
            "challenge": str(signup.challenge_id or ""),
            "notes": signup.notes,
        }

    def to_data(self) -> SignupData:
        return SignupData(
            diet=Diet(self.diet.data or Diet.NONE.value),
            dietary_details=self.dietary_details.data or "",
            accessibility_needs=self.accessibility_needs.data or "",
            interpretation_language=self.interpretation_language.data or "",
            children=self.children.data or 0,
            notes=self.notes.data or "",
            challenge_id=int(self.challenge.data) if self.challenge.data else None,
        )


class CancelForm(FlaskForm):
    pass


class SettingsForm(FlaskForm):
    capacity = IntegerField(
        _l("Capacity"),
        description=_l("How many people can attend. Further sign-ups go on the waiting list."),
        validators=[
            InputRequired(_l("Enter a number of zero or more.")),
            NumberRange(min=0, max=100000, message=_l("Enter a number of zero or more.")),
        ],
    )
    signup_open = BooleanField(_l("Sign-up is open"))
    retention_days = IntegerField(
        _l("Keep attendee data for (days after the event)"),
        description=_l(
            "After this, needs, notes and names are removed; only anonymous totals are kept."
        ),
        validators=[
            InputRequired(_l("Enter a number of zero or more.")),
            NumberRange(min=0, max=3650, message=_l("Enter a number of zero or more.")),
        ],
    )

    def to_data(self) -> SettingsData:
        return SettingsData(
            capacity=self.capacity.data or 0,
            signup_open=bool(self.signup_open.data),
            retention_days=self.retention_days.data or 0,
        )


class OfficialForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of an official"),
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class RemoveForm(FlaskForm):
    pass


def _languages(value: str) -> tuple[str, ...]:
    return tuple(code for code in (p.strip().lower() for p in re.split(r"[,\s]+", value)) if code)


class ProgrammeForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    starts_at = local_datetime_field(_l("Starts"))
    ends_at = local_datetime_field(_l("Ends"))
    room = StringField(_l("Room"), validators=[Length(max=200)])
    languages = StringField(
        _l("Languages"),
        description=_l("Language codes, separated by commas, for example: sv, en, ar"),
        validators=[Length(max=100)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Length(max=5000)],
    )

    def validate_languages(self, field: StringField) -> None:
        if any(not LANGUAGE_CODE.match(code) for code in _languages(field.data or "")):
            raise ValidationError(_l("Use language codes such as sv, en or ar."))

    @staticmethod
    def initial(item: ProgrammeItem) -> dict[str, Any]:
        return {
            "title": item.title,
            "starts_at": utc_to_local(item.starts_at),
            "ends_at": utc_to_local(item.ends_at),
            "room": item.room,
            "languages": ", ".join(item.language_codes),
            "description": item.description_md,
        }

    def to_data(self, item: ProgrammeItem | None = None) -> ProgrammeData:
        starts_at = keep_unchanged(
            local_to_utc(self.starts_at.data), item.starts_at if item else None
        )
        ends_at = keep_unchanged(local_to_utc(self.ends_at.data), item.ends_at if item else None)
        assert starts_at is not None  # required fields
        assert ends_at is not None
        return ProgrammeData(
            title=self.title.data or "",
            starts_at=starts_at,
            ends_at=ends_at,
            room=self.room.data or "",
            languages=_languages(self.languages.data or ""),
            description_md=self.description.data or "",
        )


class CheckInSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = SearchField(_l("Name"), validators=[Length(max=200)])


class CheckInForm(FlaskForm):
    present = HiddenField(default="1")
