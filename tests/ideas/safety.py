"""Checks that a page carries no active content written by users."""

from __future__ import annotations

from html.parser import HTMLParser

OUR_SCRIPTS = ("/static/js/main.js",)


class _ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") not in OUR_SCRIPTS:
            self.found.append(f"<script {attrs}>")
        if tag in ("img", "svg", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")


def active_content(page: str) -> list[str]:
    """Every script, event handler, inline style or script/data URL in ``page``."""
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found


ATTACKS = (
    "<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
    "![pixel](data:image/png;base64,AAAA)\n\n"
    '<a href="javascript:alert(2)" onclick="alert(3)">link</a> <svg onload=alert(4)>'
)
