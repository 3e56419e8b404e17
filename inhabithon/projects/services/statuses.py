"""The statuses a project moves through, each with the progress it stands for.

Six are built in (the migration seeds them; ``seed_statuses`` adds any that are
missing); officials may add more.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inhabithon.accounts.models import User
from inhabithon.audit.services import record
from inhabithon.db import db
from inhabithon.errors import Conflict, InvalidInput
from inhabithon.projects.models import ProjectStatus
from inhabithon.slugs import is_valid_slug

INITIAL_STATUS = "idea"


@dataclass(frozen=True)
class BuiltInStatus:
    key: str
    name: str  # the Swedish name, stored
    progress: int
    position: int
    is_terminal: bool = False
    requires_lessons: bool = False
    keeps_progress: bool = False


# The same six the migration seeds; ``seed_statuses`` adds any that are missing.
BUILT_IN_STATUSES = (
    BuiltInStatus("idea", "Idé", 10, 10),
    BuiltInStatus("planned", "Planerad", 25, 20),
    BuiltInStatus("ongoing", "Pågående", 60, 30),
    BuiltInStatus("realized", "Realiserad", 100, 40, is_terminal=True),
    BuiltInStatus("paused", "Pausad", 0, 50, keeps_progress=True),
    BuiltInStatus(
        "cancelled", "Avbruten", 0, 60, is_terminal=True, requires_lessons=True, keeps_progress=True
    ),
)

# Labels of the built-in statuses in the interface language; statuses that
# officials add show their stored name.
STATUS_LABELS = {
    "idea": _l("Idea"),
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "realized": _l("Realized"),
    "paused": _l("Paused"),
    "cancelled": _l("Cancelled"),
}


def status_label(status: ProjectStatus) -> str:
    label = STATUS_LABELS.get(status.key)
    return str(label) if label is not None else status.name


def statuses() -> list[ProjectStatus]:
    return list(
        db.session.scalars(select(ProjectStatus).order_by(ProjectStatus.position, ProjectStatus.id))
    )


def status_by_key(key: str) -> ProjectStatus | None:
    return db.session.scalar(select(ProjectStatus).where(ProjectStatus.key == key))


def seed_statuses() -> list[str]:
    """Add the built-in statuses that are missing; returns the keys added."""
    existing = set(db.session.scalars(select(ProjectStatus.key)))
    added = []
    for s in BUILT_IN_STATUSES:
        if s.key not in existing:
            db.session.add(ProjectStatus(**s.__dict__))
            added.append(s.key)
    db.session.flush()
    return added


def add_status(
    actor: User | None,
    key: str,
    name: str,
    progress: int,
    *,
    position: int | None = None,
    keeps_progress: bool = False,
    is_terminal: bool = False,
    requires_lessons: bool = False,
) -> ProjectStatus:
    """Add a status to the table officials choose from."""
    key, name = key.strip(), name.strip()
    if not is_valid_slug(key) or len(key) > 40:
        raise InvalidInput(
            _l("Use only lowercase letters a–z, digits and hyphens in the key."), field="key"
        )
    if not name:
        raise InvalidInput(_l("Enter the status's name."), field="name")
    if not 0 <= progress <= 100:
        raise InvalidInput(_l("The progress must be between 0 and 100."), field="progress")
    if status_by_key(key) is not None:
        raise Conflict(_l("A status with this key already exists."), field="key")
    if position is None:
        last = max((s.position for s in statuses()), default=0)
        position = last + 10
    status = ProjectStatus(
        key=key,
        name=name,
        progress=progress,
        position=position,
        keeps_progress=keeps_progress,
        is_terminal=is_terminal,
        requires_lessons=requires_lessons,
    )
    db.session.add(status)
    db.session.flush()
    record(actor, "project_status.created", status, after={"key": key, "progress": progress})
    return status
