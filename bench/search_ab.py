"""The search of the working tree against the search of a git revision, timed
in one process, alternating.

    python -m bench.search_ab --database-url URL [--base REV] [--repeat 15]

Imports the search package (``inhabithon/search/*.py``) as it is in ``--base``
(default ``main``) beside the working tree's, then times ``services.search()``
of each for the searches below, alternating (A B A B ...) so that the drift of
a shared machine hits both alike, and prints the median wall-clock time of each
(``time.perf_counter``: the database's time is the point), what each found, and
whether they found the same (hits in the same order, same counts; "capped" when
B counted past its cap).
Run it on a database built by ``bench.generate`` (the full preset for the
figures in bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import importlib.util
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

from bench.generate import BENCH_SECRET
from inhabithon import create_app
from inhabithon.db import db
from inhabithon.search import services as head

ROOT = Path(__file__).resolve().parent.parent
BASE_PACKAGE = "bench_search_base"
# (label, text, filters, pages): pages > 1 follows the tab's cursor that far.
SEARCHES = (
    ("'bänkar', all kinds", "bänkar", {}, 1),
    ("'bänkar', ideas tab", "bänkar", {"kind": "idea"}, 1),
    ("'bänkar', ideas tab, page 3", "bänkar", {"kind": "idea"}, 3),
    ("'bänkar', challenges open for ideas", "bänkar", {"phase": "submissions"}, 1),
    ("'park träd'", "park träd", {}, 1),
    ("'cykel'", "cykel", {}, 1),
    ("'\"bänkar torget\"' (a phrase)", '"bänkar torget"', {}, 1),
    ("'kontaktcenter' (rare)", "kontaktcenter", {}, 1),
)


class _FromGit(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``BASE_PACKAGE.<name>`` from ``inhabithon/search/<name>.py`` as it
    is in a git revision, its imports of the search package pointing there too."""

    def __init__(self, revision: str) -> None:
        self.revision = revision

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] != BASE_PACKAGE:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname == BASE_PACKAGE)

    def create_module(self, spec):
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        if module.__name__ == BASE_PACKAGE:
            return
        path = f"inhabithon/search/{module.__name__.rsplit('.', 1)[1]}.py"
        source = subprocess.run(
            ["git", "show", f"{self.revision}:{path}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        source = source.replace("from inhabithon.search import", f"from {BASE_PACKAGE} import")
        source = source.replace("from inhabithon.search.", f"from {BASE_PACKAGE}.")
        module.__file__ = f"{self.revision}:{path}"
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own code


def load_base(revision: str) -> types.ModuleType:
    """The search package's services as they are in ``revision``."""
    sys.meta_path.insert(0, _FromGit(revision))
    return importlib.import_module(f"{BASE_PACKAGE}.services")


def run(services: types.ModuleType, text: str, choices: dict[str, str], pages: int):
    filters = services.Filters(
        kind=services.Kind(choices["kind"]) if "kind" in choices else None,
        phase=services.Phase(choices["phase"]) if "phase" in choices else None,
    )
    results = services.search(text, filters)
    for _ in range(pages - 1):
        results = services.search(text, filters, after=results.next_cursor)
    db.session.rollback()
    return results


def same(a, b) -> str:
    if getattr(b, "capped", None):
        return "capped"

    def found(r):
        hits = [(k.value, h.ref_id, h.language) for k in sorted(r.hits) for h in r.hits[k]]
        return hits, {k.value: n for k, n in r.counts.items()}, r.next_cursor

    return "yes" if found(a) == found(b) else "**no**"


def describe(results) -> str:
    capped = getattr(results, "capped", set())
    counts = ", ".join(
        f"{k.value} {'>' if k in capped else ''}{n}" for k, n in sorted(results.counts.items())
    )
    shown = sum(len(h) for h in results.hits.values())
    return f"{counts or 'nothing'}; {shown} shown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--base", default="main", help="the git revision to compare with")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    base = load_base(args.base)
    app = create_app({"SECRET_KEY": BENCH_SECRET, "DATABASE_URL": args.database_url})
    print(f"search() of {args.base} (A) and of the working tree (B), alternating;")
    print(f"median of {args.repeat} each, wall-clock ms.\n")
    print(f"| search | A: {args.base} | B: working tree | B / A | A found | B found | same |")
    print("|---|---:|---:|---:|---|---|---|")
    with app.test_request_context():
        for label, text, choices, pages in SEARCHES:
            times: dict[str, list[float]] = {"a": [], "b": []}
            found = {}
            for n in range(args.repeat + 2):  # the first two warm up
                for side, services in (("a", base), ("b", head)):
                    started = time.perf_counter()
                    found[side] = run(services, text, choices, pages)
                    if n >= 2:
                        times[side].append((time.perf_counter() - started) * 1000 / pages)
            a, b = (statistics.median(times[side]) for side in "ab")
            print(
                f"| {label} | {a:.1f} | {b:.1f} | {b / a:.2f} "
                f"| {describe(found['a'])} | {describe(found['b'])} "
                f"| {same(found['a'], found['b'])} |"
            )


if __name__ == "__main__":
    main()
