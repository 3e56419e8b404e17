"""Events: creating and changing an Inhabithon."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.events.models import Event
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.markdown import render
from inhabithon.slugs import is_valid_slug, slug_from, slug_taken, unique_slug


@dataclass
class EventData:
    """What an official enters for an event; datetimes are aware (UTC)."""

    name: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description_md: str = ""
    language: str = "sv"
    slug: str | None = None  # None or "": made from the name


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _snapshot(event: Event) -> dict[str, Any]:
    return {
        "name": event.name,
        "slug": event.slug,
        "place": event.place,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "language": event.language,
    }


def _check(data: EventData) -> None:
    if not data.name.strip():
        raise InvalidInput(_l("Enter the event's name."), field="name")
    if not data.place.strip():
        raise InvalidInput(_l("Enter where the event takes place."), field="place")
    if data.ends_at < data.starts_at:
        raise InvalidInput(_l("The event must end after it starts."), field="ends_at")
    if data.language not in CONTENT_LANGUAGES:
        raise InvalidInput(_l("Choose a language from the list."), field="language")


def _slug_for(data: EventData, event: Event | None) -> str:
    exclude = event.id if event is not None else None
    typed = (data.slug or "").strip()
    if not typed:
        return unique_slug(Event, slug_from(data.name, "event"), exclude)
    if not is_valid_slug(typed):
        raise InvalidInput(
            _l("Use only lowercase letters a–z, digits and hyphens in the address."), field="slug"
        )
    if slug_taken(Event, typed, exclude):
        raise Conflict(_l("Another event already has this address."), field="slug")
    return typed


def _apply(event: Event, data: EventData, slug: str) -> None:
    event.slug = slug
    event.name = data.name.strip()
    event.place = data.place.strip()
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.description_md = data.description_md
    event.description_html = render(data.description_md)
    event.language = data.language


def create_event(actor: User | None, data: EventData) -> Event:
    """Create an event; its slug is made unique from the name unless one is typed."""
    _check(data)
    event = Event()
    _apply(event, data, _slug_for(data, None))
    db.session.add(event)
    db.session.flush()
    record(actor, "event.created", event, after=_snapshot(event))
    return event


def update_event(actor: User | None, event: Event, data: EventData) -> Event:
    """Change an event; the audit entry keeps what changed."""
    _check(data)
    slug = _slug_for(data, event)
    before = _snapshot(event)
    _apply(event, data, slug)
    after = _snapshot(event)
    changed = [key for key in after if after[key] != before[key]]
    if db.session.is_modified(event):
        event.updated_at = utcnow()
    db.session.flush()
    if changed:
        record(
            actor,
            "event.updated",
            event,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return event
