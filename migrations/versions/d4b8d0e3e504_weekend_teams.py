"""the weekend: teams, looking-for-a-team board, join requests

Revision ID: d4b8d0e3e504
Revises: d3a7c9d2d403
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401 - used once the revision is filled in
from alembic import op  # noqa: F401 - used once the revision is filled in

revision: str = "d4b8d0e3e504"
down_revision: str | None = "d3a7c9d2d403"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
