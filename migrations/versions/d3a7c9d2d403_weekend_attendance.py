"""the weekend: sign-up with waiting list, schedule, check-in, retention

Revision ID: d3a7c9d2d403
Revises: d2f6b8c1c302
Create Date: 2026-11-22 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3a7c9d2d403"
down_revision: str | None = "d2f6b8c1c302"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("signup_open", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.Column("purged_counts", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "capacity >= 0", name=op.f("ck_attendance_settings_capacity_not_negative")
        ),
        sa.CheckConstraint(
            "confirmed <= capacity", name=op.f("ck_attendance_settings_within_capacity")
        ),
        sa.CheckConstraint(
            "confirmed >= 0", name=op.f("ck_attendance_settings_confirmed_not_negative")
        ),
        sa.CheckConstraint(
            "retention_days >= 0", name=op.f("ck_attendance_settings_retention_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_attendance_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_attendance_settings")),
    )
    op.create_table(
        "event_officials",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_officials_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_officials_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_officials")),
    )
    with op.batch_alter_table("event_officials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_officials_user_id"), ["user_id"], unique=False)

    op.create_table(
        "programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("room", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.Column("description_md", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "ends_at >= starts_at", name=op.f("ck_programme_items_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_programme_items_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_items")),
    )
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_programme_items_event_start", ["event_id", "starts_at"], unique=False
        )

    op.create_table(
        "event_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "confirmed",
                "waitlisted",
                name="signup_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column(
            "diet",
            sa.Enum(
                "none",
                "vegetarian",
                "vegan",
                "gluten_free",
                "lactose_free",
                "halal",
                "kosher",
                "other",
                name="signup_diet",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("dietary_details", sa.String(length=500), nullable=False),
        sa.Column("accessibility_needs", sa.String(length=1000), nullable=False),
        sa.Column("interpretation_language", sa.String(length=8), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("children >= 0", name=op.f("ck_event_signups_children_not_negative")),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_event_signups_challenge_id_challenges"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_signups_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_signups_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_signups")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_event_signups_event_id_user_id")),
    )
    with op.batch_alter_table("event_signups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_signups_name_key"), ["name_key"], unique=False)
        batch_op.create_index("ix_event_signups_queue", ["event_id", "status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_signups_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("outgoing_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_data", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outgoing_mails", schema=None) as batch_op:
        batch_op.drop_column("attachment_data")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_name")

    with op.batch_alter_table("event_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_signups_user_id"))
        batch_op.drop_index("ix_event_signups_queue")
        batch_op.drop_index(batch_op.f("ix_event_signups_name_key"))

    op.drop_table("event_signups")
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_items_event_start")

    op.drop_table("programme_items")
    with op.batch_alter_table("event_officials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_officials_user_id"))

    op.drop_table("event_officials")
    op.drop_table("attendance_settings")
