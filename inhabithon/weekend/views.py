"""Routes of the weekend domain: sign-up, the programme, and the event officials'
pages (settings, programme, attendees, check-in)."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from inhabithon import permissions as perm
from inhabithon.db import db
from inhabithon.errors import DomainError, render_error
from inhabithon.events.models import Event
from inhabithon.timeutil import app_timezone
from inhabithon.weekend import services
from inhabithon.weekend.exports import attendees_csv
from inhabithon.weekend.forms import (
    DIET_LABELS,
    CancelForm,
    CheckInForm,
    CheckInSearchForm,
    OfficialForm,
    ProgrammeForm,
    RemoveForm,
    SettingsForm,
    SignupForm,
    language_name,
)
from inhabithon.weekend.models import Diet, ProgrammeItem, Signup, SignupStatus

bp = Blueprint("weekend", __name__)


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(
        template,
        language_name=language_name,
        fmt_time=format_time,
        diet_labels=DIET_LABELS,
        Diet=Diet,
        SignupStatus=SignupStatus,
        **context,
    ), status


# --- the programme (public) ---------------------------------------------------------


@bp.get("/events/<slug>/programme")
def programme(slug: str):  # noqa: ANN201
    event = _event(slug)
    zone = app_timezone()
    items = services.programme(event)
    days = [
        (day, list(group))
        for day, group in itertools.groupby(
            items, key=lambda i: i.starts_at.astimezone(zone).date()
        )
    ]
    return _render("weekend/programme.html", event=event, days=days)


@bp.get("/events/<slug>/programme.ics")
def programme_ics(slug: str):  # noqa: ANN201
    event = _event(slug)
    body = services.programme_calendar(event)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-programme.ics"'
    return response


# --- sign-up (signed-in residents) --------------------------------------------------


def _attend_page(event: Event, form: SignupForm, status: int = 200):  # noqa: ANN202
    signup = services.signup_for(current_user, event)
    return _render(
        "weekend/attend.html",
        status,
        event=event,
        form=form,
        signup=signup,
        position=services.waitlist_position(signup) if signup else None,
        settings=services.settings_for(event),
        cancel_form=CancelForm(),
    )


@bp.route("/events/<slug>/attend", methods=["GET", "POST"])
def attend(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_sign_up(current_user, event))
    signup = services.signup_for(current_user, event)
    form = SignupForm(data=SignupForm.initial(signup) if signup else None)
    form.set_challenges(services.signup_challenges(event))
    if not form.is_submitted():
        return _attend_page(event, form)
    if form.validate():
        try:
            saved = services.sign_up(current_user, event, form.to_data())
        except DomainError as exc:
            field = {"challenge": form.challenge}.get(exc.field or "")
            field = field or getattr(form, exc.field or "", None) or form.notes
            field.errors = [*field.errors, exc.message]
            return _attend_page(event, form, exc.status)
        if signup is not None:
            flash(_("Your answers were saved."), "success")
        elif saved.status is SignupStatus.CONFIRMED:
            flash(_("You have a place. We sent you a confirmation by e-mail."), "success")
        else:
            flash(_("The event is full: you are on the waiting list."), "info")
        return redirect(url_for("weekend.attend", slug=event.slug), 303)
    return _attend_page(event, form, 400)


@bp.post("/events/<slug>/attend/cancel")
def cancel(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_sign_up(current_user, event))
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_signup(current_user, event)
    except DomainError as exc:
        return render_error(exc.status, exc.message)
    flash(_("Your sign-up was cancelled."), "success")
    return redirect(url_for("events.detail", slug=event.slug), 303)


# --- settings, officials, programme (the event's officials) ------------------------------


def _settings_page(
    event: Event, form: SettingsForm, official_form: OfficialForm, status: int = 200
) -> tuple[str, int]:
    return _render(
        "weekend/settings.html",
        status,
        event=event,
        form=form,
        official_form=official_form,
        remove_form=RemoveForm(),
        officials=services.event_officials(event),
        items=services.programme(event),
        settings=services.settings_for(event),
    )


@bp.route("/manage/events/<slug>/weekend", methods=["GET", "POST"])
def settings(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    current = services.settings_for(event)
    initial = {
        "capacity": current.capacity if current else 100,
        "signup_open": current.signup_open if current else False,
        "retention_days": current.retention_days if current else 30,
    }
    form = SettingsForm(data=initial)
    if not form.is_submitted():
        return _settings_page(event, form, OfficialForm(formdata=None))
    if form.validate():
        try:
            services.update_settings(current_user, event, form.to_data())
        except DomainError as exc:
            getattr(form, exc.field or "capacity").errors.append(exc.message)
            return _settings_page(event, form, OfficialForm(formdata=None), exc.status)
        flash(_("The settings were saved."), "success")
        return redirect(url_for("weekend.settings", slug=event.slug), 303)
    return _settings_page(event, form, OfficialForm(formdata=None), 400)


@bp.post("/manage/events/<slug>/officials")
def add_official(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    form = OfficialForm()
    current = services.settings_for(event)
    settings_form = SettingsForm(
        formdata=None,
        data={
            "capacity": current.capacity if current else 100,
            "signup_open": current.signup_open if current else False,
            "retention_days": current.retention_days if current else 30,
        },
    )
    if form.validate_on_submit():
        try:
            user = services.add_event_official(current_user, event, form.email.data or "")
        except DomainError as exc:
            form.email.errors = [*form.email.errors, exc.message]
            return _settings_page(event, settings_form, form, exc.status)
        flash(_("%(name)s is now an official of this event.", name=user.display_name), "success")
        return redirect(url_for("weekend.settings", slug=event.slug), 303)
    return _settings_page(event, settings_form, form, 400)


@bp.post("/manage/events/<slug>/officials/<int:user_id>/remove")
def remove_official(slug: str, user_id: int):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        services.remove_event_official(current_user, event, user_id)
    except DomainError as exc:
        return render_error(exc.status, exc.message)
    flash(_("The official was removed from this event."), "success")
    return redirect(url_for("weekend.settings", slug=event.slug), 303)


def _item(event: Event, item_id: int) -> ProgrammeItem:
    item = db.session.get(ProgrammeItem, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _save_item(event: Event, form: ProgrammeForm, item: ProgrammeItem | None):  # noqa: ANN202
    status = 400
    if form.validate_on_submit():
        try:
            if item is None:
                services.add_item(current_user, event, form.to_data())
            else:
                services.update_item(current_user, item, form.to_data(item))
        except DomainError as exc:
            getattr(form, exc.field or "title").errors.append(exc.message)
            status = exc.status
        else:
            flash(_("The programme was saved."), "success")
            return redirect(url_for("weekend.settings", slug=event.slug), 303)
    elif not form.is_submitted():
        status = 200
    return _render("weekend/item_form.html", status, event=event, form=form, item=item)


@bp.route("/manage/events/<slug>/programme/new", methods=["GET", "POST"])
def item_new(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    return _save_item(event, ProgrammeForm(), None)


@bp.route("/manage/events/<slug>/programme/<int:item_id>/edit", methods=["GET", "POST"])
def item_edit(slug: str, item_id: int):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    item = _item(event, item_id)
    return _save_item(event, ProgrammeForm(data=ProgrammeForm.initial(item)), item)


@bp.post("/manage/events/<slug>/programme/<int:item_id>/delete")
def item_delete(slug: str, item_id: int):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_manage_weekend(current_user, event))
    item = _item(event, item_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    services.delete_item(current_user, item)
    flash(_("The session was removed from the programme."), "success")
    return redirect(url_for("weekend.settings", slug=event.slug), 303)


# --- attendee data and check-in (the event's officials) -------------------------------


@bp.get("/manage/events/<slug>/attendees")
def attendees(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_view_attendees(current_user, event))
    signups = services.attendees(event)
    challenges = {c.id: c for c in services.signup_challenges(event)}
    return _render(
        "weekend/attendees.html",
        event=event,
        signups=signups,
        counts=services.counts(event),
        challenges=challenges,
        settings=services.settings_for(event),
    )


@bp.get("/manage/events/<slug>/attendees.csv")
def attendees_csv_view(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_view_attendees(current_user, event))
    response = Response(attendees_csv(event), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/manage/events/<slug>/check-in")
def check_in(slug: str):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_check_in(current_user, event))
    search = CheckInSearchForm(request.args)
    query = (search.q.data or "").strip() if search.validate() else ""
    found = services.search_attendees(event, query) if query else []
    return _render(
        "weekend/check_in.html",
        event=event,
        search=search,
        query=query,
        found=found,
        form=CheckInForm(),
        counts=services.counts(event),
    )


@bp.post("/manage/events/<slug>/check-in/<int:signup_id>")
def check_in_one(slug: str, signup_id: int):  # noqa: ANN201
    event = _event(slug)
    perm.require(perm.can_check_in(current_user, event))
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.event_id != event.id:
        abort(404)
    form = CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    present = form.present.data != "0"
    try:
        services.set_checked_in(current_user, signup, present)
    except DomainError as exc:
        return render_error(exc.status, exc.message)
    name = signup.user.display_name
    if present:
        flash(_("%(name)s is checked in.", name=name), "success")
    else:
        flash(_("%(name)s is checked out.", name=name), "success")
    back = request.form.get("q", "")
    return redirect(url_for("weekend.check_in", slug=event.slug, q=back or None), 303)
