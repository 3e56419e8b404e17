"""trust and safety: flags, moderation log, pseudonyms, tracking codes, account tokens,
guides' on-behalf content, canonical e-mail addresses, vote sources

Revision ID: a4076cca7c4d
Revises: a7c3e2f41b90
Create Date: 2026-11-22 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4076cca7c4d"
down_revision: str | None = "a7c3e2f41b90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outgoing_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mails")),
    )
    with op.batch_alter_table("outgoing_mails", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_mails_pending", ["sent_at", "id"], unique=False)

    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "verify_email",
                "reset_password",
                "change_email",
                name="purpose",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("new_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_tokens_user_purpose", ["user_id", "purpose"], unique=False
        )

    op.create_table(
        "pseudonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_pseudonyms_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pseudonyms_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonyms")),
        sa.UniqueConstraint("challenge_id", "name", name=op.f("uq_pseudonyms_challenge_id_name")),
        sa.UniqueConstraint(
            "user_id", "challenge_id", name=op.f("uq_pseudonyms_user_id_challenge_id")
        ),
    )
    op.create_table(
        "idea_trackings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_trackings_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_trackings")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_idea_trackings_code_hash")),
        sa.UniqueConstraint("idea_id", name=op.f("uq_idea_trackings_idea_id")),
    )
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(idea_id IS NULL) <> (comment_id IS NULL)", name=op.f("ck_flags_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_flags_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_flags_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_flags_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint(
            "reporter_id", "comment_id", name=op.f("uq_flags_reporter_id_comment_id")
        ),
        sa.UniqueConstraint("reporter_id", "idea_id", name=op.f("uq_flags_reporter_id_idea_id")),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index("ix_flags_comment_id", ["comment_id"], unique=False)
        batch_op.create_index("ix_flags_idea_id", ["idea_id"], unique=False)
        batch_op.create_index("ix_flags_open", ["resolved_at", "created_at"], unique=False)

    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "hide",
                "auto_hide",
                "restore",
                "dismiss",
                "approve",
                "reject",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(idea_id IS NULL) <> (comment_id IS NULL)",
            name=op.f("ck_moderation_actions_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_moderation_actions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_moderation_actions_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_actions_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
    )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.create_index("ix_moderation_actions_created", ["created_at", "id"], unique=False)

    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "voters_registered_before_voting",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pseudonym_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("origin", sa.String(length=24), nullable=False, server_default="direct")
        )
        batch_op.create_check_constraint(
            op.f("ck_comments_origin"), "origin IN ('direct', 'contact_center', 'no_account')"
        )
        batch_op.drop_constraint(op.f("ck_comments_author_display"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_comments_author_display"),
            "author_display IN ('name', 'pseudonym', 'anonymous')",
        )
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("flag_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_pseudonym_id_pseudonyms"),
            "pseudonyms",
            ["pseudonym_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_submitted_by_id_users"),
            "users",
            ["submitted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pseudonym_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("flag_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint(op.f("ck_ideas_author_display"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_ideas_author_display"), "author_display IN ('name', 'pseudonym', 'anonymous')"
        )
        batch_op.drop_constraint(op.f("ck_ideas_origin"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_ideas_origin"), "origin IN ('direct', 'contact_center', 'no_account')"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ideas_submitted_by_id_users"),
            "users",
            ["submitted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ideas_pseudonym_id_pseudonyms"),
            "pseudonyms",
            ["pseudonym_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_canonical", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    # Existing addresses were stored trimmed and lower-cased; their canonical form
    # starts as the same text (the application's canonical_email folds further
    # for new and changed addresses). Existing accounts count as verified: they
    # were made before verification existed.
    op.execute("UPDATE users SET email_canonical = email")
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column(
            "email_canonical", existing_type=sa.String(length=254), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_users_email_canonical"), ["email_canonical"]
        )

    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Content that used the new choices falls back to the safest old one.
    op.execute("UPDATE ideas SET author_display = 'anonymous' WHERE author_display = 'pseudonym'")
    op.execute(
        "UPDATE comments SET author_display = 'anonymous' WHERE author_display = 'pseudonym'"
    )
    op.execute("UPDATE ideas SET origin = 'contact_center' WHERE origin = 'no_account'")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_column("source_hash")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_email_canonical"), type_="unique")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("email_canonical")

    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ideas_pseudonym_id_pseudonyms"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_ideas_submitted_by_id_users"), type_="foreignkey")
        batch_op.drop_column("flag_count")
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("pseudonym_id")
        batch_op.drop_column("submitted_by_id")
        batch_op.drop_constraint(op.f("ck_ideas_author_display"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_ideas_author_display"), "author_display IN ('name', 'anonymous')"
        )
        batch_op.drop_constraint(op.f("ck_ideas_origin"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_ideas_origin"), "origin IN ('direct', 'contact_center')"
        )

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_comments_submitted_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_comments_pseudonym_id_pseudonyms"), type_="foreignkey"
        )
        batch_op.drop_column("flag_count")
        batch_op.drop_column("moderation_reason")
        batch_op.drop_constraint(op.f("ck_comments_origin"), type_="check")
        batch_op.drop_column("origin")
        batch_op.drop_constraint(op.f("ck_comments_author_display"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_comments_author_display"), "author_display IN ('name', 'anonymous')"
        )
        batch_op.drop_column("pseudonym_id")
        batch_op.drop_column("submitted_by_id")

    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_column("voters_registered_before_voting")

    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_actions_created")

    op.drop_table("moderation_actions")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index("ix_flags_open")
        batch_op.drop_index("ix_flags_idea_id")
        batch_op.drop_index("ix_flags_comment_id")

    op.drop_table("flags")
    op.drop_table("idea_trackings")
    op.drop_table("pseudonyms")
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_account_tokens_user_purpose")

    op.drop_table("account_tokens")
    with op.batch_alter_table("outgoing_mails", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_mails_pending")

    op.drop_table("outgoing_mails")
