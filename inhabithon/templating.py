"""The Jinja environment: Flask's, with each template's globals as one plain dict.

Jinja keeps a template's globals as a ``ChainMap`` over the environment's, so
that globals added after a template was loaded still show. Every render then
copies that map key by key in Python (``dict(ChainMap)``), and every
``{% from ... import ... %}`` compares its keys one by one: about 80 globals here
(the permission predicates among them), 40 µs per render and per import, paid
by each small personal part of a page (inhabithon/pagecache/personal.py) and
each macro import. All our globals are set while the app is built, before any
template is loaded (as Jinja asks), so a snapshot is the same map, copied in C.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
