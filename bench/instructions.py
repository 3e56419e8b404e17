"""Instructions per request, counted by valgrind: a measure the machine's noise cannot move.

    python -m bench.instructions [--database-url URL] [--page PAGE] [--reader READER]

On a shared 2-core machine two runs of the same code differ by 5 % and more in
time, so a change that saves 2 % cannot be seen in a load run or in CPU time.
Valgrind's callgrind counts the instructions a process executes: the same for
the same code and data, whatever else the machine is doing. Each measured app
(the baseline of ``bench/baseline.py`` and the page asked for) runs in a Python
process of its own under callgrind, twice: with a few requests (the warm-up)
and with ``--requests`` more; the difference over those requests is the count
per request, free of the process's start.

Use it to compare two versions of the same page (run it on each): instructions
are not time. Only this process's instructions in user space count, not the
kernel's work for its round trips to PostgreSQL nor PostgreSQL's own, and the
app's Python runs at about half the instructions per cycle of the baseline's
(on the benchmark's data, 2026-12-07: the baseline page 10.7 million
instructions in 2.2 ms of user CPU, a resident's kept idea page 8.7 million in
3.4 ms, plus 0.2 ms in the kernel). So the baseline's count is printed for scale,
not as a ratio to aim at: the load run (bench/run.py) says what a change is worth.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import baseline
from bench.generate import BENCH_SECRET, PRESETS, generate
from bench.load import AGENT
from bench.run import READERS, Signer, pages, read_world

VALGRIND = shutil.which("valgrind")
WARM_UP = 20  # requests before the counted ones: templates compiled, caches filled
COLLECTED = re.compile(r"Collected : (\d+)")


def _child(url: str, page: str, reader: str, count: int) -> None:
    """Send ``count`` requests for ``page`` (or the baseline's page) and exit."""
    if page == "baseline":
        client = baseline.create_app(url).test_client()
        for _ in range(count):
            client.get("/", headers={"User-Agent": AGENT})
        return
    from inhabithon import create_app
    from inhabithon.db import make_engine

    app = create_app(
        {
            "SECRET_KEY": BENCH_SECRET,
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": False,
            "MAIL_DELIVERY": "queue",
            "PAGE_CACHE_SECONDS": 3600.0,  # the kept copy, as in a busy minute
        }
    )
    factory = pages(read_world(make_engine(url)), Signer(url), reader)[page]
    client = app.test_client()
    for n in range(count):
        request = factory(n)
        if request.cookie:
            client.set_cookie("session", request.cookie)
        headers = {"User-Agent": AGENT}
        if request.method == "POST":
            client.post(request.path, data=request.form, headers=headers)
        else:
            client.get(request.path, headers=headers)


def _instructions(url: str, page: str, reader: str, count: int) -> int:
    command = [
        str(VALGRIND),
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "--child",
        f"--database-url={url}",
        f"--page={page}",
        f"--reader={reader}",
        f"--requests={count}",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dicts, the same work
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{page}: valgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_request(url: str, page: str, reader: str, requests: int) -> float:
    """The instructions one request of ``page`` costs this process."""
    start = _instructions(url, page, reader, WARM_UP)
    end = _instructions(url, page, reader, WARM_UP + requests)
    return (end - start) / requests


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--page", default="idea, 100 comments", help="from bench.run.pages()")
    parser.add_argument("--reader", choices=READERS, default="resident")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.database_url, args.page, args.reader, args.requests)
        return
    if VALGRIND is None:
        raise SystemExit("valgrind is not installed (Debian's package valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="inhabithon-instructions-"))
    url = args.database_url
    if not url:
        url = f"sqlite:///{folder / 'data.sqlite3'}"
        generate(url, PRESETS["small"])
    base_db = folder / "baseline.sqlite3"
    from inhabithon import create_app

    app = create_app({"SECRET_KEY": BENCH_SECRET, "DATABASE_URL": url})
    world = read_world(app.extensions["inhabithon_db"].engine)
    page_bytes = len(app.test_client().get(f"/challenges/{world.slug}").data)
    baseline.prepare(str(base_db), page_bytes)
    base = per_request(str(base_db), "baseline", "visitor", args.requests)
    page = per_request(url, args.page, args.reader, args.requests)
    print(f"Instructions per request ({args.requests} requests after {WARM_UP}, callgrind):")
    print("| request | instructions |")
    print("|---|---:|")
    print(f"| baseline page ({page_bytes:,} bytes), for scale | {base:,.0f} |")
    print(f"| {args.page}, {args.reader} | {page:,.0f} |")


if __name__ == "__main__":
    main()
