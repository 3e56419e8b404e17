"""CPU time per request, measured in-process: where the throughput goes.

    python -m bench.cpu [--profile PAGE] [--database-url URL] [--repeat N]

Builds the small data set (SQLite in a temporary folder unless ``--database-url``
names one), then sends each page of ``bench.run.pages()`` ``--repeat`` times
through the app's test client in one thread, as a visitor who is not logged in
and as a logged-in resident (both served the copies kept for them, as in
production; the resident's personal parts filled in), and as a guide (who holds
a role: rendered afresh), and prints the CPU milliseconds per request
(``time.process_time``: the machine's other load does not count). With
``--profile PAGE [--reader resident|guide]`` it also prints the cProfile of that page.

The load run (``bench.run``) says how fast the site is on this machine; this
says which request costs what, so a change can be measured before the load run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from bench import baseline
from bench.generate import BENCH_SECRET, PRESETS, generate
from bench.load import AGENT, Request
from bench.run import READERS, Signer, pages, read_world
from inhabithon import create_app
from inhabithon.db import make_engine


def measure(client, factory, repeat: int) -> list[float]:
    times = []
    for n in range(repeat):
        request = factory(n)
        if request.cookie:
            client.set_cookie("session", request.cookie)
        else:
            client.delete_cookie("session")
        started = time.process_time()
        headers = {"User-Agent": AGENT}
        if request.method == "POST":
            response = client.post(request.path, data=request.form, headers=headers)
        else:
            response = client.get(request.path, headers=headers)
        times.append((time.process_time() - started) * 1000)
        if response.status_code != request.expect:
            raise SystemExit(f"{request.path} answered {response.status_code}")
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--profile", help="a page name from bench.run.pages()")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--reader", choices=READERS, default="visitor", help="who --profile asks")
    parser.add_argument(
        "--page-cache", type=float, default=5.0, help="PAGE_CACHE_SECONDS (production: 5)"
    )
    args = parser.parse_args(argv)
    url = args.database_url
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='inhabithon-cpu-')) / 'cpu.sqlite3'}"
        generate(url, PRESETS["small"])
    app = create_app(
        {
            "SECRET_KEY": BENCH_SECRET,
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": False,
            "MAIL_DELIVERY": "queue",
            "PAGE_CACHE_SECONDS": args.page_cache,
        }
    )
    world = read_world(make_engine(url))
    signer = Signer(url)
    tables = {reader: pages(world, signer, reader) for reader in READERS}
    client = app.test_client()
    base_db = Path(tempfile.mkdtemp(prefix="inhabithon-baseline-")) / "baseline.sqlite3"
    page_bytes = len(client.get(f"/challenges/{world.slug}").data)
    baseline.prepare(str(base_db), page_bytes)
    base_client = baseline.create_app(str(base_db)).test_client()
    base_page = lambda n: Request("GET", "/")  # noqa: E731 - like the pages
    measure(base_client, base_page, 5)
    base = statistics.median(measure(base_client, base_page, args.repeat))
    print(f"Baseline page ({page_bytes:,} bytes): {base:.2f} ms CPU per request.")
    print(f"Page cache: {args.page_cache:g} s. Ratio: the baseline's CPU time / the page's.")
    print("| request | " + " | ".join(f"{reader} ms | ratio" for reader in READERS) + " |")
    print("|---|" + "---:|---:|" * len(READERS))
    for name in tables["visitor"]:
        row = []
        for reader, table in tables.items():
            if name == "vote POST" and reader != "visitor":
                row += ["", ""]
                continue
            measure(client, table[name], 5)  # compile templates, fill caches
            median = statistics.median(measure(client, table[name], args.repeat))
            row += [f"{median:.2f}", f"{base / median:.2f}"]
        print(f"| {name} | {' | '.join(row)} |")
    if args.profile:
        table = tables[args.reader]
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, table[args.profile], args.repeat)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.lines)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
