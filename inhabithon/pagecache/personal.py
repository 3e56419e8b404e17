"""The personal parts of a page: what differs from one logged-in reader to the next.

A challenge or an idea page is the same for every resident but for a few small
parts: the unread-notifications badge, the follow button, the vote box, the
delete button under one's own comments. A template prints such a part as
``{{ personal("follow", "idea", idea.id) }}``: a marker in the HTML, filled in
at the end of the request, for whoever asked, by the function registered under
that name with ``@personal_part`` (in the domain's views). A filler gets every
part of its name on the page at once, so a hundred comments cost one query.

And the fillers of one page share that query: a filler may come with an
``asks`` function that says which values about the reader it needs from the
database (``inhabithon.db.Question``: a scalar expression and its parameters:
the unread count, the follows, the vote standing, one's own comments ...), and
which object its parts are about (``inhabithon.db.Load``: the idea). Every
question of the page is asked in one statement (``SELECT ideas.*, (...),
(...) ...``) before any filler runs, which then reads its ``answer``: a kept
page costs its reader one round trip to the database for all its parts, not
one per kind of part.

Every page is filled that way, so one template serves a page rendered for its
reader and a copy shared by all residents (``inhabithon.pagecache``). The shared
copy is rendered for ``SHARED_RESIDENT``: a resident with no identity. It is
signed in, active and holds no role but the resident's, and anything else asked
of it (its id, name, e-mail, whether it is verified, its votes ...) raises
``PersonalData``; that page is then rendered for its reader alone. So a page
cannot be shared with something personal in it by mistake: what is not in a
part was rendered for nobody in particular.

Arguments of a part are kept with a shared page (in Redis too): plain values
(numbers, strings, None) that every reader may see, never who wrote something.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from flask import Response, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from inhabithon.accounts.models import Role
from inhabithon.db import Load, Question, ask_together

# What opens a part's marker (``<!--part-...:3-->``): random per process, so no
# content can contain it; a page from another process carries that one's mark.
PART_MARK = f"part-{secrets.token_hex(16)}".encode()

Args = tuple[Any, ...]
Part = tuple[str, Args]  # the filler's name and the part's arguments
Filler = Callable[[Any, list[Args]], list[str]]  # (reader, arguments of each part) -> HTML each
F = TypeVar("F", bound=Filler)


Asker = Callable[[Any, list[Args]], Mapping[Hashable, Question | Load]]

_FILLERS: dict[str, Filler] = {}
_ASKERS: dict[str, Asker] = {}
_PENDING = "inhabithon_personal_parts"  # in flask.g
_ANSWERS = "inhabithon_personal_answers"  # in flask.g


class PersonalData(RuntimeError):
    """A page rendered for every resident asked who its reader is."""


class _SharedResident:
    """The reader of a page shared by all residents: signed in, active, a
    resident and nothing more; every other question about them is personal."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    role_set = frozenset({Role.RESIDENT})

    def has_role(self, role: Role) -> bool:
        return role in self.role_set

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # Python's own protocols (copy, __html__ ...)
            raise AttributeError(name)
        raise PersonalData(f"a page shared by residents read the reader's {name!r}")

    def __repr__(self) -> str:
        return "<every resident>"


SHARED_RESIDENT = _SharedResident()


def personal_part(name: str, *, asks: Asker | None = None) -> Callable[[F], F]:
    """Register the filler of the parts called ``name``: it gets the reader (a
    user, or a visitor who is not logged in) and the arguments of each such part
    on the page, and returns the HTML of each, in order. ``asks`` gets the same
    and returns the questions whose ``answer`` the filler reads, by key."""

    def register(filler: F) -> F:
        known = _FILLERS.get(name)
        if known is not None and known.__qualname__ != filler.__qualname__:
            raise ValueError(f"two fillers for the personal part {name!r}")
        _FILLERS[name] = filler
        if asks is not None:
            _ASKERS[name] = asks
        return filler

    return register


def answer(key: Hashable, otherwise: Callable[[], Any] | None = None) -> Any:
    """The answer to the question the filler's ``asks`` put under ``key``. When
    it did not ask it (it may decline: a page with two vote boxes, say),
    ``otherwise()``; without ``otherwise``, a question never asked is a bug."""
    answers: dict[Hashable, Any] = g.get(_ANSWERS) or {}
    if key in answers:
        return answers[key]
    if otherwise is None:
        raise LookupError(f"the personal parts did not ask {key!r}")
    return otherwise()


def ask(questions: dict[Hashable, Question | Load]) -> None:
    """Ask every question (and load the object the parts are about) in one
    statement; the fillers read the ``answer``."""
    answers: dict[Hashable, Any] = g.setdefault(_ANSWERS, {})
    answers.update(ask_together(questions))


@dataclass
class Pending:
    """The parts a response's body refers to by number, and the mark that opens them."""

    mark: bytes = PART_MARK
    parts: list[Part] = field(default_factory=list)


def personal(name: str, *args: Any) -> Markup:
    """The template's ``personal(name, *args)``: a marker, filled in for the reader."""
    if name not in _FILLERS:
        raise LookupError(f"no filler for the personal part {name!r}")
    # Stored as JSON with a shared page; parts read the same from memory or Redis.
    plain = tuple(json.loads(json.dumps(args)))
    pending: Pending | None = g.get(_PENDING)
    if pending is None:
        pending = g.setdefault(_PENDING, Pending())
    pending.parts.append((name, plain))
    marker = f"<!--{pending.mark.decode()}:{len(pending.parts) - 1}-->"
    return Markup(marker)  # noqa: S704 - our own random mark and a number: no one's text


def recorded() -> Pending | None:
    """The parts recorded by this request's renders so far."""
    pending: Pending | None = g.get(_PENDING)
    return pending


def expect(mark: bytes, parts: tuple[Part, ...]) -> None:
    """The response will be a kept page with these parts: fill them in at the end."""
    setattr(g, _PENDING, Pending(mark, list(parts)))


@contextmanager
def rendered_for(reader: Any) -> Iterator[None]:
    """Render for ``reader`` (``SHARED_RESIDENT``) in place of the logged-in user,
    with no parts recorded before."""
    real = g.get("_login_user")
    g._login_user = reader
    setattr(g, _PENDING, Pending())
    try:
        yield
    finally:
        if real is None:
            g.pop("_login_user", None)
        else:
            g._login_user = real


def fill_response(response: Response) -> Response:
    """Fill the response's personal parts in for the current reader (an
    ``after_request`` hook: every page, rendered or kept, passes here)."""
    pending: Pending | None = g.pop(_PENDING, None)
    if (
        pending is None
        or not pending.parts
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or response.is_streamed
    ):
        return response
    response.set_data(fill(response.get_data(), pending, current_user._get_current_object()))
    return response


@lru_cache(maxsize=16)  # one mark per process, and those of others' pages in Redis
def _markers(mark: bytes) -> re.Pattern[bytes]:
    # Any opening of a marker, whole or not: a broken one is found in the same pass.
    return re.compile(b"<!--" + re.escape(mark) + rb":(\d*)(-->)?")


def fill(body: bytes, pending: Pending, reader: Any) -> bytes:
    """``body`` with each marker replaced by its part as ``reader`` sees it."""
    # The text between markers, each marker's number and its end, in one pass.
    pieces = _markers(pending.mark).split(body)
    if len(pieces) == 1:
        return body
    found, ends = pieces[1::3], pieces[2::3]
    if not all(found) or None in ends:
        raise ValueError("a broken personal-part marker")  # only our own code writes them
    numbers = [int(number) for number in found]
    if max(numbers) >= len(pending.parts):
        raise ValueError("a broken personal-part marker: no such part")
    del pieces[2::3]  # the ends: the numbers' places take the parts
    by_name: dict[str, dict[int, None]] = {}  # the part numbers of each name, in order
    for number in numbers:
        by_name.setdefault(pending.parts[number][0], {})[number] = None
    questions: dict[Hashable, Question | Load] = {}
    for name, numbered in by_name.items():
        asker = _ASKERS.get(name)
        if asker is not None:
            questions.update(asker(reader, [pending.parts[n][1] for n in numbered]))
    ask(questions)
    html: dict[int, bytes] = {}
    for name, numbered in by_name.items():
        filled = _FILLERS[name](reader, [pending.parts[n][1] for n in numbered])
        html.update(zip(numbered, [text.encode() for text in filled], strict=True))
    pieces[1::2] = [html[number] for number in numbers]
    return b"".join(pieces)


def memo(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per request for ``key``: fillers of one page share what
    they load (the idea whose owner tools, vote box and team they fill)."""
    cache: dict[tuple[Any, ...], Any] = g.setdefault("inhabithon_personal_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


class ReadTheReader(RuntimeError):
    """A template given to ``render_part`` asked who its reader is."""


class _Nobody:
    """``current_user`` while ``render_part`` renders: the part is kept for
    everyone whose values are the same, so the template may not ask."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ReadTheReader(f"a kept part read the reader's {name!r}: pass it as a value")

    def __bool__(self) -> bool:
        raise ReadTheReader("a kept part asked whether there is a reader: pass it as a value")


_NOBODY = _Nobody()
# What a kept part may be rendered from: values equal when they mean the same.
_PLAIN = (str, int, float, type(None), dt.datetime, dt.date)
PART_RENDERS = 4096  # kept per process: the kinds of parts, by their values and language


def render_part(template: str, **values: Hashable) -> str:
    """``template`` rendered with ``values``, for a filler: kept per process for
    each template, set of values and interface language, the reader's CSRF token
    put in at each use. A vote box, a follow button, a comment's buttons look the
    same for every reader whose values are the same; rendering one afresh costs
    100 to 200 µs, a page's parts together a fifth of a kept page's time.

    The template may depend on nothing else: ``current_user`` raises
    ``ReadTheReader`` in it (what it needs of the reader comes as a value)."""
    for name, value in values.items():
        if not isinstance(value, _PLAIN):  # an object's hash is its address: reused
            raise TypeError(f"render_part({template!r}): {name} is not a plain value")
    # Each value with its type: True == 1, but they do not render alike.
    plain = tuple(sorted((name, type(value), value) for name, value in values.items()))
    where: tuple[str, str] | None = g.get(_PART_WHERE)  # the same for every part
    if where is None:
        where = (str(get_locale()), request.script_root)
        setattr(g, _PART_WHERE, where)
    html, has_token = _rendered((template, *where, plain))
    if has_token:
        # Flask-WTF keeps the request's token in g once made.
        return html.replace(_TOKEN_TEXT, g.get("csrf_token") or generate_csrf())
    return html


_PART_WHERE = "inhabithon_part_where"  # in flask.g: the language and root of the parts


# Cut in where the reader's CSRF token was: random per process, like PART_MARK.
_TOKEN_TEXT = f"csrf-{secrets.token_hex(16)}"


@lru_cache(maxsize=PART_RENDERS)
def _rendered(
    key: tuple[str, str, str, tuple[tuple[str, type, Hashable], ...]],
) -> tuple[str, bool]:
    template, _locale, _root, values = key
    given = {name: value for name, _type, value in values}
    html = render_template(template, current_user=_NOBODY, **given)
    token = g.get("csrf_token")  # the reader's, if the template put a form in
    if token and token in html:
        return html.replace(token, _TOKEN_TEXT), True
    return html, False
