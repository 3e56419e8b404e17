"""The visitor's search text, parsed once and used by every backend and by
the highlighting.

Understood: words (all must match), ``"quoted phrases"``, ``-word`` to
exclude, and ``OR`` between two terms. Everything else (FTS5 or tsquery
operators, brackets, stars, colons) is treated as a separator, so no input
can become a syntax error in the database.

Swedish has no stemmer in SQLite's FTS5 and the PostgreSQL one keeps
"cykel" and "cyklar" apart ("cykel" / "cykl"); every word is therefore
searched as a prefix, and a word ending in consonant + el/er/en is also
searched without that e ("cykel" → "cykl*" finds "cyklar", "vinter" →
"vintr*" finds "vintrar").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12  # more words only slow the query down without narrowing it much

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_SYNCOPE = re.compile(r"^(.*[^aeiouyåäö\W\d_])e([lrn])$")


@dataclass(frozen=True)
class Term:
    """A word (searched as a prefix, with its variants) or an exact phrase."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def variants(self) -> tuple[str, ...]:
        """The prefixes a single word is searched by."""
        word = self.words[0]
        match = _SYNCOPE.match(word) if len(word) >= 5 else None
        return (word, match.group(1) + match.group(2)) if match else (word,)


@dataclass
class ParsedQuery:
    # All clauses must match; a clause matches when any of its terms does.
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (an exclusion alone finds nothing)."""
        return not self.clauses

    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pending_or = False
    count = 0
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and raw in ("OR", "AND"):
            # "a AND b" is what words do anyway.
            pending_or = raw == "OR" and bool(parsed.clauses)
            continue
        words = _words(raw)
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        # An unquoted "a-b" or "a:b" is several words, each searched on its own.
        terms = [Term(words)] if match.group(2) is not None else [Term((w,)) for w in words]
        if negated:
            parsed.excluded.extend(terms)
            pending_or = False
            continue
        for i, term in enumerate(terms):
            if pending_or and i == 0:
                parsed.clauses[-1].append(term)
            else:
                parsed.clauses.append([term])
        pending_or = False
    return parsed


# --- rendering for the databases (only word characters ever reach them) ----


def fts5_match(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every word quoted, words as prefixes."""

    def term(t: Term) -> str:
        if t.is_phrase:
            return '"' + " ".join(t.words) + '"'
        return " OR ".join(f'"{v}"*' for v in t.variants())

    clauses = ["(" + " OR ".join(term(t) for t in clause) + ")" for clause in parsed.clauses]
    expression = " AND ".join(clauses)
    if parsed.excluded:
        expression = f"({expression}) NOT (" + " OR ".join(term(t) for t in parsed.excluded) + ")"
    return expression


def tsquery(parsed: ParsedQuery) -> str:
    """A ``to_tsquery`` text: every word quoted, words as prefixes."""

    def term(t: Term) -> str:
        if t.is_phrase:
            return "(" + " <-> ".join(f"'{w}'" for w in t.words) + ")"
        return "(" + " | ".join(f"'{v}':*" for v in t.variants()) + ")"

    clauses = ["(" + " | ".join(term(t) for t in clause) + ")" for clause in parsed.clauses]
    expression = " & ".join(clauses)
    for t in parsed.excluded:
        expression += f" & !{term(t)}"
    return expression


# --- highlighting: escape the text, then wrap what matched in <mark> ---------


def _pattern(parsed: ParsedQuery) -> re.Pattern[str] | None:
    parts: list[str] = []
    for t in parsed.terms():
        if t.is_phrase:
            parts.append(r"\W+".join(re.escape(w) for w in t.words) + r"(?!\w)")
        else:
            parts.extend(re.escape(v) + r"\w*" for v in t.variants())
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)


def highlight(text: str, parsed: ParsedQuery) -> Markup:
    """``text`` escaped, with every match wrapped in ``<mark>``."""
    pattern = _pattern(parsed)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        out.append("<mark>" + str(escape(m.group(0))) + "</mark>")
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece above is escaped


def snippet(text: str, parsed: ParsedQuery, width: int = 240) -> Markup:
    """About ``width`` characters of ``text`` around the first match, highlighted."""
    text = " ".join(text.split())
    pattern = _pattern(parsed)
    first = pattern.search(text) if pattern is not None else None
    start = 0
    if first is not None and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    piece = ("… " if start > 0 else "") + text[start:end] + (" …" if end < len(text) else "")
    return highlight(piece, parsed)
