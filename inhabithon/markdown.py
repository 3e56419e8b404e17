"""Markdown, rendered once when saved and sanitized against a strict allowlist.

This is the only module that produces HTML from user text, and ``safe_html``
(the Jinja filter ``html``) is the only place stored HTML is marked safe.
"""

from __future__ import annotations

import bleach
import markdown as md
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_attrs(attrs: dict, new: bool = False) -> dict:
    # Links written by residents never pass on referrer or ranking.
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_linker = Linker(callbacks=[_link_attrs])


def render(text: str) -> str:
    """Markdown to sanitized HTML. Raw HTML in the input is escaped, not kept."""
    converter = md.Markdown(
        extensions=["tables", "sane_lists", "fenced_code"], output_format="html"
    )
    # Raw HTML in the input is shown as text, not interpreted.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    # Shift headings down so that user text never competes with the page's <h1>.
    html = _demote_headings(converter.convert(text))
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _linker.linkify(cleaned)


def _demote_headings(html: str) -> str:
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return html


def safe_html(stored: str | None) -> Markup:
    """Mark HTML that ``render`` produced and the database stored as safe."""
    return Markup(stored or "")  # noqa: S704 - the one place: HTML that render() sanitized
