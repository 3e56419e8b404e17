"""the weekend: sign-up with waiting list, schedule, check-in, retention

Revision ID: d3a7c9d2d403
Revises: d2f6b8c1c302
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401 - used once the revision is filled in
from alembic import op  # noqa: F401 - used once the revision is filled in

revision: str = "d3a7c9d2d403"
down_revision: str | None = "d2f6b8c1c302"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
