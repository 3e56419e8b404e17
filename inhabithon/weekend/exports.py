"""The attendee list as CSV, for catering and interpreters (the event's officials only).

UTF-8 with a byte order mark so spreadsheet programs read å, ä, ö and Arabic
right; a cell a spreadsheet would take for a formula (= + - @, tab, carriage
return) starts with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from inhabithon.events.models import Event
from inhabithon.weekend import services
from inhabithon.weekend.models import SignupStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def attendees_csv(event: Event) -> bytes:
    challenges = {c.id: c.title for c in services.signup_challenges(event)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "name",
            "status",
            "waitlist_position",
            "diet",
            "dietary_details",
            "accessibility_needs",
            "interpretation_language",
            "children",
            "challenge",
            "notes",
            "checked_in",
        ]
    )
    position = 0
    for signup in services.attendees(event):
        waiting = signup.status is SignupStatus.WAITLISTED
        position += waiting
        writer.writerow(
            [
                guard(v)
                for v in (
                    signup.user.display_name,
                    signup.status.value,
                    position if waiting else "",
                    signup.diet.value,
                    signup.dietary_details,
                    signup.accessibility_needs,
                    signup.interpretation_language,
                    signup.children,
                    challenges.get(signup.challenge_id or 0, ""),
                    signup.notes,
                    "yes" if signup.checked_in_at else "",
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")
