"""A bounded load client: a fixed number of keep-alive connections, each
sending its next request as soon as the last one is answered, for a fixed
time. It records every request's latency; nothing unbounded, nothing
downloaded. Python threads suffice: the client spends microseconds per request
while the server spends milliseconds (and the baseline is measured the same way).
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    form: dict[str, str] | None = None
    cookie: str | None = None
    expect: int = 200


RequestFactory = Callable[[int], Request]  # the n-th request of a run
# Sent by every client of the benchmarks, as a browser sends its own: Flask-Login
# ties a session to the address and agent it logged in from (bench.run.Signer).
AGENT = "inhabithon-bench"


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float] = field(repr=False)
    bytes_per_response: float
    error_sample: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, int]:
        headers = {"User-Agent": AGENT}
        body = None
        if request.form is not None:
            body = urllib.parse.urlencode(request.form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if request.cookie:
            headers["Cookie"] = f"session={request.cookie}"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request(request.method, request.path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, len(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(
    name: str,
    port: int,
    factory: RequestFactory,
    *,
    connections: int,
    seconds: float,
    warmup: float = 1.0,
) -> Result:
    """Load ``port`` for ``warmup + seconds``; the requests that end in the last
    ``seconds`` count."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    sizes: list[int] = []
    errors = [0]
    sample: list[str] = []
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def worker() -> None:
        conn = Connection(port)
        local: list[float] = []
        local_sizes: list[int] = []
        local_errors = 0
        try:
            while True:
                request = factory(next(counter))
                began = time.monotonic()
                if began >= stop_at:
                    break
                try:
                    status, size = conn.send(request)
                except (OSError, http.client.HTTPException) as exc:
                    status, size = 0, 0
                    if not sample:
                        sample.append(repr(exc))
                ended = time.monotonic()
                # Requests are counted by when they end (completions per second);
                # one cut off by the end of the run is not counted.
                if ended < measure_from or ended > stop_at:
                    continue
                if status != request.expect:
                    local_errors += 1
                    if not sample:
                        sample.append(f"{status} for {request.method} {request.path}")
                    continue
                local.append(ended - began)
                local_sizes.append(size)
        finally:
            conn.close()
            with lock:
                latencies.extend(local)
                sizes.extend(local_sizes)
                errors[0] += local_errors

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(
        name=name,
        requests=len(latencies),
        errors=errors[0],
        seconds=seconds,
        latencies=latencies,
        bytes_per_response=statistics.fmean(sizes) if sizes else 0.0,
        error_sample=sample[0] if sample else "",
    )
