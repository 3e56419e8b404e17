"""Atom feeds (RFC 4287) of a project's updates and status changes, and of all
projects, written with the standard library.

Feeds never name people: updates and status changes carry no author, so the
authors of anonymous ideas cannot leak through them.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inhabithon.db import db
from inhabithon.projects.models import Project
from inhabithon.projects.page import EPOCH, TimelineItem
from inhabithon.projects.services import status_label

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: dt.datetime
    link: str
    html: str = ""  # sanitized HTML (rendered by inhabithon.markdown) or plain text escaped
    language: str | None = None


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def atom_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    updated: dt.datetime,
    entries: list[FeedEntry],
    language: str | None = None,
) -> bytes:
    """The feed as UTF-8 XML bytes."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    if language:
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", _iso(updated))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=alternate_url, type="text/html")
    # RFC 4287 wants an author for a feed whose entries have none: the platform.
    author = sub(feed, "author")
    sub(author, "name", "Inhabithon")
    sub(feed, "generator", "Inhabithon")
    for item in entries:
        entry = sub(feed, "entry")
        if item.language:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", item.language)
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "updated", _iso(item.updated))
        sub(entry, "link", rel="alternate", href=item.link, type="text/html")
        if item.html:
            sub(entry, "content", item.html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


# --- the project feeds ----------------------------------------------------------------------

FEED_LENGTH = 50


def _tag(*parts: object) -> str:
    """A stable Atom id (RFC 4151 tag URI) that survives a change of address."""
    host = request.host.split(":")[0]
    return f"tag:{host},2022:" + "/".join(str(p) for p in parts)


def project_feed(project: Project, items: list[TimelineItem]) -> bytes:
    """A project's updates and status changes, newest first."""
    page_url = url_for("projects.detail", slug=project.slug, _external=True)
    entries = []
    for item in items[:FEED_LENGTH]:
        if item.kind == "update":
            u = item.item
            entries.append(
                FeedEntry(
                    id=_tag("projects", project.id, "updates", u.id),
                    title=u.title,
                    updated=u.posted_at,
                    link=f"{page_url}#update-{u.id}",
                    html=u.body_html,
                    language=project.language,
                )
            )
        else:
            c = item.item
            label = status_label(c.to_status)
            entries.append(
                FeedEntry(
                    id=_tag("projects", project.id, "status", c.id),
                    title=_(
                        "Status: %(status)s (%(progress)d %%)", status=label, progress=c.progress
                    ),
                    updated=c.changed_at,
                    link=f"{page_url}#status-{c.id}",
                    html=str(escape(c.comment)),
                )
            )
    return atom_feed(
        feed_id=_tag("projects", project.id),
        title=project.title,
        self_url=url_for("projects.project_feed", slug=project.slug, _external=True),
        alternate_url=page_url,
        updated=project.content_updated_at,
        entries=entries,
        language=project.language,
    )


def all_projects_feed() -> bytes:
    """Every project once, the most recently changed first."""
    projects = db.session.scalars(
        select(Project)
        .options(joinedload(Project.status))
        .order_by(Project.content_updated_at.desc(), Project.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    entries = [
        FeedEntry(
            id=_tag("projects", p.id),
            title=f"{p.title} – {status_label(p.status)}",
            updated=p.content_updated_at,
            link=url_for("projects.detail", slug=p.slug, _external=True),
            html=str(escape(p.lead)),
            language=p.language,
        )
        for p in projects
    ]
    return atom_feed(
        feed_id=_tag("projects"),
        title=_("Projects – Inhabithon"),
        self_url=url_for("projects.feed", _external=True),
        alternate_url=url_for("projects.index", _external=True),
        updated=max((p.content_updated_at for p in projects), default=EPOCH),
        entries=entries,
    )
