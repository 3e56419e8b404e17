"""Comments on ideas, with replies one level deep."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inhabithon.db import Base, enum_column, utcnow
from inhabithon.ideas.models import AuthorDisplay, Origin

if TYPE_CHECKING:
    from inhabithon.accounts.models import Pseudonym, User


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"  # by a moderator
    DELETED = "deleted"  # by its author; kept as a placeholder while replies exist


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        sa.Index("ix_comments_idea_created", "idea_id", "created_at", "id"),
        sa.Index("ix_comments_parent_id", "parent_id"),
        sa.Index("ix_comments_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The guide who wrote it on a resident's behalf (shown to officials only).
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    pseudonym_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pseudonyms.id", ondelete="SET NULL")
    )
    origin: Mapped[Origin] = mapped_column(enum_column(Origin, "origin"), default=Origin.DIRECT)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8), default="sv")
    author_display: Mapped[AuthorDisplay] = mapped_column(
        enum_column(AuthorDisplay, "author_display"), default=AuthorDisplay.NAME
    )
    status: Mapped[CommentStatus] = mapped_column(
        enum_column(CommentStatus, "status"), default=CommentStatus.PUBLISHED
    )
    moderation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    flag_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    pseudonym: Mapped[Pseudonym | None] = relationship(lazy="joined")

    @property
    def is_anonymous(self) -> bool:
        return self.author_display is AuthorDisplay.ANONYMOUS

    @property
    def is_pseudonymous(self) -> bool:
        return self.author_display is AuthorDisplay.PSEUDONYM

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"
