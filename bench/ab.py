"""One page under load, a git revision's app against the working tree's.

    python -m bench.ab --database-url URL [--base REV] [--page PAGE] [--reader READER]
                       [--seconds 40] [--slices 10]

Checks ``--base`` (default ``main``) out into a temporary git worktree, serves it
and the working tree side by side with the production gunicorn config
(``inhabithon/gunicorn_conf.py``) against the same database and Redis
(each with keys of its own), and loads both with wrk in alternating slices (A B A
B ...) so that the drift of a shared machine hits both alike. Prints each one's
requests/s, p50 and p99 and the ratio B/A (the working tree's throughput over the
revision's). Two runs of the same code differ by up to 5 % on this 2-core
machine: a change worth keeping shows in more than one run.

Run it on a database built by ``bench.generate`` (the full preset for the
figures in bench/RESULTS.md). Like ``bench.run``, with wrk installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import wrk
from bench.run import (
    READERS,
    ROOT,
    Settings,
    Signer,
    app_env,
    gunicorn,
    interleaved,
    pages,
    read_world,
    warm_up,
)
from inhabithon.db import make_engine
from inhabithon.gunicorn_conf import default_workers


def worktree(rev: str) -> Path:
    """``rev`` checked out beside this one, with its translations compiled and
    this checkout's virtualenv."""
    path = Path(tempfile.mkdtemp(prefix="inhabithon-ab-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True)
    (path / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pybabel"), "-q", "compile", "-d", "inhabithon/translations"],
        cwd=path,
        check=True,
    )
    return path


def remove(path: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)
    shutil.rmtree(path.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--base", default="main")
    parser.add_argument("--page", default="idea, 100 comments")
    parser.add_argument("--reader", choices=READERS, default="resident")
    parser.add_argument("--seconds", type=float, default=40.0, help="for each side")
    parser.add_argument("--slices", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if not args.database_url:
        sys.exit("--database-url (or BENCH_DATABASE_URL): a database built by bench.generate")
    if wrk.WRK is None:
        sys.exit("wrk is not installed (make wrk)")
    engine = make_engine(args.database_url)
    world = read_world(engine)
    engine.dispose()
    factory = pages(world, Signer(args.database_url), args.reader)[args.page]
    base = worktree(args.base)
    workers = default_workers(args.database_url)  # as in production
    s = Settings(args.seconds, args.connections, workers, threads=1, slices=args.slices)
    try:
        with (
            gunicorn("app:app", app_env(args.database_url), workers, 1, cwd=base) as a_port,
            gunicorn("app:app", app_env(args.database_url), workers, 1) as b_port,
        ):
            for port in (a_port, b_port):
                warm_up(port, factory, 50)
            print(f"{args.page} as a {args.reader}: A = {args.base}, B = the working tree")
            r = interleaved({"A": (a_port, factory), "B": (b_port, factory)}, s)
            print(f"B/A = {r['B'].rps / r['A'].rps:.3f}")
    finally:
        remove(base)


if __name__ == "__main__":
    main()
