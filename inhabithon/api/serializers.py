"""Objects as plain data for the API, the CSV exports and the feeds.

The author rule is the ``author()`` macro's, for machines: a name only when the
author chose to be named and the account still exists; a pseudonym's name; else
a label. Never an e-mail address, an account id, the guide who wrote an idea
down, or a juror's scores.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import url_for

from inhabithon.challenges.models import Challenge
from inhabithon.events.models import Event
from inhabithon.ideas.models import AuthorDisplay, Idea, Origin
from inhabithon.projects.models import ImpactGoal, Project, ProjectStatusChange, ProjectUpdate
from inhabithon.results.models import Award, ChallengeResult


def iso(value: dt.datetime | None) -> str | None:
    """RFC 3339 in UTC (naive values from the database are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def author_of(idea: Idea) -> dict[str, str | None]:
    """``{"kind": ..., "name": ...}``; name is None for every kind but name/pseudonym."""
    if idea.origin is Origin.CONTACT_CENTER:
        return {"kind": "contact_center", "name": None}
    if idea.origin is Origin.NO_ACCOUNT:
        return {"kind": "no_account", "name": None}
    if idea.author_display is AuthorDisplay.ANONYMOUS or (
        idea.author_display is AuthorDisplay.PSEUDONYM and idea.pseudonym is None
    ):
        return {"kind": "anonymous", "name": None}
    if idea.author_display is AuthorDisplay.PSEUDONYM:
        assert idea.pseudonym is not None
        return {"kind": "pseudonym", "name": idea.pseudonym.name}
    if idea.author is not None and idea.author.deleted_at is None:
        return {"kind": "name", "name": idea.author.display_name}
    return {"kind": "deleted", "name": None}


def event_data(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "name": event.name,
        "place": event.place,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "description_html": event.description_html,
        "language": event.language,
        "url": url_for("events.detail", slug=event.slug, _external=True),
        "api_url": url_for("api.event", event=event.slug, _external=True),
    }


def challenge_data(challenge: Challenge) -> dict[str, Any]:
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "category": challenge.category,
        "summary": challenge.summary,
        "description_html": challenge.description_html,
        "language": challenge.language,
        "event": challenge.event.slug,
        "phase": challenge.phase.value,
        "phases": [
            {"phase": phase.value, "starts_at": iso(start)} for phase, start in challenge.timeline()
        ],
        "vote_budget": challenge.vote_budget,
        "votes_visible": challenge.votes_visible,
        "idea_count": challenge.idea_count,
        "url": url_for("challenges.detail", slug=challenge.slug, _external=True),
        "api_url": url_for("api.challenge", slug=challenge.slug, _external=True),
        "ideas_url": url_for("api.ideas", challenge=challenge.slug, _external=True),
    }


def idea_data(idea: Idea, awards: list[str]) -> dict[str, Any]:
    """``awards`` are the idea's award kinds where the results are public."""
    visible = idea.challenge.votes_visible
    return {
        "id": idea.id,
        "challenge": idea.challenge.slug,
        "title": idea.title,
        "summary": idea.summary,
        "body_html": idea.body_html,
        "language": idea.language,
        "origin": idea.origin.value,
        "author": author_of(idea),
        # Hidden while the challenge keeps counts from steering the vote.
        "vote_count": idea.vote_count if visible else None,
        "comment_count": idea.comment_count,
        "awards": awards,
        "created_at": iso(idea.created_at),
        "url": url_for("ideas.detail", idea_id=idea.id, _external=True),
        "api_url": url_for("api.idea", idea_id=idea.id, _external=True),
    }


def award_data(award: Award) -> dict[str, Any]:
    return {
        "kind": award.kind.value,
        "idea_id": award.idea_id,
        "motivation_html": award.motivation_html,
    }


def result_data(
    result: ChallengeResult, challenge: Challenge, awards: list[Award], public_ideas: set[int]
) -> dict[str, Any]:
    """The ranking as published: aggregates over jurors only, and only ideas
    that are still public."""
    return {
        "challenge": challenge.slug,
        "published_at": iso(result.published_at),
        "method": result.method,
        "awards": [award_data(a) for a in awards if a.idea_id in public_ideas],
        "ranking": [
            {
                "idea_id": entry["idea_id"],
                "rank": entry["rank"],
                "tied": bool(entry.get("tied")),
                "mean": entry.get("mean"),
                "standard_error": entry.get("standard_error"),
                "n_jurors": entry.get("n_jurors"),
                "overridden": bool(entry.get("overridden")),
            }
            for entry in result.ranking
            if entry["idea_id"] in public_ideas
        ],
        "votes": [
            {"idea_id": v["idea_id"], "votes": v["votes"]}
            for v in result.summary.get("votes", [])
            if v["idea_id"] in public_ideas
        ],
        "url": url_for("results.public", slug=challenge.slug, _external=True),
        "api_url": url_for("api.result", slug=challenge.slug, _external=True),
    }


def project_data(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "title": project.title,
        "category": project.category,
        "lead": project.lead,
        "language": project.language,
        "status": {"key": project.status.key, "name": project.status.name},
        "progress": project.progress,
        "department": project.department,
        "partners": project.partners,
        "budget": {
            "estimated": number(project.budget_estimated),
            "granted": number(project.budget_granted),
            "used": number(project.budget_used),
        },
        "event": project.event.slug if project.event else None,
        "challenge": project.challenge.slug if project.challenge else None,
        "idea_id": project.idea_id,
        "published_at": iso(project.published_at),
        "updated_at": iso(project.content_updated_at),
        "url": url_for("projects.detail", slug=project.slug, _external=True),
        "api_url": url_for("api.project", project=project.slug, _external=True),
    }


def goal_data(goal: ImpactGoal) -> dict[str, Any]:
    return {
        "outcome": goal.outcome,
        "indicator": goal.indicator,
        "baseline": number(goal.baseline),
        "target": number(goal.target),
        "current": number(goal.current),
        "unit": goal.unit,
        "comment": goal.comment,
        "reached": goal.reached,
        "percent": goal.percent,
    }


def status_change_data(change: ProjectStatusChange) -> dict[str, Any]:
    return {
        "from_status": change.from_status.key if change.from_status else None,
        "to_status": change.to_status.key,
        "progress": change.progress,
        "comment": change.comment,
        "changed_at": iso(change.changed_at),
    }


def update_data(update: ProjectUpdate) -> dict[str, Any]:
    return {
        "title": update.title,
        "body_html": update.body_html,
        "posted_at": iso(update.posted_at),
    }
