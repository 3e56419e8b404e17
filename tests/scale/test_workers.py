"""How the production gunicorn config (inhabithon/gunicorn_conf.py) spreads requests
over its workers: with one thread each (the default), the sync worker, which takes
a connection only when it is free and closes it after one answer, so that no
worker keeps a balancer's connection while others sit idle (bench/RESULTS.md,
run 22: kept connections made p99 four times p50)."""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Callable

import pytest

from inhabithon import gunicorn_conf
from tests.scale.live import Server


def _answer(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):  # until the server closes the connection
        received += chunk
    return received


def test_a_worker_answers_one_request_per_connection_and_closes_it(
    start_server: Callable[..., Server],
):
    server = start_server()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        # A balancer's keep-alive request, and a second one right behind it.
        ask = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
        sock.sendall(ask + ask)
        received = _answer(sock)  # returns: the worker closed the connection
    head = received.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200")
    assert b"connection: close" in head.split(b"\r\n")
    assert received.count(b"HTTP/1.1 ") == 1  # the second request is the balancer's to resend


@pytest.mark.parametrize(("threads", "worker"), [("1", "sync"), ("4", "gthread")])
def test_the_worker_class_follows_the_threads(monkeypatch, threads, worker):
    monkeypatch.setenv("GUNICORN_THREADS", threads)
    try:
        assert importlib.reload(gunicorn_conf).worker_class == worker
    finally:
        monkeypatch.delenv("GUNICORN_THREADS")
        importlib.reload(gunicorn_conf)


@pytest.mark.parametrize(
    ("url", "workers"),
    [
        (None, 4),  # the SQLite file in instance/
        ("sqlite:////srv/inhabithon.sqlite3", 4),
        ("postgresql+psycopg://app@127.0.0.1:5432/inhabithon", 4),
        ("postgresql+psycopg://app@localhost/inhabithon", 4),
        ("postgresql+psycopg://app@/inhabithon?host=/var/run/postgresql", 4),
        ("postgresql+psycopg://app@db.internal:5432/inhabithon", 8),
        ("postgresql+psycopg://app@10.0.0.7/inhabithon", 8),
    ],
)
def test_one_worker_per_core_with_the_database_here_two_with_it_elsewhere(url, workers):
    assert gunicorn_conf.default_workers(url, cores=4) == workers


def test_web_concurrency_decides_when_set(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@db.internal/inhabithon")
    try:
        assert importlib.reload(gunicorn_conf).workers == 3
        monkeypatch.delenv("WEB_CONCURRENCY")
        expected = 2 * (os.cpu_count() or 1)
        assert importlib.reload(gunicorn_conf).workers == expected
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)
