"""Routes of the search domain: the /search page (the header's search box
sends its text here with a plain GET, no script needed)."""

from __future__ import annotations

import click
from flask import Blueprint, render_template, request
from sqlalchemy import select

from inhabithon.challenges.models import Challenge, Phase
from inhabithon.db import db
from inhabithon.errors import InvalidInput
from inhabithon.events.models import Event
from inhabithon.i18n import CONTENT_LANGUAGES
from inhabithon.pagecache import shared_page
from inhabithon.projects.services import statuses
from inhabithon.search import services
from inhabithon.search.query import MAX_QUERY_LENGTH
from inhabithon.search.services import KIND_LABELS, Filters, Kind

bp = Blueprint("search", __name__)

# Phases a visitor can filter by (a draft is never public).
PUBLIC_PHASES = [p for p in Phase if p is not Phase.DRAFT]


def _enum(cls: type, raw: str):  # noqa: ANN202 - Kind or Phase
    try:
        return cls(raw) if raw else None
    except ValueError:
        return None


@bp.get("/search")
@shared_page
def index():  # noqa: ANN201
    args = request.args
    text = args.get("q", "")
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.id.in_(select(Challenge.event_id).where(Challenge.is_published)))
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )
    challenges = list(
        db.session.scalars(
            select(Challenge).where(Challenge.is_published).order_by(Challenge.title, Challenge.id)
        )
    )
    project_statuses = statuses()
    # Unknown filter values (an old link, a hand-edited address) are left out.
    filters = Filters(
        kind=_enum(Kind, args.get("kind", "")),
        event=next((e for e in events if e.slug == args.get("event")), None),
        challenge=next((c for c in challenges if c.slug == args.get("challenge")), None),
        phase=_enum(Phase, args.get("phase", "")) if args.get("phase") != "draft" else None,
        status=next((s for s in project_statuses if s.key == args.get("status")), None),
        language=args.get("language") if args.get("language") in CONTENT_LANGUAGES else None,
    )
    error = None
    results = None
    status = 200
    try:
        results = services.search(
            text, filters, after=args.get("after"), per_page=services.PER_PAGE
        )
    except InvalidInput as exc:
        error, status = str(exc.message), exc.status
    return (
        render_template(
            "search/index.html",
            text=text,
            results=results,
            error=error,
            filters=filters,
            events=events,
            challenges=challenges,
            project_statuses=project_statuses,
            phases=PUBLIC_PHASES,
            languages=CONTENT_LANGUAGES,
            kinds=list(Kind),
            kind_labels=KIND_LABELS,
            max_length=MAX_QUERY_LENGTH,
        ),
        status,
    )


@bp.cli.command("rebuild")
def rebuild_command() -> None:
    """Fill the search index again from every challenge, idea and project."""
    count = services.rebuild_index()
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} texts.")
