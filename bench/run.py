"""The benchmark: ``make bench`` (full preset) or ``make bench-quick`` (small).

    python -m bench.run --preset full --database-url postgresql+psycopg://postgres@127.0.0.1:5432/inhabithon_bench

1. Generates the data set with 1,000 votes, copies that database (the
   "few votes" twin), then adds the rest of the votes to the original
   (2,000,000 in the full preset).
2. Serves both databases and the baseline (bench/baseline.py) with gunicorn
   on loopback, with the production config.
3. Measures every page against the baseline, and the growth pages on the two
   twins, in alternating slices (A B A B ...), so the shared machine's drift
   hits both sides of every ratio alike: requests/s, p50, p99.
4. Prints the figures against the goals of issue 7 (markdown, for
   bench/RESULTS.md).

To benchmark a new page, add one line to ``pages()``.
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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer

from bench import baseline, wrk
from bench.generate import BENCH_SECRET, FEW_VOTES, PRESETS, Preset, add_votes, counts, generate
from bench.load import AGENT, Request, RequestFactory, Result
from bench.load import run as python_run
from inhabithon import create_app
from inhabithon.db import make_engine
from inhabithon.gunicorn_conf import default_workers

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
FLASK = Path(sys.executable).with_name("flask")
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
def gunicorn(
    app_spec: str, env: dict[str, str], workers: int, threads: int, cwd: Path = ROOT
) -> Iterator[int]:
    """A gunicorn server with the production config on a free port, serving the
    code in ``cwd`` (default: this checkout)."""
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
        cwd=cwd,
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


@contextmanager
def refresher(env: dict[str, str]) -> Iterator[None]:
    """``flask pages refresh --loop`` beside the app's servers, as in production
    when they share their pages through Redis (nothing without REDIS_URL)."""
    if "REDIS_URL" not in env:
        yield
        return
    process = subprocess.Popen(
        [str(FLASK), "--app", "app", "pages", "refresh", "--loop"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(30)


@dataclass
class World:
    """What the URLs need, read from the generated database."""

    slug: str
    idea_id: int
    project_slug: str
    vote_ideas: list[int]
    fresh_voters: list[int]
    deep_cursor: str
    reader: int  # a resident who reads the pages logged in (and never votes in the run)
    guide: int  # a guide: holds a role, so every page is rendered for them


def read_world(engine: sa.Engine) -> World:
    md = sa.MetaData()
    ch = sa.Table("challenges", md, autoload_with=engine)
    ideas = sa.Table("ideas", md, autoload_with=engine)
    projects = sa.Table("projects", md, autoload_with=engine)
    users = sa.Table("users", md, autoload_with=engine)
    ballots = sa.Table("ballots", md, autoload_with=engine)
    comments = sa.Table("comments", md, autoload_with=engine)
    roles = sa.Table("user_roles", md, autoload_with=engine)
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
        with_roles = sa.select(roles.c.user_id)
        fresh = conn.scalars(
            sa.select(users.c.id)
            .where(
                users.c.email.like("bench%"),
                users.c.id.not_in(voted),
                users.c.id.not_in(with_roles),
            )
            .order_by(users.c.id)
        ).all()
        guide = conn.scalar(
            sa.select(users.c.id)
            .join(roles, roles.c.user_id == users.c.id)
            .where(users.c.email.like("bench%"), roles.c.role == "guide")
            .order_by(users.c.id)
            .limit(1)
        )
    return World(
        slug=slug,
        idea_id=int(hot),
        project_slug=str(project_slug),
        vote_ideas=list(vote_ideas),
        fresh_voters=list(fresh[:-1]),
        deep_cursor=f"{deep.vote_count}.{deep.id}",
        reader=int(fresh[-1]),
        guide=int(guide),
    )


class Signer:
    def __init__(self, url: str) -> None:
        # Rate limits off, as in the measured apps: Flask-Limiter's limiter is one
        # object per process, set up by the last app built, and bench.cpu builds its
        # app before this one (which turned limits on there, in memory: +1 ms a vote).
        app = create_app(
            {"SECRET_KEY": BENCH_SECRET, "DATABASE_URL": url, "RATELIMIT_ENABLED": False}
        )
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.csrf = URLSafeTimedSerializer(BENCH_SECRET, salt="wtf-csrf-token").dumps(CSRF_RAW)

        # What Flask-Login keeps in the session at login: the address and agent it
        # came from (the clients send AGENT from loopback). Without it, every
        # request turned the session "not fresh" and so rewrote the cookie (runs
        # before 18), which a browser's session, logged in with it, never does.
        with app.test_request_context(
            headers={"User-Agent": AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
        ):
            self.identifier = _create_identifier()

    def cookie(self, user_id: int) -> str:
        # "_seen" (the session's last use, rewritten once a minute) a day ahead: a load
        # client sends one cookie for the whole run, while a browser keeps the rewritten
        # one, so that its session is not written again at every request.
        seen = int(time.time()) + 24 * 3600
        data = {
            "csrf_token": CSRF_RAW,
            "_user_id": f"{user_id}:1",
            "_fresh": True,
            "_id": self.identifier,
            "_seen": seen,
        }
        return str(self.serializer.dumps(data))


READERS = ("visitor", "resident", "guide")


def pages(world: World, signer: Signer, reader: str = "visitor") -> dict[str, RequestFactory]:
    """Every measured request, by name. One line per page.

    Read pages are asked for by ``reader``: a "visitor" who is not logged in and a
    logged-in "resident" are served the copies kept for every visitor and every
    resident (inhabithon/pagecache; the resident's with their personal parts
    filled in), a "guide" holds a role and gets every page rendered afresh."""
    cookie = {
        "visitor": None,
        "resident": signer.cookie(world.reader),
        "guide": signer.cookie(world.guide),
    }[reader]

    def get(path: str) -> Request:
        return Request("GET", path, cookie=cookie)

    return {
        "home": lambda n: get("/"),
        "challenge, first page": lambda n: get(f"/challenges/{world.slug}"),
        "challenge, deep page": lambda n: get(
            f"/challenges/{world.slug}?sort=votes&after={world.deep_cursor}"
        ),
        "idea, 100 comments": lambda n: get(f"/ideas/{world.idea_id}"),
        "project": lambda n: get(f"/projects/{world.project_slug}"),
        "search": lambda n: get("/search?q=b%C3%A4nkar"),
        "API idea list": lambda n: Request("GET", f"/api/v1/ideas?challenge={world.slug}"),
        "vote POST": Votes(world, signer),
    }


class Votes:
    """Vote POSTs, each by a resident who has not voted in the challenge yet (every
    POST is a real new vote). A load client that prepares more than it sends gives
    the rest back (``give_back``) to be sent first next time."""

    def __init__(self, world: World, signer: Signer) -> None:
        self.voters = iter(world.fresh_voters)
        self.ideas = world.vote_ideas
        self.signer = signer
        self.spare: list[Request] = []

    def __call__(self, n: int) -> Request:
        if self.spare:
            return self.spare.pop()
        user = next(self.voters)
        idea = self.ideas[n % len(self.ideas)]
        form = {"csrf_token": self.signer.csrf}
        return Request("POST", f"/ideas/{idea}/vote", form, self.signer.cookie(user), expect=303)

    def give_back(self, unused: list[Request]) -> None:
        self.spare.extend(reversed(unused))


GROWTH_PAGES = ("challenge, first page", "challenge, deep page", "idea, 100 comments", "home")
# Pages that a logged-in resident sees differently (the API answers everyone alike).
LIVE_PAGES = (
    "home",
    "challenge, first page",
    "challenge, deep page",
    "idea, 100 comments",
    "project",
    "search",
)


@dataclass
class Settings:
    seconds: float
    connections: int
    workers: int
    threads: int
    slices: int = 5
    only: tuple[str, ...] = ()  # page names to measure; empty: all
    client: str = "wrk"  # the load client: "wrk" (bench/wrk.py) or "python" (bench/load.py)

    def wants(self, name: str) -> bool:
        return not self.only or name in self.only


def merge(name: str, parts: list[Result]) -> Result:
    return Result(
        name=name,
        requests=sum(p.requests for p in parts),
        errors=sum(p.errors for p in parts),
        seconds=sum(p.seconds for p in parts),
        latencies=[x for p in parts for x in p.latencies],
        bytes_per_response=max(p.bytes_per_response for p in parts),
        error_sample=next((p.error_sample for p in parts if p.error_sample), ""),
    )


def interleaved(
    targets: dict[str, tuple[int, RequestFactory]], s: Settings, connections: int = 0
) -> dict[str, Result]:
    """Measure the targets in alternating slices (A B A B ...), ``s.seconds`` in
    all for each, so that the shared machine's drift hits them alike; over
    ``connections`` at once (default: ``s.connections``)."""
    parts: dict[str, list[Result]] = {name: [] for name in targets}
    per_slice = s.seconds / s.slices
    run = wrk.run if s.client == "wrk" else python_run
    for _ in range(s.slices):
        for name, (port, factory) in targets.items():
            parts[name].append(
                run(
                    name,
                    port,
                    factory,
                    connections=connections or s.connections,
                    seconds=per_slice,
                    warmup=0.3,
                )
            )
    results = {name: merge(name, p) for name, p in parts.items()}
    for r in results.values():
        print(
            f"  {r.name:<32} {r.rps:8.1f} req/s  p50 {r.p50:7.1f} ms  "
            f"p99 {r.p99:7.1f} ms  errors {r.errors}"
            + (f" ({r.error_sample})" if r.error_sample else ""),
            flush=True,
        )
    return results


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


def warm_up(port: int, factory: RequestFactory, times: int = 10) -> None:
    """Compile templates and fill caches before anything is measured."""
    for n in range(times):
        check(port, factory(n))


def copy_database(url: str, suffix: str) -> str:
    """A copy of the database at ``url`` (PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
    u = sa.make_url(url)
    if u.get_backend_name() == "postgresql":
        name = f"{u.database}{suffix}"
        admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{u.database}"'))
        admin.dispose()
        return u.set(database=name).render_as_string(hide_password=False)
    from inhabithon.migrate import backup_sqlite

    assert u.database
    target = Path(u.database).with_name(Path(u.database).stem + suffix + ".sqlite3")
    for extra in ("-wal", "-shm"):
        Path(str(target) + extra).unlink(missing_ok=True)
    backup_sqlite(url, target)
    return f"sqlite:///{target}"


BENCH_REDIS = "redis://127.0.0.1:6379/6"


def redis_answers() -> bool:
    import redis

    client = redis.Redis.from_url(BENCH_REDIS, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def app_env(url: str) -> dict[str, str]:
    """Production settings; with Redis when it answers, as several app servers run."""
    env = {
        "INHABITHON_ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "DATABASE_URL": url,
        "SECURE_COOKIES": "0",
        "RATELIMIT_ENABLED": "0",  # every request comes from 127.0.0.1
    }
    if redis_answers():
        # Each database's servers their own keys (shared pages must not mix).
        env["REDIS_URL"] = BENCH_REDIS
        env["RATELIMIT_KEY_PREFIX"] = f"inhabithon-bench-{uuid.uuid4().hex[:12]}"
    return env


def benchmark(url: str, preset: Preset, s: Settings) -> str:
    started = dt.datetime.now(dt.UTC)
    print(f"Generating the {preset.votes:,}-vote data set ({FEW_VOTES:,} votes first) ...")
    t = time.monotonic()
    generate(url, preset, votes=FEW_VOTES)
    few_url = copy_database(url, "_few")  # the same data with 1,000 votes, kept apart
    engine = make_engine(url)
    add_votes(engine, _layout_for(engine, preset), preset, FEW_VOTES, preset.votes)
    generation_seconds = time.monotonic() - t
    few_engine = make_engine(few_url)
    signer = Signer(url)
    env = app_env(url)
    with (
        gunicorn("app:app", env, s.workers, s.threads) as app_port,
        refresher(env),
        gunicorn("app:app", app_env(few_url), s.workers, s.threads) as few_port,
    ):
        world = read_world(engine)
        few_world = read_world(few_engine)
        page_bytes = check(app_port, Request("GET", f"/challenges/{world.slug}"))
        table = pages(world, signer)
        residents = pages(world, signer, "resident")
        live = pages(world, signer, "guide")
        # The growth pages are rendered afresh (for a guide): the page cache would
        # hide what the number of votes does to a page.
        few_live = pages(few_world, signer, "guide")
        sizes: dict[tuple[str, str], int] = {}  # (reader, page): its bytes
        for name, factory in table.items():
            if name != "vote POST" and s.wants(name):
                warm_up(app_port, factory)
                warm_up(app_port, residents[name])
                warm_up(app_port, live[name])
                if name in GROWTH_PAGES:
                    warm_up(few_port, few_live[name])
                for reader, factories in (("visitor", table), ("resident", residents)):
                    sizes[reader, name] = check(app_port, factories[name](0))
                sizes["guide", name] = check(app_port, live[name](0))
        base_db = Path(tempfile.mkdtemp(prefix="inhabithon-baseline-")) / "baseline.sqlite3"
        baseline.prepare(str(base_db), page_bytes, sizes.values())
        base_env = {"BASELINE_DB": str(base_db)}
        with gunicorn("bench.baseline:app", base_env, s.workers, s.threads) as base_port:
            base = lambda n: Request("GET", "/")  # noqa: E731 - one line, like the pages
            warm_up(base_port, base)

            def compared(reader: str, name: str, factory: RequestFactory) -> Compared:
                """The page in alternating slices with the baseline's page of the
                challenge page's size and (a read page) the one of its own size."""
                targets = {"baseline": (base_port, base)}
                size = sizes.get((reader, name))
                if size is not None:
                    same = lambda n: Request("GET", f"/{size}")  # noqa: E731
                    warm_up(base_port, same)
                    targets["baseline, same size"] = (base_port, same)
                r = interleaved({**targets, name: (app_port, factory)}, s)
                return Compared(r[name], r["baseline"], r.get("baseline, same size"), size)

            print(f"Every page against the baseline ({preset.votes:,} votes):", flush=True)
            against = {
                name: compared("visitor", name, factory)
                for name, factory in table.items()
                if s.wants(name)
            }
            print("The read pages as a logged-in resident:", flush=True)
            logged_in = {
                name: compared("resident", name, factory)
                for name, factory in residents.items()
                if name in LIVE_PAGES and s.wants(name)
            }
            print("The read pages rendered afresh (a guide):", flush=True)
            rendered = {
                name: compared("guide", name, factory)
                for name, factory in live.items()
                if name in LIVE_PAGES and s.wants(name)
            }

            print(f"The same pages with {FEW_VOTES:,} and {preset.votes:,} votes:", flush=True)
            growth: dict[str, tuple[Result, Result]] = {}
            for name in filter(s.wants, GROWTH_PAGES):
                r = interleaved(
                    {
                        f"{name} ({FEW_VOTES:,})": (few_port, few_live[name]),
                        f"{name} ({preset.votes:,})": (app_port, live[name]),
                    },
                    s,
                    connections=1,  # the page's own time, not its time in a queue
                )
                growth[name] = (r[f"{name} ({FEW_VOTES:,})"], r[f"{name} ({preset.votes:,})"])
    totals = counts(url)
    engine.dispose()
    few_engine.dispose()
    return report(
        url,
        preset,
        s,
        against,
        logged_in,
        rendered,
        growth,
        totals,
        started,
        generation_seconds,
        page_bytes,
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


def _client(s: Settings) -> str:
    if s.client == "wrk":
        version = subprocess.run([str(wrk.WRK), "-v"], capture_output=True, text=True).stdout
        return f"{' '.join(version.split()[:2])} (1 thread)"
    return "the Python load client (bench/load.py)"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


@dataclass
class Compared:
    """A page's result, the baseline's page of the challenge page's size measured
    alongside, and (a read page) the baseline's page of the page's own size."""

    page: Result
    base: Result
    same_size: Result | None
    size: int | None

    @property
    def ratio(self) -> float:
        return self.page.rps / self.base.rps if self.base.rps else float("nan")

    @property
    def same_size_ratio(self) -> float | None:
        if self.same_size is None:
            return None
        return self.page.rps / self.same_size.rps if self.same_size.rps else float("nan")

    @property
    def judged(self) -> float:
        """The ratio the goal is judged by: to a baseline page of the same size
        (issue 7), where there is one (not for a vote's redirect)."""
        same = self.same_size_ratio
        return self.ratio if same is None else same


def _against_table(rows: dict[str, Compared]) -> list[str]:
    lines = [
        "| page | bytes | req/s | baseline req/s, same size | ratio | "
        "baseline req/s, challenge page's size | ratio | p50 ms | p99 ms | p99/p50 | goals |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, c in rows.items():
        r = c.page
        tail = r.p99 / r.p50 if r.p50 else float("nan")
        goal = VOTE_RATIO_GOAL if name == "vote POST" else READ_RATIO_GOAL
        goals = (
            f"≥ {goal} of baseline: {_verdict(c.judged >= goal)}; "
            f"p99 ≤ {TAIL_GOAL:g} × p50: {_verdict(tail <= TAIL_GOAL)}"
        )
        if r.errors:
            goals += f"; {r.errors} unexpected answers ({r.error_sample})"
        same = (
            f"{c.same_size.rps:.1f} | {c.same_size_ratio:.2f}"
            if c.same_size is not None
            else "– | –"
        )
        size = f"{c.size:,}" if c.size is not None else "–"
        lines.append(
            f"| {name} | {size} | {r.rps:.1f} | {same} | {c.base.rps:.1f} | {c.ratio:.2f} "
            f"| {r.p50:.1f} | {r.p99:.1f} | {tail:.1f} | {goals} |"
        )
    return lines


def report(
    url: str,
    preset: Preset,
    s: Settings,
    against: dict[str, Compared],
    logged_in: dict[str, Compared],
    rendered: dict[str, Compared],
    growth: dict[str, tuple[Result, Result]],
    totals: dict[str, int],
    started: dt.datetime,
    generation_seconds: float,
    page_bytes: int,
) -> str:
    lines = [
        f"Run of {started:%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{sa.make_url(url).get_backend_name()}).",
        f"Data: {', '.join(f'{v:,} {k}' for k, v in totals.items())}; "
        f"generated in {generation_seconds:.0f} s.",
        f"Load: {_client(s)}, {s.connections} connections; each figure is {s.seconds:.0f} s of "
        f"requests in {s.slices} slices alternating with what it is compared to; "
        f"gunicorn {s.workers} {'sync' if s.threads == 1 else 'gthread'} workers "
        f"x {s.threads} threads for every app (inhabithon/gunicorn_conf.py); "
        f"baseline pages of {page_bytes:,} bytes (the challenge page's size) and of each "
        "read page's own size; "
        + (
            "Redis (REDIS_URL) shared by the app's workers, as on several servers, "
            "and the page refresher (flask pages refresh --loop) beside them."
            if redis_answers()
            else "no Redis: each worker keeps its own page cache."
        ),
        "",
        "Read pages as a visitor who is not logged in (served from the page cache, "
        "PAGE_CACHE_SECONDS as in production), the API list, and vote POSTs by logged-in "
        "residents:",
        "",
        *_against_table(against),
        "",
        "The same read pages as a logged-in resident (the copy kept for every resident, "
        "with this resident's personal parts filled in at each request):",
        "",
        *_against_table(logged_in),
        "",
        "The same read pages rendered afresh for every request (a guide, who holds a role; "
        "not a goal of the issue, shown for what a render costs):",
        "",
        *_against_table(rendered),
    ]
    compared = [*against.values(), *logged_in.values(), *rendered.values()]
    bases = [c.base for c in compared] + [c.same_size for c in compared if c.same_size]
    base_tails = [b.p99 / b.p50 for b in bases if b.p50]
    base_tails = base_tails or [float("nan")]
    lines += [
        "",
        f"The baseline's own p99/p50 in these runs: {min(base_tails):.1f} to "
        f"{max(base_tails):.1f}.",
        "",
        f"The same page with {preset.votes:,} votes and with {FEW_VOTES:,} (two copies of the "
        "data, served side by side, measured in alternating slices; as a guide, so that every "
        "request renders the page; one request at a time, so that p50 is the page's own time "
        "and not its wait in a queue):",
        "",
        f"| page | p50 ms, {FEW_VOTES:,} votes | p50 ms, {preset.votes:,} votes | ratio | "
        f"req/s ratio | time ≤ {GROWTH_GOAL} × |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, (few, many) in growth.items():
        ratio = many.p50 / few.p50 if few.p50 else float("nan")
        rps_ratio = few.rps / many.rps if many.rps else float("nan")
        lines.append(
            f"| {name} | {few.p50:.1f} | {many.p50:.1f} | {ratio:.2f} | {rps_ratio:.2f} | "
            f"{_verdict(ratio <= GROWTH_GOAL)} |"
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
    parser.add_argument("--slices", type=int, default=5, help="alternations per comparison")
    parser.add_argument(
        "--workers",
        type=int,
        help="per server (default: as in production, gunicorn_conf.default_workers)",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the markdown report here")
    parser.add_argument(
        "--only", action="append", default=[], metavar="PAGE", help="measure only this page"
    )
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk" if wrk.WRK else "python",
        help="the load client (default: wrk when it is installed)",
    )
    args = parser.parse_args(argv)
    url = args.database_url or default_url()
    settings = Settings(
        args.seconds,
        args.connections,
        args.workers or default_workers(url),
        args.threads,
        args.slices,
        tuple(args.only),
        args.client,
    )
    text = benchmark(url, PRESETS[args.preset], settings)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
