"""Calendar files (RFC 5545) for an event and its programme.

Written by hand, it is small: CRLF line ends, lines folded at 75 octets
(never inside a UTF-8 character), TEXT values escaped, times in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from inhabithon.db import utcnow

PRODID = "-//Inhabithon//Weekend//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str = ""
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, joined by CRLF + space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # continuation lines start with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(entries: Iterable[CalendarEntry], name: str = "") -> str:
    """The VCALENDAR text of ``entries``."""
    stamp = _utc(utcnow())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(entry.starts_at)}",
            f"DTEND:{_utc(entry.ends_at)}",
            f"SUMMARY:{escape_text(entry.summary)}",
        ]
        if entry.location:
            lines.append(f"LOCATION:{escape_text(entry.location)}")
        if entry.description:
            lines.append(f"DESCRIPTION:{escape_text(entry.description)}")
        if entry.url:
            lines.append(f"URL:{entry.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
