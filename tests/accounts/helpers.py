"""Reading the links out of account mails."""

from __future__ import annotations

import re

from tests.conftest import Mailbox


def link_path(message, prefix: str) -> str:
    """The path of the link in ``message`` that starts with ``prefix`` (e.g. "/account/verify/")."""
    body = Mailbox.body(message)
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]*"', "", html)
