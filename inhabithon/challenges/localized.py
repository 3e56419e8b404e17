"""A challenge's texts in the visitor's interface language when an official
has translated them, otherwise the original with its language named."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale

from inhabithon.challenges.models import Challenge
from inhabithon.i18n import CONTENT_LANGUAGES


@dataclass(frozen=True)
class LocalizedText:
    title: str
    summary: str
    description_html: str
    language: str  # the language these texts are written in (for ``lang``)
    original_language: str
    translated: bool

    @property
    def original_language_name(self) -> str:
        return CONTENT_LANGUAGES.get(self.original_language, self.original_language)


def localized(challenge: Challenge, locale: str | None = None) -> LocalizedText:
    """The texts of ``challenge`` for ``locale`` (default: the interface language).

    Reads ``challenge.translations``; list pages load them with
    ``selectinload(Challenge.translations)`` so a page costs one query more.
    """
    wanted = locale or str(get_locale() or "")
    if wanted and wanted != challenge.language:
        for translation in challenge.translations:
            if translation.language == wanted:
                return LocalizedText(
                    title=translation.title,
                    summary=translation.summary,
                    description_html=translation.description_html,
                    language=translation.language,
                    original_language=challenge.language,
                    translated=True,
                )
    return LocalizedText(
        title=challenge.title,
        summary=challenge.summary,
        description_html=challenge.description_html,
        language=challenge.language,
        original_language=challenge.language,
        translated=False,
    )
