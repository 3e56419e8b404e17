"""The benchmark: ``make bench`` (full preset) or ``make bench-quick`` (small).

    python -m bench.run --preset full --database-url postgresql+psycopg://postgres@127.0.0.1:5432/inhabithon_bench

1. Generates the data set with only 1,000 votes, starts Inhabithon and the
   baseline (bench/baseline.py) under gunicorn on loopback with the
   production config, and measures the pages compared later.
2. Adds the rest of the votes (2,000,000 in the full preset) and measures
   every page: requests/s, p50, p99, each as a ratio to the baseline measured
   just before, and each page's time with all votes against its time with few.
3. Prints the figures against the goals of issue 7 (markdown, for
   bench/RESULTS.md).

To benchmark a new page, add one line to ``pages()`` (search and the API
list go there once they exist).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from bench import baseline
from bench.generate import BENCH_SECRET, FEW_VOTES, PRESETS, Preset, add_votes, counts, generate
from bench.load import Request, RequestFactory, Result, run
from inhabithon import create_app
from inhabithon.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
CSRF_RAW = "b" * 40

# Goals from issue 7 (this 2-core machine, ratios to the baseline).
READ_RATIO_GOAL = 0.6
VOTE_RATIO_GOAL = 0.3
TAIL_GOAL = 3.0  # p99 at most this many times p50
GROWTH_GOAL = 1.2  # a page's time with all votes / with 1,000 votes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int, threads: int) -> Iterator[int]:
    """A gunicorn server with the production config on a free port."""
    port = _free_port()
    full_env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",  # no worker recycling in the middle of a measurement
        "GUNICORN_LOG_LEVEL": "warning",
        **env,
    }
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "python:inhabithon.gunicorn_conf", app_spec],
        cwd=ROOT,
        env=full_env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app_spec} did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class World:
    """What the URLs need, read from the generated database."""

    slug: str
    idea_id: int
    project_slug: str
    vote_ideas: list[int]
    fresh_voters: list[int]
    deep_cursor: str


def read_world(engine: sa.Engine) -> World:
    md = sa.MetaData()
    ch = sa.Table("challenges", md, autoload_with=engine)
    ideas = sa.Table("ideas", md, autoload_with=engine)
    projects = sa.Table("projects", md, autoload_with=engine)
    users = sa.Table("users", md, autoload_with=engine)
    ballots = sa.Table("ballots", md, autoload_with=engine)
    comments = sa.Table("comments", md, autoload_with=engine)
    with engine.connect() as conn:
        slugs = conn.execute(
            sa.select(ch.c.id, ch.c.slug)
            .where(ch.c.slug.like("bench-challenge-%"))
            .order_by(ch.c.id)
        ).all()
        first_id, slug = slugs[0]
        target = slugs[-1][0]
        ranked = conn.execute(
            sa.select(ideas.c.id, ideas.c.vote_count)
            .where(ideas.c.challenge_id == first_id)
            .order_by(ideas.c.vote_count.desc(), ideas.c.id.desc())
        ).all()
        deep = ranked[int(len(ranked) * 0.75)]
        hot = conn.scalar(
            sa.select(comments.c.idea_id)
            .group_by(comments.c.idea_id)
            .having(sa.func.count() == 100)
            .order_by(comments.c.idea_id)
            .limit(1)
        )
        project_slug = conn.scalar(sa.select(projects.c.slug).order_by(projects.c.id).limit(1))
        vote_ideas = conn.scalars(
            sa.select(ideas.c.id).where(ideas.c.challenge_id == target).order_by(ideas.c.id)
        ).all()
        voted = sa.select(ballots.c.user_id).where(ballots.c.challenge_id == target)
        fresh = conn.scalars(
            sa.select(users.c.id)
            .where(users.c.email.like("bench%"), users.c.id.not_in(voted))
            .order_by(users.c.id)
        ).all()
    return World(
        slug=slug,
        idea_id=int(hot),
        project_slug=str(project_slug),
        vote_ideas=list(vote_ideas),
        fresh_voters=list(fresh),
        deep_cursor=f"{deep.vote_count}.{deep.id}",
    )


class Signer:
    def __init__(self, url: str) -> None:
        app = create_app({"SECRET_KEY": BENCH_SECRET, "DATABASE_URL": url})
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.csrf = URLSafeTimedSerializer(BENCH_SECRET, salt="wtf-csrf-token").dumps(CSRF_RAW)

    def cookie(self, user_id: int) -> str:
        data = {"csrf_token": CSRF_RAW, "_user_id": f"{user_id}:1", "_fresh": True}
        return str(self.serializer.dumps(data))


def pages(world: World, signer: Signer) -> dict[str, RequestFactory]:
    """Every measured request, by name. One line per page."""
    voters = iter(world.fresh_voters)

    def vote(n: int) -> Request:
        user = next(voters)  # each resident votes once: every POST is a real new vote
        idea = world.vote_ideas[n % len(world.vote_ideas)]
        form = {"csrf_token": signer.csrf}
        return Request("POST", f"/ideas/{idea}/vote", form, signer.cookie(user), expect=303)

    return {
        "home": lambda n: Request("GET", "/"),
        "challenge, first page": lambda n: Request("GET", f"/challenges/{world.slug}"),
        "challenge, deep page": lambda n: Request(
            "GET", f"/challenges/{world.slug}?sort=votes&after={world.deep_cursor}"
        ),
        "idea, 100 comments": lambda n: Request("GET", f"/ideas/{world.idea_id}"),
        "project": lambda n: Request("GET", f"/projects/{world.project_slug}"),
        # "search": lambda n: Request("GET", "/search?q=b%C3%A4nkar"),  # issue 8
        # "API idea list": lambda n: Request("GET", f"/api/v1/challenges/{world.slug}/ideas"),
        "vote POST": vote,
    }


GROWTH_PAGES = ("challenge, first page", "challenge, deep page", "idea, 100 comments", "home")


@dataclass
class Settings:
    seconds: float
    connections: int
    workers: int
    threads: int


def measure(name: str, port: int, factory: RequestFactory, s: Settings) -> Result:
    result = run(name, port, factory, connections=s.connections, seconds=s.seconds)
    print(
        f"  {name:<24} {result.rps:8.1f} req/s  p50 {result.p50:7.1f} ms  "
        f"p99 {result.p99:7.1f} ms  errors {result.errors}"
        + (f" ({result.error_sample})" if result.error_sample else ""),
        flush=True,
    )
    return result


def check(port: int, request: Request) -> int:
    from bench.load import Connection

    conn = Connection(port)
    try:
        status, size = conn.send(request)
    finally:
        conn.close()
    if status != request.expect:
        raise SystemExit(f"{request.method} {request.path} answered {status}, not {request.expect}")
    return size


def benchmark(url: str, preset: Preset, s: Settings, regenerate: bool = True) -> str:
    started = dt.datetime.now(dt.UTC)
    if regenerate:
        print(f"Generating ({FEW_VOTES:,} votes first) ...", flush=True)
        t = time.monotonic()
        generate(url, preset, votes=FEW_VOTES)
        generation_seconds = time.monotonic() - t
    else:
        generation_seconds = 0.0
    engine = make_engine(url)
    signer = Signer(url)
    app_env = {
        "INHABITHON_ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "DATABASE_URL": url,
        "SECURE_COOKIES": "0",
        "RATELIMIT_ENABLED": "0",  # every request comes from 127.0.0.1
    }
    results: dict[str, dict[str, Result]] = {}
    with gunicorn("app:app", app_env, s.workers, s.threads) as app_port:
        world = read_world(engine)
        page_bytes = check(app_port, Request("GET", f"/challenges/{world.slug}"))
        base_db = Path(tempfile.mkdtemp(prefix="inhabithon-baseline-")) / "baseline.sqlite3"
        baseline.prepare(str(base_db), page_bytes)
        with gunicorn(
            "bench.baseline:app", {"BASELINE_DB": str(base_db)}, s.workers, s.threads
        ) as base_port:
            check(base_port, Request("GET", "/"))
            base = lambda n: Request("GET", "/")  # noqa: E731 - one line, like the pages
            table = pages(world, signer)
            print(f"Round 1: {FEW_VOTES:,} votes", flush=True)
            few = {"baseline": measure("baseline", base_port, base, s)}
            for name in GROWTH_PAGES:
                check(app_port, table[name](0))
                few[name] = measure(name, app_port, table[name], s)
            results["few"] = few

            print(f"Adding votes up to {preset.votes:,} ...", flush=True)
            t = time.monotonic()
            add_votes(engine, _layout_for(engine, preset), preset, FEW_VOTES, preset.votes)
            adding_seconds = time.monotonic() - t
            world = read_world(engine)
            table = pages(world, signer)
            print(f"Round 2: {preset.votes:,} votes", flush=True)
            many = {"baseline": measure("baseline", base_port, base, s)}
            for name, factory in table.items():
                if name != "vote POST":
                    check(app_port, factory(0))
                many[name] = measure(name, app_port, factory, s)
            many["baseline (again)"] = measure("baseline (again)", base_port, base, s)
            results["many"] = many
    totals = counts(url)
    engine.dispose()
    return report(
        url, preset, s, results, totals, started, generation_seconds, adding_seconds, page_bytes
    )


def _layout_for(engine: sa.Engine, preset: Preset):
    """The generator's layout, read back from the database."""
    from bench.generate import Layout

    md = sa.MetaData()
    ch = sa.Table("challenges", md, autoload_with=engine)
    ideas = sa.Table("ideas", md, autoload_with=engine)
    users = sa.Table("users", md, autoload_with=engine)
    with engine.connect() as conn:
        challenge_ids = list(
            conn.scalars(
                sa.select(ch.c.id).where(ch.c.slug.like("bench-challenge-%")).order_by(ch.c.id)
            )
        )
        by_challenge: dict[int, list[int]] = {c: [] for c in challenge_ids}
        for idea_id, challenge_id in conn.execute(
            sa.select(ideas.c.id, ideas.c.challenge_id)
            .where(ideas.c.challenge_id.in_(challenge_ids))
            .order_by(ideas.c.id)
        ):
            by_challenge[challenge_id].append(idea_id)
        user_ids = list(
            conn.scalars(
                sa.select(users.c.id).where(users.c.email.like("bench%")).order_by(users.c.id)
            )
        )
    return Layout(
        event_id=0,
        challenge_ids=challenge_ids,
        challenge_slugs=[],
        ideas_by_challenge=by_challenge,
        user_ids=user_ids,
        hot_idea_id=0,
        votes_target_challenge=challenge_ids[-1],
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(
    url: str,
    preset: Preset,
    s: Settings,
    results: dict[str, dict[str, Result]],
    totals: dict[str, int],
    started: dt.datetime,
    generation_seconds: float,
    adding_seconds: float,
    page_bytes: int,
) -> str:
    many, few = results["many"], results["few"]
    base = many["baseline"]
    lines = [
        f"Run of {started:%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{sa.make_url(url).get_backend_name()}).",
        f"Data: {', '.join(f'{v:,} {k}' for k, v in totals.items())}. "
        f"Generated in {generation_seconds:.0f} s "
        f"(+{adding_seconds:.0f} s for the votes after round 1).",
        f"Load: {s.connections} keep-alive connections, "
        f"{s.seconds:.0f} s per page after 1 s warm-up; "
        f"gunicorn {s.workers} workers x {s.threads} threads for both apps; "
        f"baseline page {page_bytes:,} bytes.",
        "",
        "| page | req/s | ratio to baseline | p50 ms | p99 ms | p99/p50 | goals |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in many.items():
        ratio = r.rps / base.rps if base.rps else float("nan")
        tail = r.p99 / r.p50 if r.p50 else float("nan")
        if name.startswith("baseline"):
            goals = ""
        else:
            goal = VOTE_RATIO_GOAL if name == "vote POST" else READ_RATIO_GOAL
            goals = (
                f"throughput ≥ {goal}: {_verdict(ratio >= goal)}; "
                f"tail ≤ {TAIL_GOAL:g}: {_verdict(tail <= TAIL_GOAL)}"
            )
            if r.errors:
                goals += f"; {r.errors} unexpected answers ({r.error_sample})"
        lines.append(
            f"| {name} | {r.rps:.1f} | {ratio:.2f} | {r.p50:.1f} | {r.p99:.1f} | {tail:.1f} "
            f"| {goals} |"
        )
    lines += [
        "",
        f"Same page, {preset.votes:,} votes against {FEW_VOTES:,} (p50; dividing by the "
        "ratio of the two rounds' baseline p50 removes the machine's drift):",
        "",
        f"| page | p50 ms, {FEW_VOTES:,} votes | p50 ms, {preset.votes:,} votes | raw ratio | "
        "baseline-adjusted ratio | goal ≤ 1.2 |",
        "|---|---:|---:|---:|---:|---|",
    ]
    drift = many["baseline"].p50 / few["baseline"].p50 if few["baseline"].p50 else 1.0
    for name in GROWTH_PAGES:
        raw = many[name].p50 / few[name].p50
        adjusted = raw / drift
        lines.append(
            f"| {name} | {few[name].p50:.1f} | {many[name].p50:.1f} | {raw:.2f} | {adjusted:.2f} | "
            f"{_verdict(adjusted <= GROWTH_GOAL)} |"
        )
    text = "\n".join(lines)
    print("\n" + text)
    return text


def default_url() -> str:
    pg = "postgresql+psycopg://postgres@127.0.0.1:5432/inhabithon_bench"
    try:
        import psycopg

        psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3
        ).close()
    except Exception:
        return f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"
    return pg


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Inhabithon benchmark (issue 7).")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    url = args.database_url or default_url()
    settings = Settings(args.seconds, args.connections, args.workers, args.threads)
    text = benchmark(url, PRESETS[args.preset], settings)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
