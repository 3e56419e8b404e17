"""URL slugs: made from a title, validated when typed, unique per table."""

from __future__ import annotations

import re
from typing import Any

from slugify import slugify
from sqlalchemy import select

from inhabithon.db import db

SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
MAX_SLUG_LENGTH = 120
# Room for a "-<n>" suffix when the slug is taken.
_BASE_LENGTH = MAX_SLUG_LENGTH - 8


def is_valid_slug(value: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(value)) and len(value) <= MAX_SLUG_LENGTH


def slug_from(text: str, fallback: str) -> str:
    """A slug for ``text`` (transliterated to a-z, 0-9 and hyphens), or ``fallback``."""
    return slugify(text, max_length=_BASE_LENGTH, word_boundary=True) or fallback


def slug_taken(model: Any, slug: str, exclude_id: int | None = None) -> bool:
    query = select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def unique_slug(model: Any, base: str, exclude_id: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free in ``model``'s table.

    One query reads every slug of the family; the unique constraint still
    decides if two requests race for the same one.
    """
    query = select(model.slug).where((model.slug == base) | model.slug.like(f"{base}-%"))
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    taken = set(db.session.scalars(query))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
