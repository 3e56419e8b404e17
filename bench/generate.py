"""Build a large Inhabithon data set quickly, with bulk inserts.

    python -m bench.generate --preset full  --database-url postgresql+psycopg://...
    python -m bench.generate --preset small --database-url sqlite:///instance/bench.sqlite3

The database is emptied and migrated, the demo is loaded (it brings projects
and a realistic home page), then the preset's rows are written with COPY on
PostgreSQL or SQLAlchemy Core executemany on SQLite. Counters (votes and
comments per idea, ideas per challenge, ballots' used votes) are computed
while generating, so they equal the rows, as the app keeps them.

Votes go in two stages so a benchmark can measure the same pages with few
votes and then with all of them: ``generate(..., votes=1000)`` then
``add_votes(...)`` up to the preset's total.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from inhabithon import create_app, models  # noqa: F401 - models fill the metadata
from inhabithon.accounts.services import canonical_email
from inhabithon.db import Base, make_engine
from inhabithon.migrate import upgrade

BENCH_SECRET = "benchmark-secret-key-long-enough-for-production-rules"  # noqa: S105 - benchmark only


@dataclass(frozen=True)
class Preset:
    users: int
    challenges: int
    ideas: int
    comments: int
    votes: int
    votes_per_challenge: int = 4  # per voter; the budget is one more


PRESETS = {
    "full": Preset(users=50_000, challenges=50, ideas=20_000, comments=200_000, votes=2_000_000),
    "small": Preset(users=2_000, challenges=10, ideas=1_000, comments=10_000, votes=20_000),
}
VOCABULARY = (  # noqa: SIM905 - easier to read as a sentence
    "bänkar torget cykelbanor ljus trygghet skolväg träd park lekplats buss hållplats grönska "
    "mötesplats bibliotek kvällar unga äldre tillgänglig ramp skugga vatten odling gemenskap "
    "konst musik scen marknad gångväg belysning säkerhet"
).split()
HOT_COMMENTS = 100  # the idea page measured has exactly this many comments
FEW_VOTES = 1_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


def reset_database(url: str) -> None:
    """An empty database at ``url``: PostgreSQL is dropped and created again."""
    u = sa.make_url(url)
    if u.get_backend_name() == "postgresql":
        admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{u.database}"'))
        admin.dispose()
    elif u.database:
        from pathlib import Path

        for suffix in ("", "-wal", "-shm"):
            Path(u.database + suffix).unlink(missing_ok=True)
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)


class Writer:
    """Bulk inserts: COPY on PostgreSQL, executemany in chunks on SQLite."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def insert(self, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        if self.postgres:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cols = ", ".join(columns)
                with cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                raw.commit()
            finally:
                raw.close()
            return count
        tbl = table(name)
        chunk: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            for row in rows:
                # The columns' UTCDateTime type wants aware datetimes.
                values = [
                    v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) else v for v in row
                ]
                chunk.append(dict(zip(columns, values, strict=True)))
                if len(chunk) == 20_000:
                    conn.execute(sa.insert(tbl), chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                conn.execute(sa.insert(tbl), chunk)
                count += len(chunk)
        return count

    def max_id(self, name: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.max(table(name).c.id))) or 0)

    def fix_sequences(self, *names: str) -> None:
        if not self.postgres:
            return
        with self.engine.begin() as conn:
            for name in names:
                conn.execute(
                    sa.text(  # table names from this module, never from input
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                        f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                    )
                )

    def analyze(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE" if self.postgres else "ANALYZE"))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


@dataclass
class Layout:
    """Where things are: what the benchmark needs to know to build its URLs."""

    event_id: int
    challenge_ids: list[int]  # the last one gets no generated votes: vote POSTs go there
    challenge_slugs: list[str]
    ideas_by_challenge: dict[int, list[int]]
    user_ids: list[int]
    hot_idea_id: int
    votes_target_challenge: int


def generate(url: str, preset: Preset, votes: int | None = None, seed: int = 7) -> Layout:
    """Empty the database, migrate, load the demo, then bulk-insert the preset
    (with ``votes`` votes if given, else the preset's total)."""
    reset_database(url)
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": BENCH_SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from inhabithon.db import db
        from inhabithon.demo.loader import load_demo

        load_demo()
        db.session.commit()
    app.extensions["inhabithon_db"].engine.dispose()

    engine = make_engine(url)
    w = Writer(engine)
    rng = random.Random(seed)
    now = _now()
    started = time.monotonic()

    # Users: one shared password hash (hashing 50,000 passwords is not the point).
    from inhabithon.accounts.services import hash_password

    password_hash = hash_password("benchmark password, not a secret")
    first_user = w.max_id("users") + 1
    user_ids = list(range(first_user, first_user + preset.users))
    w.insert(
        "users",
        (
            "id",
            "email",
            "email_canonical",
            "display_name",
            "password_hash",
            "locale",
            "created_at",
            "email_verified_at",
            "session_version",
        ),
        (
            (
                uid,
                f"bench{uid}@example.org",
                canonical_email(f"bench{uid}@example.org"),
                f"Invånare {uid}",
                password_hash,
                "sv",
                now - dt.timedelta(days=60),
                now,
                1,
            )
            for uid in user_ids
        ),
    )
    # One guide: a reader with a role beyond resident, who always gets pages rendered
    # for them (the benchmark's fresh renders; inhabithon/pagecache).
    w.insert("user_roles", ("user_id", "role", "granted_at"), [(user_ids[-1], "guide", now)])

    # One event; every challenge open for votes, counts always visible.
    event_id = w.max_id("events") + 1
    w.insert(
        "events",
        (
            "id",
            "slug",
            "name",
            "place",
            "starts_at",
            "ends_at",
            "description_md",
            "description_html",
            "language",
            "created_at",
            "updated_at",
        ),
        [
            (
                event_id,
                "bench-inhabithon",
                "Benchmark Inhabithon",
                "Malmö",
                now - dt.timedelta(days=20),
                now + dt.timedelta(days=40),
                "",
                "",
                "sv",
                now,
                now,
            )
        ],
    )
    first_challenge = w.max_id("challenges") + 1
    challenge_ids = list(range(first_challenge, first_challenge + preset.challenges))
    slugs = [f"bench-challenge-{i + 1}" for i in range(preset.challenges)]
    ideas_per_challenge = preset.ideas // preset.challenges
    budget = preset.votes_per_challenge + 1
    w.insert(
        "challenges",
        (
            "id",
            "event_id",
            "slug",
            "title",
            "category",
            "summary",
            "description_md",
            "description_html",
            "language",
            "is_published",
            "submissions_open_at",
            "voting_open_at",
            "jury_review_at",
            "vote_budget",
            "voters_registered_before_voting",
            "vote_visibility",
            "idea_count",
            "created_at",
            "updated_at",
        ),
        (
            (
                cid,
                event_id,
                slugs[n],
                f"Utmaning {n + 1}: {_text(rng, 4)}",
                "Trygghet",
                _text(rng, 20),
                _text(rng, 80),
                f"<p>{_text(rng, 80)}</p>",
                "sv",
                True,
                now - dt.timedelta(days=10),
                now - dt.timedelta(days=1),
                now + dt.timedelta(days=30),
                budget,
                False,
                "always",
                ideas_per_challenge,
                now,
                now,
            )
            for n, cid in enumerate(challenge_ids)
        ),
    )

    # Ideas, spread evenly over the challenges, by random authors.
    first_idea = w.max_id("ideas") + 1
    ideas_by_challenge: dict[int, list[int]] = {}
    idea_rows = []
    idea_id = first_idea
    for n, cid in enumerate(challenge_ids):
        ids = []
        for k in range(ideas_per_challenge):
            created = now - dt.timedelta(days=9, seconds=-(n * ideas_per_challenge + k) * 7)
            body = _text(rng, 120)
            idea_rows.append(
                [
                    idea_id,
                    cid,
                    rng.choice(user_ids),
                    f"Idé {idea_id}: {_text(rng, 5)}",
                    _text(rng, 25),
                    body,
                    f"<p>{body}</p>",
                    "sv",
                    "name",
                    "direct",
                    "published",
                    0,
                    0,
                    0,
                    created,
                    created,
                ]
            )
            ids.append(idea_id)
            idea_id += 1
        ideas_by_challenge[cid] = ids

    # Comments: the hot idea (challenge 1's first) gets exactly HOT_COMMENTS,
    # a quarter of them replies; the rest go to random ideas.
    hot_idea = ideas_by_challenge[challenge_ids[0]][0]
    other_ideas = [i for ids in ideas_by_challenge.values() for i in ids if i != hot_idea]
    comment_counts: Counter[int] = Counter()
    first_comment = w.max_id("comments") + 1

    def comment_rows() -> Iterator[tuple[Any, ...]]:
        cid = first_comment
        top: list[int] = []
        for k in range(min(HOT_COMMENTS, preset.comments)):
            parent = top[k % len(top)] if k % 4 == 3 and top else None
            if parent is None:
                top.append(cid)
            comment_counts[hot_idea] += 1
            body = _text(rng, 40)
            created = now - dt.timedelta(hours=HOT_COMMENTS - k)
            yield (
                cid,
                hot_idea,
                rng.choice(user_ids),
                "direct",
                parent,
                body,
                f"<p>{body}</p>",
                "sv",
                "name",
                "published",
                0,
                created,
                created,
            )
            cid += 1
        for _ in range(preset.comments - HOT_COMMENTS):
            target = rng.choice(other_ideas)
            comment_counts[target] += 1
            body = _text(rng, 40)
            created = now - dt.timedelta(seconds=rng.randrange(9 * 86400))
            yield (
                cid,
                target,
                rng.choice(user_ids),
                "direct",
                None,
                body,
                f"<p>{body}</p>",
                "sv",
                "name",
                "published",
                0,
                created,
                created,
            )
            cid += 1

    comment_columns = (
        "id",
        "idea_id",
        "author_id",
        "origin",
        "parent_id",
        "body_md",
        "body_html",
        "language",
        "author_display",
        "status",
        "flag_count",
        "created_at",
        "updated_at",
    )
    # Comment counts must be known before the ideas are written: build the rows first.
    comments = list(comment_rows())
    for row in idea_rows:
        row[13] = comment_counts[row[0]]
    w.insert(
        "ideas",
        (
            "id",
            "challenge_id",
            "author_id",
            "title",
            "summary",
            "body_md",
            "body_html",
            "language",
            "author_display",
            "origin",
            "status",
            "flag_count",
            "vote_count",
            "comment_count",
            "created_at",
            "updated_at",
        ),
        idea_rows,
    )
    w.insert("comments", comment_columns, comments)
    del comments
    w.fix_sequences("users", "events", "challenges", "ideas", "comments")
    layout = Layout(
        event_id=event_id,
        challenge_ids=challenge_ids,
        challenge_slugs=slugs,
        ideas_by_challenge=ideas_by_challenge,
        user_ids=user_ids,
        hot_idea_id=hot_idea,
        votes_target_challenge=challenge_ids[-1],
    )
    print(f"  base data written in {time.monotonic() - started:.1f} s", flush=True)
    add_votes(engine, layout, preset, 0, preset.votes if votes is None else votes, seed)
    engine.dispose()
    return layout


def _voters(layout: Layout, preset: Preset) -> Iterator[tuple[int, int]]:
    """(user, challenge) ballots in a fixed order: each user votes in
    consecutive challenges (never the last, kept for the vote POSTs)."""
    voting = layout.challenge_ids[:-1]
    k = preset.votes_per_challenge
    per_user = min(-(-preset.votes // (preset.users * k)), len(voting))
    for n, uid in enumerate(layout.user_ids):
        for j in range(per_user):
            yield uid, voting[(n + j) % len(voting)]


def add_votes(
    engine: sa.Engine, layout: Layout, preset: Preset, start: int, stop: int, seed: int = 7
) -> None:
    """Votes number ``start`` to ``stop`` (0-based, multiples of the votes per
    ballot) of the preset's fixed order, with their ballots; idea counters
    moved to match. Written in chunks, so memory stays small."""
    k = preset.votes_per_challenge
    if start % k or stop % k:
        raise ValueError(f"vote ranges go by whole ballots of {k} votes")
    if stop <= start:
        return
    began = time.monotonic()
    w = Writer(engine)
    rng = random.Random(seed + start)
    now = _now()
    next_vote = w.max_id("votes") + 1
    per_idea: Counter[int] = Counter()
    ballots = list(itertools.islice(_voters(layout, preset), start // k, stop // k))
    if len(ballots) * k < stop - start:
        raise RuntimeError("the preset asks for more votes than its users can cast")
    for chunk_start in range(0, len(ballots), 20_000):
        chunk = ballots[chunk_start : chunk_start + 20_000]
        rows = []
        for uid, cid in chunk:
            for idea in rng.sample(layout.ideas_by_challenge[cid], k):
                per_idea[idea] += 1
                rows.append(
                    (next_vote, uid, idea, cid, now - dt.timedelta(seconds=rng.randrange(86400)))
                )
                next_vote += 1
        w.insert(
            "ballots",
            ("user_id", "challenge_id", "budget", "used"),
            [(u, c, k + 1, k) for u, c in chunk],
        )
        w.insert("votes", ("id", "user_id", "idea_id", "challenge_id", "created_at"), rows)
    ideas = table("ideas")
    with engine.begin() as conn:
        conn.execute(
            ideas.update()
            .where(ideas.c.id == sa.bindparam("idea"))
            .values(vote_count=ideas.c.vote_count + sa.bindparam("step")),
            [{"idea": i, "step": n} for i, n in per_idea.items()],
        )
    w.fix_sequences("votes")
    w.analyze()
    print(f"  votes {start:,}..{stop:,} written in {time.monotonic() - began:.1f} s", flush=True)


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        result = {
            name: int(conn.scalar(sa.select(sa.func.count()).select_from(table(name))) or 0)
            for name in ("users", "challenges", "ideas", "comments", "votes", "ballots")
        }
    engine.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--votes", type=int, help="only this many votes (default: the preset's)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    generate(args.database_url, PRESETS[args.preset], args.votes)
    print(f"Generated in {time.monotonic() - started:.1f} s: {counts(args.database_url)}")


if __name__ == "__main__":
    main()
