"""Local wall-clock time (what people type and read) to UTC (what we store), and back.

Forms show ``datetime-local`` inputs, which carry no zone: they are read in the
application's timezone (``BABEL_DEFAULT_TIMEZONE``, Europe/Stockholm), the same
zone Babel formats dates in.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import current_app, has_app_context
from flask_babel import get_locale, get_timezone

DEFAULT_TIMEZONE = "Europe/Stockholm"
Width = Literal["short", "medium", "long", "full"]  # Babel's widths of a date


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


def format_when(value: dt.datetime | None, fmt: Width = "medium") -> str:
    """A moment as people read it: the date in ``fmt`` (``short``, ``medium``,
    ``long``) and the time to the minute, in the interface's language and the
    application's zone, joined the way the language joins them ("10 juni 2022
    09:00", "Jun 10, 2022, 9:00 AM"). A naive value is UTC.

    Seconds are left out: nobody needs them, and they made every time on a page
    look like a log. The date, the time of day and the joining pattern are each
    formatted once per language (Babel takes 25 µs a call, and an idea page with
    a hundred comments has a hundred times)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(get_timezone())
    locale = str(get_locale())
    return (
        _joining(fmt, locale)
        .replace("{0}", _time_of_day(local.hour, local.minute, locale))
        .replace("{1}", _day(local.date(), fmt, locale))
    )


@lru_cache(maxsize=64)
def _joining(fmt: Width, locale: str) -> str:
    return str(babel_dates.get_datetime_format(fmt, locale=locale)).replace("'", "")


@lru_cache(maxsize=8192)
def _time_of_day(hour: int, minute: int, locale: str) -> str:
    return babel_dates.format_time(dt.time(hour, minute), "short", locale=locale)


@lru_cache(maxsize=8192)
def _day(day: dt.date, fmt: Width, locale: str) -> str:
    return babel_dates.format_date(day, fmt, locale=locale)
