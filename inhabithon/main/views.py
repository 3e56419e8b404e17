"""The home page, the language switch and the health check."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from inhabithon.accounts.services import set_locale
from inhabithon.challenges.models import Challenge
from inhabithon.db import db, utcnow
from inhabithon.events.models import Event
from inhabithon.i18n import LANGUAGE_COOKIE
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.pagecache import shared_page
from inhabithon.security import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@shared_page
def home():  # noqa: ANN201
    now = utcnow()
    events = db.session.scalars(
        select(Event).where(Event.ends_at >= now).order_by(Event.starts_at, Event.id).limit(6)
    ).all()
    if not events:
        events = db.session.scalars(
            select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(3)
        ).all()
    open_challenges = db.session.scalars(
        select(Challenge)
        .options(selectinload(Challenge.event), selectinload(Challenge.translations))
        .where(
            Challenge.is_published.is_(True),
            Challenge.submissions_open_at <= now,
            Challenge.jury_review_at > now,
        )
        .order_by(Challenge.voting_open_at, Challenge.id)
        .limit(12)
    ).all()
    latest_ideas = db.session.scalars(
        select(Idea)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .options(selectinload(Idea.challenge), selectinload(Idea.author))
        .where(Idea.status == IdeaStatus.PUBLISHED, Challenge.is_published.is_(True))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
        .limit(6)
    ).all()
    return render_template(
        "main/home.html", events=events, open_challenges=open_challenges, latest_ideas=latest_ideas
    )


@bp.post("/language")
def set_language():  # noqa: ANN201
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("main.home"))
    if target.endswith("?"):
        target = target[:-1]
    response = redirect(target, 303)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            set_locale(current_user, lang)
    return response


# When the site was last assessed (axe-core in Chromium and keyboard tests).
ACCESSIBILITY_ASSESSED_ON = dt.date(2026, 11, 22)
DIGG_REPORT_URL = "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet"


@bp.get("/accessibility")
def accessibility():  # noqa: ANN201
    """The accessibility statement (tillgänglighetsredogörelse) the law asks for."""
    return render_template(
        "main/accessibility.html",
        contact_email=current_app.config["CONTACT_EMAIL"],
        assessed_on=ACCESSIBILITY_ASSESSED_ON,
        digg_url=DIGG_REPORT_URL,
    )


@bp.get("/healthz")
def healthz():  # noqa: ANN201
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "ok"}
