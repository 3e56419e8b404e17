"""the weekend: teams, looking-for-a-team board, join requests

Revision ID: d4b8d0e3e504
Revises: d3a7c9d2d403
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4b8d0e3e504"
down_revision: str | None = "d3a7c9d2d403"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy of the table): SQLite keeps the search
    # triggers on challenges.
    op.add_column(
        "challenges",
        sa.Column("team_size_max", sa.Integer(), server_default="6", nullable=False),
    )
    op.create_table(
        "team_board_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=80), nullable=True),
        sa.Column("brings", sa.String(length=1000), nullable=False),
        sa.Column("looks_for", sa.String(length=1000), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("team_board_posts", "challenge_id", "challenges"),
        _fk("team_board_posts", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_board_posts")),
        sa.UniqueConstraint(
            "challenge_id", "user_id", name=op.f("uq_team_board_posts_challenge_id_user_id")
        ),
    )
    op.create_index("ix_team_board_posts_user_id", "team_board_posts", ["user_id"])

    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("size_max", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "member_count >= 0 AND member_count <= size_max",
            name=op.f("ck_teams_member_count_within_size"),
        ),
        _fk("teams", "challenge_id", "challenges"),
        _fk("teams", "idea_id", "ideas", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("challenge_id", "name", name=op.f("uq_teams_challenge_id_name")),
    )
    op.create_index("ix_teams_idea_id", "teams", ["idea_id"])

    op.create_table(
        "team_join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("nickname", sa.String(length=80), nullable=True),
        sa.Column(
            "status",
            _enum("team_request_status", "pending", "accepted", "declined", "cancelled"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        _fk("team_join_requests", "challenge_id", "challenges"),
        _fk("team_join_requests", "team_id", "teams"),
        _fk("team_join_requests", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_join_requests")),
        sa.UniqueConstraint(
            "team_id", "user_id", name=op.f("uq_team_join_requests_team_id_user_id")
        ),
    )
    op.create_index("ix_team_join_requests_user_id", "team_join_requests", ["user_id"])

    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("role", _enum("team_role", "owner", "admin", "member"), nullable=False),
        sa.Column("nickname", sa.String(length=80), nullable=True),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        _fk("team_members", "challenge_id", "challenges"),
        _fk("team_members", "team_id", "teams"),
        _fk("team_members", "user_id", "users"),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
        sa.UniqueConstraint(
            "challenge_id", "user_id", name=op.f("uq_team_members_challenge_id_user_id")
        ),
    )
    op.create_index("ix_team_members_user_id", "team_members", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_team_members_user_id", table_name="team_members")
    op.drop_table("team_members")
    op.drop_index("ix_team_join_requests_user_id", table_name="team_join_requests")
    op.drop_table("team_join_requests")
    op.drop_index("ix_teams_idea_id", table_name="teams")
    op.drop_table("teams")
    op.drop_index("ix_team_board_posts_user_id", table_name="team_board_posts")
    op.drop_table("team_board_posts")
    # A plain DROP COLUMN (SQLite 3.35+), not a batch copy that would lose the
    # search triggers on challenges.
    op.drop_column("challenges", "team_size_max")
