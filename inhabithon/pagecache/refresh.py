"""The refresher, ``flask pages refresh --loop``: busy pages rendered again before they expire.

A render under load takes 100 ms to a second, and everyone queued behind it on
that worker waits as long (the kept pages' p99, bench/RESULTS.md run 9). So one
process beside the app servers (more are harmless) renders the busy pages again
shortly before their shared copies expire, and no reader waits for a render of a
page that many are reading. A page counts as busy when a worker took it from
Redis (a copy another worker rendered) within the last ``PAGE_CACHE_SECONDS``;
one asked for once is never rendered again, so a flood of distinct addresses
costs no extra render.
"""

from __future__ import annotations

import os
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from inhabithon.pagecache import EXTENSION, REFRESH, RESIDENT, VISITOR
from inhabithon.pagecache.store import PageCache

REFRESH_LIMIT = 200  # pages rendered again per round at most (the busiest first)


def refresh_due(app: Flask, lead: float | None = None) -> int:
    """Render again every busy page whose shared copy expires within ``lead``
    seconds (default: a fifth of ``PAGE_CACHE_SECONDS``, at least 0.5 s); returns
    how many were rendered. Each is asked for through the app like a reader's
    request, in the language and at the address it was asked for, as the copy
    (every visitor's or every resident's) it is."""
    cache: PageCache | None = app.extensions.get(EXTENSION)
    if cache is None or cache.shared is None:
        return 0
    if lead is None:
        lead = max(0.5, cache.seconds / 5)
    client = app.test_client(use_cookies=False)
    rendered = 0
    for key in cache.shared.due(lead, REFRESH_LIMIT):
        if len(key) != 5 or key[4] not in (VISITOR, RESIDENT):
            continue  # asked for by an older release
        scheme, host, path, locale, copy = key
        response = client.get(
            path,
            base_url=f"{scheme}://{host}",
            headers={"Accept-Language": locale},
            environ_overrides={REFRESH: copy},
        )
        rendered += response.headers.get("X-Page-Cache") == "miss"
    return rendered


pages_cli = AppGroup("pages", help="The page cache shared by the app servers.")


@pages_cli.command("refresh")
@click.option("--loop", is_flag=True, help="Keep running, looking every --every seconds.")
@click.option("--every", default=0.25, show_default=True)
@click.option(
    "--nice",
    default=10,
    show_default=True,
    help="Lower this process's CPU priority by this much (0 keeps it).",
)
def refresh_cmd(loop: bool, every: float, nice: int) -> None:
    """Render the busy public pages again before their shared copies expire."""
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or cache.shared is None:
        raise click.ClickException(
            "The page cache is not shared: set REDIS_URL and PAGE_CACHE_SECONDS above 0."
        )
    # Background work beside the app servers: on a machine they share, its renders
    # should wait for their requests, not the other way round (a render every few
    # seconds at the same priority was part of the cached pages' p99).
    if nice > 0:
        os.nice(nice)
    while True:
        rendered = refresh_due(current_app._get_current_object())  # type: ignore[attr-defined]
        if not loop:
            click.echo(f"rendered {rendered} page(s) again")
            return
        time.sleep(every)
