"""CSV exports of a challenge's ideas and results, and of the projects.

UTF-8 with a byte order mark so that spreadsheet programs read the letters
right; every cell that a spreadsheet would take for a formula (= + - @, and
tab or carriage return) starts with an apostrophe. Officials get the same rows
plus the ideas the public does not see and their moderation columns, never
the authors of anonymous ideas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inhabithon.api import serializers as ser
from inhabithon.api.services import PublishedResult, public_awards
from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.projects.models import Project

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: Any) -> str:
    """The cell's text, defused if a spreadsheet would evaluate it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, int | float):
        return text  # a negative number is a number, not a formula
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([guard(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _author_label(idea: Idea) -> str:
    author = ser.author_of(idea)
    return str(author["name"] or author["kind"])


def ideas_csv(challenge: Challenge, *, officials_view: bool) -> bytes:
    query = (
        select(Idea)
        .options(joinedload(Idea.author), joinedload(Idea.challenge))
        .where(Idea.challenge_id == challenge.id)
        .order_by(Idea.id)
    )
    if not officials_view:
        query = query.where(Idea.status == IdeaStatus.PUBLISHED)
    ideas = list(db.session.scalars(query).unique())
    awards = public_awards(ideas)
    votes = challenge.votes_visible
    header = [
        "id",
        "title",
        "summary",
        "language",
        "origin",
        "author",
        "votes",
        "comments",
        "awards",
        "created_at",
        "url",
    ]
    if officials_view:
        header += ["status", "flag_count", "moderation_reason"]
    rows = []
    for idea in ideas:
        data = ser.idea_data(idea, awards.get(idea.id, []))
        row = [
            idea.id,
            idea.title,
            idea.summary,
            idea.language,
            idea.origin.value,
            _author_label(idea),
            idea.vote_count if votes else None,
            idea.comment_count,
            " ".join(awards.get(idea.id, [])),
            data["created_at"],
            data["url"],
        ]
        if officials_view:
            row += [idea.status.value, idea.flag_count, idea.moderation_reason]
        rows.append(row)
    return to_csv(header, rows)


def results_csv(published: PublishedResult) -> bytes:
    data = ser.result_data(
        published.result, published.challenge, published.awards, published.public_ideas
    )
    ids = published.public_ideas
    ideas = {
        i.id: i
        for i in db.session.scalars(
            select(Idea).options(joinedload(Idea.author)).where(Idea.id.in_(ids))
        )
    }
    awards: dict[int, list[str]] = {}
    for award in data["awards"]:
        awards.setdefault(award["idea_id"], []).append(award["kind"])
    votes = {v["idea_id"]: v["votes"] for v in data["votes"]}
    ranked = {entry["idea_id"]: entry for entry in data["ranking"]}
    order = [e["idea_id"] for e in data["ranking"]] + sorted(
        (i for i in set(votes) | set(awards) if i not in ranked), key=lambda i: -votes.get(i, 0)
    )
    header = [
        "rank",
        "tied",
        "idea_id",
        "title",
        "author",
        "score",
        "standard_error",
        "jurors",
        "votes",
        "awards",
    ]
    rows = []
    for idea_id in order:
        idea = ideas.get(idea_id)
        if idea is None:
            continue
        entry = ranked.get(idea_id, {})
        rows.append(
            [
                entry.get("rank"),
                entry.get("tied"),
                idea_id,
                idea.title,
                _author_label(idea),
                entry.get("mean"),
                entry.get("standard_error"),
                entry.get("n_jurors"),
                votes.get(idea_id),
                " ".join(awards.get(idea_id, [])),
            ]
        )
    return to_csv(header, rows)


def projects_csv() -> bytes:
    projects = db.session.scalars(
        select(Project)
        .options(
            joinedload(Project.status), joinedload(Project.event), joinedload(Project.challenge)
        )
        .order_by(Project.id)
    ).unique()
    header = [
        "slug",
        "title",
        "category",
        "status",
        "progress",
        "department",
        "partners",
        "budget_estimated",
        "budget_granted",
        "budget_used",
        "event",
        "challenge",
        "idea_id",
        "published_at",
        "updated_at",
        "url",
    ]
    rows = []
    for project in projects:
        d = ser.project_data(project)
        rows.append(
            [
                d["slug"],
                d["title"],
                d["category"],
                project.status.key,
                d["progress"],
                d["department"],
                d["partners"],
                d["budget"]["estimated"],
                d["budget"]["granted"],
                d["budget"]["used"],
                d["event"],
                d["challenge"],
                d["idea_id"],
                d["published_at"],
                d["updated_at"],
                d["url"],
            ]
        )
    return to_csv(header, rows)


def filename(*parts: str) -> str:
    return "-".join(parts) + ".csv"
