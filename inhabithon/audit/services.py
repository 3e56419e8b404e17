"""Recording audit entries; every service that changes roles, phases or
moderation state calls ``record``."""

from __future__ import annotations

from typing import Any

from inhabithon.accounts.models import User
from inhabithon.audit.models import AuditEntry
from inhabithon.db import db


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` (a model with an ``id``)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__tablename__,
        object_id=str(obj.id),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
