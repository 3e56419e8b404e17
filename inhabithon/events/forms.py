"""The form officials use to create and edit an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from inhabithon.events.models import Event
from inhabithon.events.services import EventData
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN
from inhabithon.timeutil import local_to_utc, utc_to_local

# The first format is what ``datetime-local`` inputs send and show; the others
# accept what people type where the browser offers a plain text box.
LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
INVALID_DATETIME = _l("Enter a date and time, for example 2025-05-13 09:00.")


def local_datetime_field(label: Any, *, required: bool = True, **kwargs: Any) -> DateTimeLocalField:
    """A ``datetime-local`` input read in the app's timezone (see ``timeutil``)."""
    validators: list[Any] = [DataRequired(INVALID_DATETIME)] if required else [Optional()]
    return DateTimeLocalField(
        label,
        validators=validators,
        format=LOCAL_DATETIME_FORMATS,
        invalid_value_message=INVALID_DATETIME,
        **kwargs,
    )


def keep_unchanged(typed: dt.datetime | None, stored: dt.datetime | None) -> dt.datetime | None:
    """``stored`` when ``typed`` is the same time to the minute (what the input shows)."""
    if typed is None or stored is None:
        return typed
    return stored if typed == stored.replace(second=0, microsecond=0) else typed


def content_language_choices() -> list[tuple[str, str]]:
    return list(CONTENT_LANGUAGES.items())


def slug_field() -> StringField:
    return StringField(
        _l("Address (slug)"),
        description=_l(
            "The last part of the page's address: lowercase letters a–z, digits and hyphens. "
            "Leave empty to make it from the name."
        ),
        validators=[
            Optional(),
            Length(max=MAX_SLUG_LENGTH),
            Regexp(
                SLUG_PATTERN,
                message=_l("Use only lowercase letters a–z, digits and hyphens in the address."),
            ),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )


class EventForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the event's name.")), Length(max=200)],
    )
    slug = slug_field()
    place = StringField(
        _l("Place"),
        description=_l("For example: Prismahuset, Oceanhamnen, Helsingborg"),
        validators=[DataRequired(_l("Enter where the event takes place.")), Length(max=200)],
    )
    starts_at = local_datetime_field(_l("Starts"))
    ends_at = local_datetime_field(_l("Ends"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Length(max=20000)],
    )
    language = SelectField(
        _l("Language of the text"), choices=content_language_choices, default="sv"
    )

    @staticmethod
    def initial(event: Event) -> dict[str, Any]:
        """The form's values for an existing event (times in local time)."""
        return {
            "name": event.name,
            "slug": event.slug,
            "place": event.place,
            "starts_at": utc_to_local(event.starts_at),
            "ends_at": utc_to_local(event.ends_at),
            "description": event.description_md,
            "language": event.language,
        }

    def to_data(self, event: Event | None = None) -> EventData:
        """The typed values; ``event``'s stored times are kept where the form
        shows them unchanged (the input has no seconds)."""
        starts_at = keep_unchanged(
            local_to_utc(self.starts_at.data), event.starts_at if event else None
        )
        ends_at = keep_unchanged(local_to_utc(self.ends_at.data), event.ends_at if event else None)
        assert starts_at is not None  # a required field
        assert ends_at is not None
        return EventData(
            name=self.name.data or "",
            slug=self.slug.data or None,
            place=self.place.data or "",
            starts_at=starts_at,
            ends_at=ends_at,
            description_md=self.description.data or "",
            language=self.language.data or "sv",
        )
