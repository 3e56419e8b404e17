"""The Arabic and English catalogues: complete, correct and in use.

When a test here fails because strings are missing, bring the catalogues up to date
with the source (``make translations-update``, or ``pybabel update`` with a template
extracted as in the Makefile), translate the new entries in
inhabithon/translations/ar/LC_MESSAGES/messages.po (all six Arabic plural forms; no
fuzzy entries left) and copy the msgid into the msgstr of
inhabithon/translations/en/LC_MESSAGES/messages.po, then ``make translations``.
"""

from __future__ import annotations

import gettext
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, ngettext

from inhabithon.accounts.models import User
from tests.factories import Factory

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "inhabithon" / "translations"
PYBABEL = Path(sys.executable).parent / "pybabel"
LOCALES = ("ar", "en")

# Arabic has six plural forms: zero, one, two, few (3–10), many (11–99), other (100–102…).
AR_PLURAL_EXPR = "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"
AR_PLURAL_CASES = {
    0: 0,
    1: 1,
    2: 2,
    3: 3,
    10: 3,
    11: 4,
    99: 4,
    100: 5,
    101: 5,
    102: 5,
    103: 3,
    111: 4,
}
NUM_PLURALS = {"ar": 6, "en": 2}

# %(name)s, %d, %% … : what Python's %-formatting (and Jinja's newstyle gettext) reads.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_LETTER = re.compile(r"[A-Za-z]")

UPDATE_HINT = (
    "Update the catalogue from a fresh extraction (see the Makefile's "
    "translations-update), translate the new entries, then `make translations`."
)


def _po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _read_po(locale: str) -> Catalog:
    with _po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


@pytest.fixture(scope="module", params=LOCALES)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return _read_po(request.param)


@pytest.fixture(scope="module")
def ar_catalog() -> Catalog:
    return _read_po("ar")


@pytest.fixture(scope="module")
def en_catalog() -> Catalog:
    return _read_po("en")


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    s = message.string
    return tuple(s) if isinstance(s, (tuple, list)) else (s,)


def _placeholders(text: str) -> set[tuple[str, str]]:
    return {(m.group("name") or "", m.group("type")) for m in PLACEHOLDER.finditer(text)}


def _label(message: Message) -> str:
    return " | ".join(_ids(message))


def _locale(catalog: Catalog) -> str:
    return str(catalog.locale)


# (a) headers --------------------------------------------------------------------------


def test_arabic_header_has_six_plural_forms(ar_catalog: Catalog) -> None:
    assert _locale(ar_catalog) == "ar"
    assert ar_catalog.num_plurals == 6
    assert ar_catalog.plural_expr.replace(" ", "") == AR_PLURAL_EXPR.replace(" ", "")
    plural = gettext.c2py(ar_catalog.plural_expr)
    got = {n: plural(n) for n in AR_PLURAL_CASES}
    assert got == AR_PLURAL_CASES


def test_english_header(en_catalog: Catalog) -> None:
    assert _locale(en_catalog) == "en"
    assert en_catalog.num_plurals == 2
    assert en_catalog.plural_expr.replace(" ", "") in {"(n!=1)", "n!=1"}


# (b) every message translated, none fuzzy, placeholders kept --------------------------


def test_every_message_is_translated_and_not_fuzzy(catalog: Catalog) -> None:
    locale = _locale(catalog)
    messages = _messages(catalog)
    assert messages, f"the {locale} catalogue is empty"
    untranslated = [_label(m) for m in messages if not all(s.strip() for s in _strings(m))]
    fuzzy = [_label(m) for m in messages if m.fuzzy]
    assert not untranslated, f"Untranslated in {locale}:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, f"Fuzzy (needs review) in {locale}:\n  " + "\n  ".join(fuzzy)
    wrong_forms = [
        f"{_label(m)}: {len(_strings(m))} form(s)"
        for m in messages
        if m.pluralizable and len(_strings(m)) != NUM_PLURALS[locale]
    ]
    assert not wrong_forms, (
        f"Plural entries in {locale} need {NUM_PLURALS[locale]} forms:\n  "
        + "\n  ".join(wrong_forms)
    )


def test_placeholders_match_the_msgid(catalog: Catalog) -> None:
    """A singular msgstr keeps exactly the msgid's placeholders. A plural form uses
    only placeholders of its ids and keeps all of them, except that ``num`` (which
    ngettext always supplies) may be spelled out, as in "صوت واحد" or "صوتان"."""
    problems = []
    for message in _messages(catalog):
        ids = _ids(message)
        expected = set().union(*(_placeholders(i) for i in ids))
        for string in _strings(message):
            got = _placeholders(string)
            if message.pluralizable:
                ok = got <= expected and {p for p in expected if p[0] != "num"} <= got
            else:
                ok = got == expected
            if not ok:
                problems.append(f"{ids[0]!r} → {string!r}: {sorted(expected)} ≠ {sorted(got)}")
        problems.extend(f"{_label(message)}: {error}" for error in message.check(catalog))
    assert not problems, "Placeholders differ between msgid and msgstr:\n  " + "\n  ".join(problems)


class _AnyValue(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> int:
        return 1


def test_every_msgstr_survives_percent_formatting(catalog: Catalog) -> None:
    """Jinja's newstyle gettext always applies ``%`` to the translation, so a stray
    percent sign (instead of ``%%``) would break the page."""
    broken = []
    for message in _messages(catalog):
        for string in _strings(message):
            try:
                string % _AnyValue()
            except (TypeError, ValueError, KeyError) as error:
                broken.append(f"{string!r}: {error}")
    assert not broken, "Not valid %-format strings:\n  " + "\n  ".join(broken)


def test_no_obsolete_entries_left(catalog: Catalog) -> None:
    assert not catalog.obsolete, f"Remove the obsolete #~ entries in {_locale(catalog)}: " + (
        ", ".join(str(k) for k in catalog.obsolete)
    )


def test_english_msgstr_is_the_msgid(en_catalog: Catalog) -> None:
    differing = [
        _label(m)
        for m in _messages(en_catalog)
        if _strings(m) != (_ids(m) if m.pluralizable else (m.id,))
    ]
    assert not differing, "English msgstr should repeat the msgid:\n  " + "\n  ".join(differing)


def test_arabic_is_written_in_arabic(ar_catalog: Catalog) -> None:
    """Every message with words in it is translated, not copied: its Arabic text has
    Arabic letters. Placeholders and the brand name don't count as words."""
    copied = []
    for message in _messages(ar_catalog):
        words = PLACEHOLDER.sub("", _ids(message)[0]).replace("Inhabithon", "")
        if not LATIN_LETTER.search(words):
            continue
        copied.extend(
            f"{_label(message)} → {s!r}" for s in _strings(message) if not ARABIC_LETTER.search(s)
        )
    assert not copied, "Arabic msgstr without Arabic text:\n  " + "\n  ".join(copied)


def test_brand_stays_in_latin_letters(ar_catalog: Catalog) -> None:
    lost = [
        _label(m)
        for m in _messages(ar_catalog)
        if "Inhabithon" in _ids(m)[0] and not all("Inhabithon" in s for s in _strings(m))
    ]
    assert not lost, "Keep the brand “Inhabithon” in Latin letters:\n  " + "\n  ".join(lost)


# (c) the catalogues cover the current source ------------------------------------------


def _extract_command(output: Path) -> list[str]:
    """The Makefile's own extraction command (one source of truth for keywords and
    options), writing to ``output`` instead of the committed template."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^PYBABEL_EXTRACT\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert match, "Makefile has no PYBABEL_EXTRACT line"
    return [str(PYBABEL), *shlex.split(match.group(1)), "--omit-header", "-o", str(output), "."]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> list[Message]:
    assert PYBABEL.exists(), f"pybabel not found next to {sys.executable}"
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    result = subprocess.run(  # noqa: S603 - the venv's own pybabel, our own arguments
        _extract_command(pot), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as f:
        messages = _messages(read_po(f))
    assert len(messages) > 100, "extraction found suspiciously few strings"
    return messages


def test_catalogue_covers_every_string_in_the_source(
    catalog: Catalog, extracted: list[Message]
) -> None:
    translated = {
        (m.context, _ids(m)[0]): m
        for m in _messages(catalog)
        if all(s.strip() for s in _strings(m)) and not m.fuzzy
    }
    missing = []
    for m in extracted:
        found = translated.get((m.context, _ids(m)[0]))
        if found is None or _ids(found) != _ids(m):
            where = ", ".join(f"{path}:{line}" for path, line in m.locations[:2])
            missing.append(f"{_label(m)}  ({where})")
    assert not missing, (
        f"{len(missing)} string(s) in the source have no {_locale(catalog)} translation. "
        f"{UPDATE_HINT}\n  " + "\n  ".join(missing)
    )


def test_compiled_catalogue_is_up_to_date(catalog: Catalog) -> None:
    mo = _po_path(_locale(catalog)).with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run `make translations`."
    with mo.open("rb") as f:
        compiled = read_mo(f)
    stale = [
        _label(m)
        for m in _messages(catalog)
        if (found := compiled.get(m.id, m.context)) is None or _strings(found) != _strings(m)
    ]
    assert not stale, "The .mo is older than the .po: run `make translations`.\n  " + "\n  ".join(
        stale[:20]
    )


# (d) the site speaks Arabic (right to left) and English when asked --------------------


def _html(client: FlaskClient, path: str, **kwargs: object) -> str:
    response = client.get(path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _assert_arabic(html: str, *, logged_in: bool = False) -> None:
    assert '<html lang="ar" dir="rtl"' in html
    assert "الانتقال إلى المحتوى" in html  # Skip to content
    assert ("تسجيل الخروج" if logged_in else "تسجيل الدخول") in html  # Log out / Log in
    assert "Hoppa till innehållet" not in html
    assert "Skip to content" not in html


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_pages_speak_arabic_with_the_cookie(client: FlaskClient, path: str) -> None:
    client.set_cookie("lang", "ar")
    _assert_arabic(_html(client, path))


def test_login_page_in_arabic(client: FlaskClient) -> None:
    client.set_cookie("lang", "ar")
    html = _html(client, "/login")
    for text in ("عنوان البريد الإلكتروني", "كلمة المرور", "هل أنت جديد هنا؟"):
        assert text in html


def test_home_page_in_english_with_the_cookie(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    html = _html(client, "/")
    assert '<html lang="en" dir="ltr"' in html
    assert "Skip to content" in html
    assert ">Log in<" in html
    assert "Hoppa till innehållet" not in html


@pytest.mark.parametrize("header", ["ar", "ar-SE,ar;q=0.9,sv;q=0.5"])
def test_first_visit_follows_the_browser_language(client: FlaskClient, header: str) -> None:
    _assert_arabic(_html(client, "/", headers={"Accept-Language": header}))


def test_switcher_goes_back_to_swedish_in_one_step(client: FlaskClient) -> None:
    client.set_cookie("lang", "ar")
    html = _html(client, "/")
    _assert_arabic(html)
    assert 'name="lang" value="sv"' in html  # the switcher offers Swedish on the Arabic page
    response = client.post(
        "/language", data={"lang": "sv", "next": "/"}, headers={"Accept-Language": "ar"}
    )
    assert response.status_code == 303
    assert "lang=sv" in response.headers.get("Set-Cookie", "")
    html = _html(client, response.headers["Location"], headers={"Accept-Language": "ar"})
    assert '<html lang="sv" dir="ltr"' in html
    assert "Hoppa till innehållet" in html


def test_switcher_remembers_arabic_for_a_logged_in_user(client: FlaskClient, make: Factory) -> None:
    user: User = client.login(make.user(locale="sv"))  # type: ignore[attr-defined]
    assert '<html lang="sv"' in _html(client, "/")
    response = client.post("/language", data={"lang": "ar", "next": "/"})
    assert response.status_code == 303
    assert user.locale == "ar"
    client.delete_cookie("lang")  # the profile remembers it, not only the cookie
    _assert_arabic(_html(client, "/"), logged_in=True)
    client.post("/language", data={"lang": "sv", "next": "/"})
    assert '<html lang="sv" dir="ltr"' in _html(client, "/")


def test_arabic_plural_forms_at_runtime(app: Flask) -> None:
    """The compiled catalogue carries the six-form rule, so each number gets its form."""
    expected = {
        0: "لا توجد أصوات",
        1: "صوت واحد",
        2: "صوتان",
        3: "3 أصوات",
        11: "11 صوتاً",
        100: "100 صوت",
        103: "103 أصوات",
    }
    with app.test_request_context(), force_locale("ar"):
        got = {n: str(ngettext("%(num)d vote", "%(num)d votes", n)) for n in expected}
    assert got == expected


def test_templates_follow_a_forced_locale_inside_a_request(app: Flask) -> None:
    """Templates look the catalogue up once per request and locale
    (inhabithon.i18n.current_translations); mail rendered in the recipient's
    language inside someone else's request must still get the recipient's."""
    from flask import render_template_string

    page = "{{ _('Home') }} {{ ngettext('%(num)d vote', '%(num)d votes', 2) }}"
    with app.test_request_context("/", headers={"Accept-Language": "sv"}):
        before = render_template_string(page)
        with force_locale("ar"):
            arabic = render_template_string(page)
        with force_locale("en"):
            english = render_template_string(page)
        after = render_template_string(page)

    assert before == after
    assert before.startswith("Startsida")
    assert arabic.startswith("الصفحة الرئيسية")
    assert english == "Home 2 votes"
