"""project translations: officials' translations of a project page's texts

Revision ID: b8d4f3a52c01
Revises: 3c1e7a9d2b40
Create Date: 2026-11-22 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8d4f3a52c01"
down_revision: str | None = "3c1e7a9d2b40"  # the projects table
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lead", sa.String(length=600), nullable=False),
        sa.Column("what_md", sa.Text(), nullable=False),
        sa.Column("what_html", sa.Text(), nullable=False),
        sa.Column("why_md", sa.Text(), nullable=False),
        sa.Column("why_html", sa.Text(), nullable=False),
        sa.Column("how_md", sa.Text(), nullable=False),
        sa.Column("how_html", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_translations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_translations")),
        sa.UniqueConstraint(
            "project_id", "language", name=op.f("uq_project_translations_project_id_language")
        ),
    )


def downgrade() -> None:
    op.drop_table("project_translations")
