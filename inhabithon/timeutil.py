"""Local wall-clock time (what people type and read) to UTC (what we store), and back.

Forms show ``datetime-local`` inputs, which carry no zone: they are read in the
application's timezone (``BABEL_DEFAULT_TIMEZONE``, Europe/Stockholm), the same
zone Babel formats dates in.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Stockholm"


def app_timezone() -> ZoneInfo:
    """The zone local times are entered and shown in."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def local_to_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive local time (as typed) as an aware UTC datetime.

    An already aware value is only converted. In the hour that exists twice when
    clocks go back, the first (summer-time) occurrence is taken; a time that
    does not exist when clocks go forward is read with the offset before the change.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=app_timezone())
    return value.astimezone(dt.UTC)


def utc_to_local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware datetime as a naive local time, to fill a ``datetime-local`` input."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("utc_to_local needs an aware datetime")
    return value.astimezone(app_timezone()).replace(tzinfo=None)
