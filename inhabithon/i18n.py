"""Interface language: chosen, remembered, and formatted by Babel."""

from __future__ import annotations

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_translations
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


def current_translations() -> NullTranslations:
    """Flask-Babel's catalogue for the current locale, looked up once per request
    and locale: Flask-Babel finds it anew for every string, a hundred and more
    times a page. ``force_locale`` (mail in the recipient's language) sets a new
    locale object, so it gets its own catalogue."""
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is None:
        return get_translations()  # the first string of the request chooses the locale
    cached = getattr(ctx, "inhabithon_translations", None)
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    ctx.inhabithon_translations = (locale, translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Templates translate through ``current_translations`` (replacing Flask-Babel's
    callables, which do the same lookups the slow way)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
