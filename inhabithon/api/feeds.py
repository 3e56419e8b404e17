"""The Atom feed of a challenge's new ideas, written like the project feeds.

Entries carry no author at all: the feed is for following what is proposed,
and an anonymous idea's author cannot leak through what is not there.
"""

from __future__ import annotations

import datetime as dt

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from inhabithon.challenges.models import Challenge
from inhabithon.db import db
from inhabithon.ideas.models import Idea, IdeaStatus
from inhabithon.projects.feeds import FeedEntry, atom_feed

FEED_LENGTH = 50


def _tag(*parts: object) -> str:
    host = request.host.split(":")[0]
    return f"tag:{host},2022:" + "/".join(str(p) for p in parts)


def newest_ideas(challenge: Challenge) -> list[Idea]:
    return list(
        db.session.scalars(
            select(Idea)
            .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
            .order_by(Idea.created_at.desc(), Idea.id.desc())
            .limit(FEED_LENGTH)
        )
    )


def feed_updated(challenge: Challenge, ideas: list[Idea]) -> dt.datetime:
    return max((i.created_at for i in ideas), default=challenge.created_at)


def ideas_feed(challenge: Challenge, ideas: list[Idea]) -> bytes:
    """The challenge's published ideas, newest first."""
    return atom_feed(
        feed_id=_tag("challenges", challenge.id, "ideas"),
        title=_("New ideas: %(title)s", title=challenge.title),
        self_url=url_for("api.ideas_feed", slug=challenge.slug, _external=True),
        alternate_url=url_for("challenges.detail", slug=challenge.slug, _external=True),
        updated=feed_updated(challenge, ideas),
        entries=[
            FeedEntry(
                id=_tag("ideas", idea.id),
                title=idea.title,
                updated=idea.created_at,
                link=url_for("ideas.detail", idea_id=idea.id, _external=True),
                html=idea.body_html,
                language=idea.language,
            )
            for idea in ideas
        ],
        language=challenge.language,
    )
