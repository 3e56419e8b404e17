"""The Swedish catalogue: complete, correct and in use.

When a test here fails because strings are missing, run ``make translations-update``,
translate the new entries in inhabithon/translations/sv/LC_MESSAGES/messages.po
(no fuzzy entries left), then ``make translations``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import Client

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "inhabithon" / "translations"
SV_PO = TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po"
SV_MO = SV_PO.with_suffix(".mo")
PYBABEL = Path(sys.executable).parent / "pybabel"

# %(name)s, %d, %% … : what Python's %-formatting (and Jinja's newstyle gettext) reads.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)

UPDATE_HINT = (
    "Run `make translations-update`, translate the new entries in "
    "inhabithon/translations/sv/LC_MESSAGES/messages.po, then `make translations`."
)


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="sv")


@pytest.fixture(scope="module")
def sv_catalog() -> Catalog:
    return _read_po(SV_PO)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    s = message.string
    return tuple(s) if isinstance(s, (tuple, list)) else (s or "",)


def _placeholders(text: str) -> set[tuple[str, str]]:
    return {(m.group("name") or "", m.group("type")) for m in PLACEHOLDER.finditer(text)}


def _has_stray_percent(text: str) -> bool:
    """A % that is not part of a placeholder: Jinja's newstyle gettext %-formats every
    message, so "100 % klart" breaks the page where "100 %% klart" would not."""
    return "%" in PLACEHOLDER.sub("", text)


def _label(message: Message) -> str:
    return " | ".join(_ids(message))


# (a) every message translated, none fuzzy, placeholders kept -------------------------


def test_swedish_catalogue_header(sv_catalog: Catalog) -> None:
    assert str(sv_catalog.locale) == "sv"
    assert sv_catalog.num_plurals == 2
    assert sv_catalog.plural_expr.replace(" ", "") in {"(n!=1)", "n!=1"}


def test_every_swedish_message_is_translated_and_not_fuzzy(sv_catalog: Catalog) -> None:
    messages = _messages(sv_catalog)
    assert messages, "the Swedish catalogue is empty"
    untranslated = [_label(m) for m in messages if not all(s.strip() for s in _strings(m))]
    fuzzy = [_label(m) for m in messages if m.fuzzy]
    assert not untranslated, "Untranslated in sv:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "Fuzzy (needs review) in sv:\n  " + "\n  ".join(fuzzy)
    plurals = [m for m in messages if m.pluralizable]
    wrong_forms = [_label(m) for m in plurals if len(_strings(m)) != sv_catalog.num_plurals]
    assert not wrong_forms, "Plural entries without both Swedish forms:\n  " + "\n  ".join(
        wrong_forms
    )


def test_swedish_placeholders_match_the_msgid(sv_catalog: Catalog) -> None:
    """A singular msgstr keeps exactly the msgid's placeholders. A plural form uses
    only placeholders of its ids and keeps all of them, except that ``num`` (which
    ngettext always supplies) may be spelled out, as in "en röst"."""
    problems = []
    for message in _messages(sv_catalog):
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
            if _has_stray_percent(string) and not any(_has_stray_percent(i) for i in ids):
                problems.append(f"{ids[0]!r} → {string!r}: write a literal % as %%")
        problems.extend(f"{_label(message)}: {error}" for error in message.check(sv_catalog))
    assert not problems, "Placeholders differ between msgid and msgstr:\n  " + "\n  ".join(problems)


def test_no_obsolete_entries_left(sv_catalog: Catalog) -> None:
    assert not sv_catalog.obsolete, "Remove the obsolete #~ entries: " + ", ".join(
        str(k) for k in sv_catalog.obsolete
    )


# (b) the catalogue covers the current source -----------------------------------------


def _extract_command(output: Path) -> list[str]:
    """The Makefile's own extraction command (one source of truth for keywords and
    options), writing to ``output`` instead of the committed template."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^PYBABEL_EXTRACT\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert match, "Makefile has no PYBABEL_EXTRACT line"
    return [str(PYBABEL), *shlex.split(match.group(1)), "--omit-header", "-o", str(output), "."]


def test_swedish_catalogue_covers_every_string_in_the_source(
    sv_catalog: Catalog, tmp_path: Path
) -> None:
    assert PYBABEL.exists(), f"pybabel not found next to {sys.executable}"
    pot = tmp_path / "messages.pot"
    result = subprocess.run(  # noqa: S603 - the venv's own pybabel, our own arguments
        _extract_command(pot), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as f:
        extracted = _messages(read_po(f))
    assert len(extracted) > 100, "extraction found suspiciously few strings"

    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): m
        for m in _messages(sv_catalog)
        if all(s.strip() for s in _strings(m)) and not m.fuzzy
    }
    missing = []
    for m in extracted:
        key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
        found = translated.get(key)
        if found is None or _ids(found) != _ids(m):
            where = ", ".join(f"{path}:{line}" for path, line in m.locations[:2])
            missing.append(f"{_label(m)}  ({where})")
    assert not missing, (
        f"{len(missing)} string(s) in the source have no Swedish translation. {UPDATE_HINT}\n  "
        + "\n  ".join(missing)
    )


# (c) the site speaks Swedish by default ----------------------------------------------


def test_compiled_catalogue_is_up_to_date(sv_catalog: Catalog) -> None:
    assert SV_MO.exists(), f"{SV_MO.relative_to(ROOT)} is missing: run `make translations`."
    with SV_MO.open("rb") as f:
        compiled = read_mo(f)
    stale = [
        _label(m)
        for m in _messages(sv_catalog)
        if (found := compiled.get(m.id, m.context)) is None or _strings(found) != _strings(m)
    ]
    assert not stale, "The .mo is older than the .po: run `make translations`.\n  " + "\n  ".join(
        stale[:20]
    )


@pytest.fixture
def visitor(client: Client) -> Client:
    """A browser that states no language: it gets the default, Swedish."""
    client.language = None
    return client


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_pages_speak_swedish_by_default(visitor: Client, path: str) -> None:
    response = visitor.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv"' in html
    assert "Logga in" in html
    assert "Skapa konto" in html
    assert ">Log in<" not in html
    assert "Skip to content" not in html
    assert "Hoppa till innehållet" in html


def test_login_page_in_swedish(visitor: Client) -> None:
    html = visitor.get("/login").get_data(as_text=True)
    for text in ("E-postadress", "Lösenord", "Håll mig inloggad på den här enheten", "Ny här?"):
        assert text in html
