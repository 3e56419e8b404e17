"""search: full-text index of challenges, ideas and projects

Revision ID: d1e5a7c0b201
Revises: a4076cca7c4d
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401 - used once the revision is filled in
from alembic import op  # noqa: F401 - used once the revision is filled in

revision: str = "d1e5a7c0b201"
down_revision: str | None = "a4076cca7c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
