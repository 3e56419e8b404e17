"""The weekend: sign-ups within a capacity, the waiting list, check-in, the
programme, attendee data for the event's officials and its removal afterwards.

Capacity under concurrency: every change to who holds a seat first locks the
event's ``attendance_settings`` row (``SELECT ... FOR UPDATE`` on PostgreSQL;
on SQLite a write request begins with ``BEGIN IMMEDIATE``, which serializes
writers). The confirmed counter then moves with one atomic UPDATE that the
CHECK ``confirmed <= capacity`` refuses past the capacity, so even code that
forgot the lock could not overbook: the refusal puts the sign-up on the
waiting list instead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inhabithon.accounts.models import Role, User
from inhabithon.accounts.services import find_user_by_email
from inhabithon.audit.services import record
from inhabithon.challenges.models import Challenge
from inhabithon.db import db, utcnow
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.events.models import Event
from inhabithon.mail.services import Attachment, queue_mail
from inhabithon.markdown import render
from inhabithon.weekend.ics import CalendarEntry, calendar
from inhabithon.weekend.models import (
    AttendanceSettings,
    Diet,
    EventOfficial,
    ProgrammeItem,
    Signup,
    SignupStatus,
)

_NO_SYNC = {"synchronize_session": False}

# Languages people may ask interpretation into: the platform's, the city's most
# spoken others, and Swedish Sign Language.
INTERPRETATION_LANGUAGES = ("sv", "en", "ar", "fa", "so", "ti", "uk", "swl")


def name_key(name: str) -> str:
    """The form names are compared in: case-folded, spaces squeezed."""
    return " ".join(name.casefold().split())


# --- settings and the event's officials ------------------------------------------


@dataclass
class SettingsData:
    capacity: int
    signup_open: bool
    retention_days: int


def settings_for(event: Event) -> AttendanceSettings | None:
    return db.session.get(AttendanceSettings, event.id)


def _lock(event: Event) -> AttendanceSettings | None:
    """The settings row, locked until the transaction ends (see the module docstring)."""
    return db.session.scalar(
        select(AttendanceSettings)
        .where(AttendanceSettings.event_id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def update_settings(actor: User | None, event: Event, data: SettingsData) -> AttendanceSettings:
    """Set capacity, whether sign-up is open and the retention period.

    A larger capacity moves people up from the waiting list at once; a capacity
    below the number already confirmed is refused.
    """
    if data.capacity < 0 or data.retention_days < 0:
        raise InvalidInput(_l("Enter a number of zero or more."), field="capacity")
    settings = _lock(event)
    if settings is None:
        settings = AttendanceSettings(event_id=event.id, confirmed=0)
        db.session.add(settings)
        db.session.flush()
    before = _settings_snapshot(settings)
    if data.capacity < settings.confirmed:
        raise InvalidInput(
            _l(
                "The capacity cannot be lower than the number of confirmed attendees (%(num)d).",
                num=settings.confirmed,
            ),
            field="capacity",
        )
    settings.capacity = data.capacity
    settings.signup_open = data.signup_open
    settings.retention_days = data.retention_days
    settings.updated_at = utcnow()
    db.session.flush()
    after = _settings_snapshot(settings)
    if after != before:
        record(actor, "weekend.settings_changed", event, before=before, after=after)
    _fill_seats(event, settings)
    return settings


def _settings_snapshot(settings: AttendanceSettings) -> dict[str, Any]:
    return {
        "capacity": settings.capacity,
        "signup_open": settings.signup_open,
        "retention_days": settings.retention_days,
    }


def event_official_ids(event: Event) -> set[int]:
    return set(
        db.session.scalars(select(EventOfficial.user_id).where(EventOfficial.event_id == event.id))
    )


def event_officials(event: Event) -> list[EventOfficial]:
    return list(
        db.session.scalars(
            select(EventOfficial)
            .options(selectinload(EventOfficial.user))
            .where(EventOfficial.event_id == event.id)
            .order_by(EventOfficial.created_at, EventOfficial.user_id)
        )
    )


def add_event_official(actor: User | None, event: Event, email: str) -> User:
    """Make the official with this e-mail address an official of ``event``."""
    user = find_user_by_email(email.strip())
    if (
        user is None
        or user.deleted_at is not None
        or not (user.has_role(Role.OFFICIAL) or user.has_role(Role.ADMIN))
    ):
        raise InvalidInput(_l("No official has this e-mail address."), field="email")
    if user.id in event_official_ids(event):
        raise Conflict(_l("This person is already an official of the event."), field="email")
    db.session.add(EventOfficial(event_id=event.id, user_id=user.id))
    db.session.flush()
    record(actor, "weekend.official_added", event, after={"user_id": user.id})
    return user


def remove_event_official(actor: User | None, event: Event, user_id: int) -> None:
    result = db.session.execute(
        delete(EventOfficial)
        .where(EventOfficial.event_id == event.id, EventOfficial.user_id == user_id)
        .execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict(_l("This person is not an official of the event."))
    record(actor, "weekend.official_removed", event, before={"user_id": user_id})


# --- sign-up, cancel, the waiting list ---------------------------------------------


@dataclass
class SignupData:
    diet: Diet = Diet.NONE
    dietary_details: str = ""
    accessibility_needs: str = ""
    interpretation_language: str = ""
    children: int = 0
    notes: str = ""
    challenge_id: int | None = None


def signup_for(user: Any, event: Event) -> Signup | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Signup)
        .where(Signup.event_id == event.id, Signup.user_id == user.id)
        .execution_options(populate_existing=True)
    )


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first on the waiting list; None when the seat is confirmed."""
    if signup.status is not SignupStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(
            Signup.event_id == signup.event_id,
            Signup.status == SignupStatus.WAITLISTED,
            Signup.id < signup.id,
        )
    )
    return int(ahead or 0) + 1


def signup_challenges(event: Event) -> list[Challenge]:
    """The challenges an attendee may say they want to work on."""
    return list(
        db.session.scalars(
            select(Challenge)
            .options(selectinload(Challenge.translations))
            .where(Challenge.event_id == event.id, Challenge.is_published.is_(True))
            .order_by(Challenge.id)
        )
    )


def _check_data(event: Event, data: SignupData) -> None:
    if data.children < 0 or data.children > 20:
        raise InvalidInput(_l("Enter a number of children from 0 to 20."), field="children")
    if data.interpretation_language and (
        data.interpretation_language not in INTERPRETATION_LANGUAGES
    ):
        raise InvalidInput(_l("Choose a language from the list."), field="interpretation_language")
    if data.challenge_id is not None and data.challenge_id not in {
        c.id for c in signup_challenges(event)
    }:
        raise InvalidInput(_l("Choose a challenge from the list."), field="challenge")


def _apply(signup: Signup, user: User, data: SignupData) -> None:
    signup.name_key = name_key(user.display_name)[:200]
    signup.diet = data.diet
    signup.dietary_details = data.dietary_details.strip()[:500]
    signup.accessibility_needs = data.accessibility_needs.strip()[:1000]
    signup.interpretation_language = data.interpretation_language
    signup.children = data.children
    signup.notes = data.notes.strip()[:2000]
    signup.challenge_id = data.challenge_id


def _take_seat(event: Event) -> bool:
    """Count one more confirmed seat; False when the CHECK says the event is full."""
    savepoint = db.session.begin_nested()
    try:
        db.session.execute(
            update(AttendanceSettings)
            .where(AttendanceSettings.event_id == event.id)
            .values(confirmed=AttendanceSettings.confirmed + 1)
            .execution_options(**_NO_SYNC)
        )
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _free_seat(event: Event) -> None:
    db.session.execute(
        update(AttendanceSettings)
        .where(AttendanceSettings.event_id == event.id)
        .values(confirmed=AttendanceSettings.confirmed - 1)
        .execution_options(**_NO_SYNC)
    )


def sign_up(user: User, event: Event, data: SignupData) -> Signup:
    """Sign ``user`` up to attend ``event``, or change what they told us.

    A new sign-up gets a seat while there is one (mailed a confirmation with a
    calendar file), else a place on the waiting list (mailed its position).
    """
    _check_data(event, data)
    existing = signup_for(user, event)
    if existing is not None:
        _apply(existing, user, data)
        db.session.flush()
        return existing
    if event.ends_at <= utcnow():
        raise Conflict(_l("This event is over."))
    settings = _lock(event)
    if settings is None or not settings.signup_open:
        raise Conflict(_l("Sign-up for this event is closed."))
    # A second click that waited for the lock finds the first one's sign-up.
    existing = signup_for(user, event)
    if existing is not None:
        _apply(existing, user, data)
        db.session.flush()
        return existing
    status = SignupStatus.CONFIRMED if _take_seat(event) else SignupStatus.WAITLISTED
    signup = Signup(event_id=event.id, user_id=user.id, status=status)
    if status is SignupStatus.CONFIRMED:
        signup.confirmed_at = utcnow()
    _apply(signup, user, data)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(signup)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(_l("You have already signed up for this event.")) from None
    savepoint.commit()
    db.session.expire(settings)
    record(user, "weekend.signed_up", signup, after={"status": status.value})
    if status is SignupStatus.CONFIRMED:
        _mail_confirmed(
            user, event, "weekend_confirmed", _l("You have a place at %(event)s", event=event.name)
        )
    else:
        queue_mail(
            user.email,
            _l("You are on the waiting list for %(event)s", event=event.name),
            "weekend_waitlisted",
            user.locale,
            name=user.display_name,
            event=event,
            position=waitlist_position(signup),
        )
    return signup


def cancel_signup(user: User, event: Event) -> None:
    """Cancel ``user``'s sign-up; a freed seat goes to the first on the waiting list."""
    signup = signup_for(user, event)
    if signup is None:
        raise Conflict(_l("You are not signed up for this event."))
    _remove(user, event, signup, "weekend.cancelled")


def _remove(actor: User | None, event: Event, signup: Signup, action: str) -> None:
    settings = _lock(event)
    # Deleting first: of two cancels at once only one finds the row.
    result = db.session.execute(
        delete(Signup).where(Signup.id == signup.id).execution_options(**_NO_SYNC)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict(_l("You are not signed up for this event."))
    record(actor, action, signup, before={"status": signup.status.value})
    db.session.expunge(signup)
    if signup.status is SignupStatus.CONFIRMED:
        _free_seat(event)
        if settings is not None:
            db.session.expire(settings)
            _fill_seats(event, settings)


def _fill_seats(event: Event, settings: AttendanceSettings) -> list[Signup]:
    """Move people up from the waiting list while there are seats (lock held)."""
    promoted: list[Signup] = []
    db.session.refresh(settings)
    free = settings.capacity - settings.confirmed
    if free <= 0:
        return promoted
    waiting = db.session.scalars(
        select(Signup)
        .options(selectinload(Signup.user))
        .where(Signup.event_id == event.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.id)
        .limit(free)
    ).all()
    for signup in waiting:
        if not _take_seat(event):  # pragma: no cover - the lock makes this unreachable
            break
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = utcnow()
        db.session.flush()
        record(None, "weekend.promoted", signup, after={"status": "confirmed"})
        _mail_confirmed(
            signup.user,
            event,
            "weekend_promoted",
            _l("A place opened up for you at %(event)s", event=event.name),
        )
        promoted.append(signup)
    db.session.expire(settings)
    return promoted


def event_entry(event: Event) -> CalendarEntry:
    return CalendarEntry(
        uid=f"event-{event.id}@inhabithon",
        summary=event.name,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.place,
        url=url_for("events.detail", slug=event.slug, _external=True),
    )


def _mail_confirmed(user: User, event: Event, template: str, subject: Any) -> None:
    queue_mail(
        user.email,
        subject,
        template,
        user.locale,
        attachment=Attachment(
            filename=f"{event.slug}.ics",
            content_type="text/calendar",
            data=calendar([event_entry(event)], event.name),
        ),
        name=user.display_name,
        event=event,
    )


# --- check-in ----------------------------------------------------------------------


def search_attendees(event: Event, query: str, limit: int = 50) -> list[Signup]:
    """Sign-ups whose name contains ``query`` (case-insensitive, å/ä/ö included)."""
    stmt = (
        select(Signup)
        .options(selectinload(Signup.user))
        .where(Signup.event_id == event.id)
        .order_by(Signup.name_key, Signup.id)
        .limit(limit)
    )
    key = name_key(query)
    if key:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Signup.name_key.like(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(stmt))


def set_checked_in(actor: User | None, signup: Signup, present: bool) -> None:
    """Check an attendee in (or out again, after a mistake)."""
    if signup.status is not SignupStatus.CONFIRMED:
        raise Conflict(_l("Only confirmed attendees can be checked in."))
    before = signup.checked_in_at is not None
    if before == present:
        return
    signup.checked_in_at = utcnow() if present else None
    db.session.flush()
    record(
        actor,
        "weekend.checked_in" if present else "weekend.checked_out",
        signup,
        before={"checked_in": before},
        after={"checked_in": present},
    )


# --- attendee data for the event's officials -------------------------------------


def attendees(event: Event) -> list[Signup]:
    return list(
        db.session.scalars(
            select(Signup)
            .options(selectinload(Signup.user))
            .where(Signup.event_id == event.id)
            .order_by(Signup.status, Signup.id)
        )
    )


def counts(event: Event) -> dict[str, Any]:
    """Totals for catering and interpreters; after the purge, the totals kept."""
    settings = settings_for(event)
    if settings is not None and settings.purged_counts is not None:
        return settings.purged_counts
    return _count(attendees(event))


def _count(signups: list[Signup]) -> dict[str, Any]:
    confirmed = [s for s in signups if s.status is SignupStatus.CONFIRMED]
    per_challenge: dict[str, dict[str, int]] = {}
    for s in confirmed:
        row = per_challenge.setdefault(str(s.challenge_id or ""), {"signed_up": 0, "present": 0})
        row["signed_up"] += 1
        row["present"] += s.checked_in_at is not None
    return {
        "confirmed": len(confirmed),
        "waitlisted": len(signups) - len(confirmed),
        "checked_in": sum(s.checked_in_at is not None for s in confirmed),
        "diets": dict(Counter(s.diet.value for s in confirmed if s.diet is not Diet.NONE)),
        "interpretation": dict(
            Counter(s.interpretation_language for s in confirmed if s.interpretation_language)
        ),
        "with_children": sum(s.children > 0 for s in confirmed),
        "children": sum(s.children for s in confirmed),
        "accessibility_needs": sum(bool(s.accessibility_needs) for s in confirmed),
        "per_challenge": per_challenge,
    }


# --- retention ---------------------------------------------------------------------


def purge_due(now: dt.datetime | None = None) -> list[Event]:
    """Remove the attendee data of every event whose end plus its retention
    period has passed, keeping only the totals. Running it again does nothing."""
    now = now or utcnow()
    candidates = db.session.execute(
        select(Event, AttendanceSettings)
        .join(AttendanceSettings, AttendanceSettings.event_id == Event.id)
        .where(AttendanceSettings.purged_at.is_(None), Event.ends_at < now)
        .order_by(Event.id)
    ).all()
    purged: list[Event] = []
    for event, settings in candidates:
        if event.ends_at + dt.timedelta(days=settings.retention_days) > now:
            continue
        settings = _lock(event) or settings
        if settings.purged_at is not None:  # pragma: no cover - purged meanwhile
            continue
        signups = attendees(event)
        settings.purged_counts = _count(signups)
        removed = db.session.execute(
            delete(Signup).where(Signup.event_id == event.id).execution_options(**_NO_SYNC)
        ).rowcount  # type: ignore[attr-defined]
        settings.purged_at = now
        settings.signup_open = False
        db.session.flush()
        record(None, "weekend.purged", event, after={"signups_removed": removed})
        purged.append(event)
    return purged


# --- the account holder's own data --------------------------------------------------


def export_signups(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Signup, Event.slug)
        .join(Event, Event.id == Signup.event_id)
        .where(Signup.user_id == user.id)
        .order_by(Signup.id)
    ).all()
    return [
        {
            "event": slug,
            "status": s.status.value,
            "diet": s.diet.value,
            "dietary_details": s.dietary_details,
            "accessibility_needs": s.accessibility_needs,
            "interpretation_language": s.interpretation_language,
            "children": s.children,
            "notes": s.notes,
            "challenge_id": s.challenge_id,
            "checked_in_at": s.checked_in_at.isoformat() if s.checked_in_at else None,
            "created_at": s.created_at.isoformat(),
        }
        for s, slug in rows
    ]


def forget_user(user: User) -> None:
    """Account deletion: cancel every sign-up (seats go to the waiting list) and
    stop being an event official."""
    signups = db.session.scalars(select(Signup).where(Signup.user_id == user.id)).all()
    for signup in signups:
        event = db.session.get(Event, signup.event_id)
        if event is not None:
            _remove(user, event, signup, "weekend.cancelled")
    db.session.execute(
        delete(EventOfficial).where(EventOfficial.user_id == user.id).execution_options(**_NO_SYNC)
    )


# --- the programme -----------------------------------------------------------------


@dataclass
class ProgrammeData:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str = ""
    languages: tuple[str, ...] = ()
    description_md: str = ""


def programme(event: Event) -> list[ProgrammeItem]:
    return list(
        db.session.scalars(
            select(ProgrammeItem)
            .where(ProgrammeItem.event_id == event.id)
            .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)
        )
    )


def _check_item(data: ProgrammeData) -> None:
    if not data.title.strip():
        raise InvalidInput(_l("Enter a title."), field="title")
    if data.ends_at < data.starts_at:
        raise InvalidInput(_l("The session must end after it starts."), field="ends_at")


def _apply_item(item: ProgrammeItem, data: ProgrammeData) -> None:
    item.title = data.title.strip()
    item.starts_at = data.starts_at
    item.ends_at = data.ends_at
    item.room = data.room.strip()
    item.languages = ",".join(data.languages)
    item.description_md = data.description_md
    item.description_html = render(data.description_md)


def _item_snapshot(item: ProgrammeItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "room": item.room,
        "languages": item.languages,
    }


def add_item(actor: User | None, event: Event, data: ProgrammeData) -> ProgrammeItem:
    _check_item(data)
    item = ProgrammeItem(event_id=event.id)
    _apply_item(item, data)
    db.session.add(item)
    db.session.flush()
    record(actor, "weekend.session_added", item, after=_item_snapshot(item))
    return item


def update_item(actor: User | None, item: ProgrammeItem, data: ProgrammeData) -> ProgrammeItem:
    _check_item(data)
    before = _item_snapshot(item)
    _apply_item(item, data)
    db.session.flush()
    record(actor, "weekend.session_changed", item, before=before, after=_item_snapshot(item))
    return item


def delete_item(actor: User | None, item: ProgrammeItem) -> None:
    record(actor, "weekend.session_removed", item, before=_item_snapshot(item))
    db.session.delete(item)
    db.session.flush()


def programme_calendar(event: Event) -> str:
    entries = [
        CalendarEntry(
            uid=f"session-{item.id}@inhabithon",
            summary=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            location=", ".join(part for part in (item.room, event.place) if part),
            description=item.description_md,
        )
        for item in programme(event)
    ]
    return calendar(entries, event.name)
