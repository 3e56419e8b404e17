"""An event's public page, and the officials' pages to run events."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.errors import DomainError
from inhabithon.events import services
from inhabithon.events.forms import EventForm
from inhabithon.events.models import Event
from inhabithon.pagecache import shared_page
from inhabithon.permissions import can_manage_events, is_official, require
from inhabithon.weekend import services as weekend_services

bp = Blueprint("events", __name__)


def load_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


@bp.get("/events/<slug>")
@shared_page
def detail(slug: str):  # noqa: ANN201
    event = load_event(slug)
    query = (
        select(Challenge)
        .options(selectinload(Challenge.translations))
        .where(Challenge.event_id == event.id)
    )
    if not is_official(current_user):
        query = query.where(Challenge.is_published.is_(True))
    challenges = db.session.scalars(
        query.order_by(Challenge.submissions_open_at, Challenge.id)
    ).all()
    attendance = weekend_services.settings_for(event)
    return render_template(
        "events/detail.html",
        event=event,
        challenges=challenges,
        signup_open=attendance is not None and attendance.signup_open,
    )


@bp.get("/manage/events")
def manage():  # noqa: ANN201
    require(can_manage_events(current_user))
    events = db.session.scalars(
        select(Event)
        .options(selectinload(Event.challenges))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    ).all()
    return render_template("events/manage.html", events=events)


def _save(form: EventForm, event: Event | None):  # noqa: ANN202 - a response
    """Validate and save; on failure re-render the form with what was typed."""
    status = 400
    if form.validate_on_submit():
        try:
            if event is None:
                event = services.create_event(current_user, form.to_data())
                flash(_("The event “%(name)s” was created.", name=event.name), "success")
            else:
                services.update_event(current_user, event, form.to_data(event))
                flash(_("The event was saved."), "success")
        except DomainError as exc:
            getattr(form, exc.field or "name").errors.append(exc.message)
            status = exc.status
        else:
            return redirect(url_for("events.manage"), 303)
    elif not form.is_submitted():
        status = 200
    return render_template("events/form.html", form=form, event=event), status


@bp.route("/manage/events/new", methods=["GET", "POST"])
def new():  # noqa: ANN201
    require(can_manage_events(current_user))
    return _save(EventForm(), None)


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):  # noqa: ANN201
    require(can_manage_events(current_user))
    event = load_event(slug)
    return _save(EventForm(data=EventForm.initial(event)), event)
