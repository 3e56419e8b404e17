"""notifications: follows, notifications, e-mail settings

Revision ID: d2f6b8c1c302
Revises: d1e5a7c0b201
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401 - used once the revision is filled in
from alembic import op  # noqa: F401 - used once the revision is filled in

revision: str = "d2f6b8c1c302"
down_revision: str | None = "d1e5a7c0b201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
