"""The password policy (OWASP ASVS 4.0, level 2, section 2.1).

At least 12 and at most 128 characters, any characters, no composition rules;
refused when it is a commonly used password or contains the person's own
e-mail name or display name.

``common-passwords.txt.gz`` beside this module is the list of 20,000 common
passwords that Django ships (django/contrib/auth/common-passwords.txt.gz,
Django 5.2), itself derived from Royce Williams' list
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce).
Copyright (c) Django Software Foundation and individual contributors; used
under the BSD 3-clause licence, reproduced in ``common-passwords.NOTICE``.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from inhabithon.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 128
# Names shorter than this are too common inside ordinary words to refuse.
_MIN_PERSONAL_PART = 4
_LIST = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lower case (read once, on first use)."""
    with gzip.open(_LIST, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _personal_parts(email: str | None, display_name: str | None) -> list[str]:
    parts: list[str] = []
    if email:
        parts.append(email.rpartition("@")[0])
    if display_name:
        parts.append(display_name)
        parts.extend(display_name.split())
    folded = (_fold(p).strip() for p in parts)
    return [p for p in folded if len(p) >= _MIN_PERSONAL_PART]


# What people add to a common password to pass a length rule ("password2024!").
_PADDING = "0123456789 !?.,-_*#@$%&+=~"
# Fewer different characters than this ("aaaaaaaaaaaa", "abababababab") is guessed at once.
_MIN_DISTINCT = 4


def _guessable(folded: str) -> bool:
    """A common password, one padded with digits or symbols, or too few different characters."""
    common = common_passwords()
    candidates = {folded, folded.strip(), folded.replace(" ", ""), folded.strip(_PADDING)}
    return any(c in common for c in candidates) or len(set(folded)) < _MIN_DISTINCT


def check_password(
    password: str, *, email: str | None = None, display_name: str | None = None
) -> None:
    """Raise InvalidInput (field ``password``) when ``password`` breaks the policy."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            _l("The password must be at least %(n)d characters.", n=MIN_LENGTH), field="password"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(
            _l("The password can be at most %(n)d characters.", n=MAX_LENGTH), field="password"
        )
    folded = _fold(password)
    if _guessable(folded):
        raise InvalidInput(
            _l("This password is too common and easy to guess. Please choose another."),
            field="password",
        )
    if any(part in folded for part in _personal_parts(email, display_name)):
        raise InvalidInput(
            _l("The password must not contain your name or e-mail address."), field="password"
        )
