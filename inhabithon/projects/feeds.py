"""Atom feeds (RFC 4287) of a project's updates and status changes, and of all
projects, written with the standard library.

Feeds never name people: updates and status changes carry no author, so the
authors of anonymous ideas cannot leak through them.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

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
