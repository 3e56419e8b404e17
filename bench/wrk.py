"""Load from wrk (Debian's ``wrk`` package), when it is installed.

wrk is written in C and spends a few microseconds per request, so on this
2-core machine it takes less CPU from the servers than the Python client
(bench/load.py) and adds no scheduling delay of its own to the tail (p99).
It runs the same requests as the Python client: ``run()`` has the same
signature and returns the same ``Result``.

The requests are written into a Lua script: one for a page that is always the
same, or one per request (each vote POST is by another resident). wrk reports
its latency distribution as 1,000 quantiles, which stand in for the latencies
(enough for p50 and p99, and for merging slices of about equal size).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from bench.load import AGENT, Request, RequestFactory, Result

WRK = shutil.which("wrk")
QUANTILES = 1000
UNIQUE_PER_SECOND = 1500  # requests prepared per second of a run that may not repeat (votes)

_SCRIPT = """
local requests = {%(requests)s}
local formatted = {}
local threads_seen = 0
local threads_total = %(threads)d

function setup(thread)
  thread:set("offset", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  for k, r in ipairs(requests) do
    local headers = {["User-Agent"] = "%(agent)s"}
    if r[3] ~= "" then headers["Cookie"] = "session=" .. r[3] end
    if r[4] ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    formatted[k] = wrk.format(r[1], r[2], headers, r[4] ~= "" and r[4] or nil)
  end
  next_index = offset or 0
end

function request()
  local k = next_index
  next_index = next_index + threads_total
  if k >= #formatted then
    if %(unique)s then
      io.write("WRK-RAN-OUT\\n")
      wrk.thread:stop()
    end
    k = k %% #formatted
  end
  return formatted[k + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.bytes, e.status, e.connect + e.read + e.write + e.timeout))
  for q = 1, %(quantiles)d do
    io.write(latency:percentile(q * 100 / %(quantiles)d), "\\n")
  end
end
"""


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def _requests(factory: RequestFactory, seconds: float) -> tuple[list[Request], bool]:
    """The requests to send, and whether each may be sent only once (then wrk
    stops when they are used up, and the run counts fewer requests)."""
    first, second = factory(0), factory(1)
    if first == second:
        return [first], False
    requests = [first, second]
    try:
        for n in range(2, int(seconds * UNIQUE_PER_SECOND)):
            requests.append(factory(n))
    except StopIteration:  # the data set has no more fresh voters
        pass
    return requests, True


def script(requests: list[Request], unique: bool, threads: int) -> str:
    rows = ",\n".join(
        "{"
        + ", ".join(
            _lua(x)
            for x in (
                r.method,
                r.path,
                r.cookie or "",
                urllib.parse.urlencode(r.form) if r.form is not None else "",
            )
        )
        + "}"
        for r in requests
    )
    return _SCRIPT % {
        "requests": rows,
        "threads": threads,
        "unique": "true" if unique else "false",
        "quantiles": QUANTILES,
        "agent": AGENT,
    }


def run(
    name: str,
    port: int,
    factory: RequestFactory,
    *,
    connections: int,
    seconds: float,
    warmup: float = 1.0,  # unused: wrk opens its connections before it counts
    threads: int = 1,
) -> Result:
    assert WRK, "wrk is not installed (apt-get install -y wrk)"
    with tempfile.TemporaryDirectory(prefix="inhabithon-wrk-") as folder:
        lua = Path(folder) / "requests.lua"
        prepared, unique = _requests(factory, seconds)
        lua.write_text(script(prepared, unique, threads))
        completed = subprocess.run(
            [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(lua),
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    lines = completed.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("WRK "))
    requests, micros, size, bad_status, socket_errors = map(int, lines[start].split()[1:])
    if unique:
        # One wrk thread sends them in order; the ones answered and in flight are used.
        giving_back = getattr(factory, "give_back", None)
        if giving_back is not None:
            giving_back(prepared[requests + bad_status + socket_errors + connections :])
    quantiles = [float(x) / 1e6 for x in lines[start + 1 : start + 1 + QUANTILES]]
    errors = bad_status + socket_errors
    if "WRK-RAN-OUT" in lines:
        raise SystemExit(f"{name}: the {len(prepared):,} prepared requests ran out")
    sample = ""
    if errors:
        sample = f"wrk: {bad_status} answers not 2xx/3xx, {socket_errors} socket errors"
    return Result(
        name=name,
        requests=requests - bad_status,
        errors=errors,
        seconds=micros / 1e6,
        latencies=quantiles,
        bytes_per_response=size / requests if requests else 0.0,
        error_sample=sample,
    )
