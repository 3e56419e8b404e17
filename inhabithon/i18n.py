"""Interface language: chosen, remembered, and formatted by Babel."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user

from inhabithon.config import RTL_LANGUAGES

LANGUAGE_COOKIE = "lang"
# Each language named in itself, so a reader finds their own.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية"}
# Languages content can be written in (wider than the interface's).
CONTENT_LANGUAGES = {
    "sv": "Svenska",
    "en": "English",
    "ar": "العربية",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fa": "فارسی",
    "bs": "Bosanski",
    "pl": "Polski",
    "uk": "Українська",
}


def select_locale() -> str:
    """Profile first, then the visitor's cookie, then the browser, then Swedish."""
    languages: tuple[str, ...] = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands: messages in the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return str(user_locale)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return str(cookie)
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(locale: str) -> str:
    return "rtl" if locale in RTL_LANGUAGES else "ltr"
