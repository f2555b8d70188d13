"""Shared set-up of the reports benchmarks (report_post.py, open311_requests.py).

A throw-away SQLite database (never the configured one), production settings
(DEBUG off), a throw-away encryption key, and a settings module that lifts the
per-client report limit (the load generator is one client).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BBOX = (4.24376, 50.76368, 4.48227, 50.91390)  # lon/lat, data/brussels/SOURCES.md


def environment() -> tuple[Path, dict]:
    tmp = Path(tempfile.mkdtemp(prefix="umbrella-bench-"))
    (tmp / "bench_settings.py").write_text(
        "from umbrella.settings import *  # noqa\n"
        "REPORTS_PER_CLIENT_PER_HOUR = 10**9\nREPORTS_PER_CLIENT_PER_DAY = 10**9\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench_settings", DEBUG="0",
               SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="127.0.0.1",
               FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
               LOG_LEVEL="WARNING", UMBRELLA_VAR_DIR=str(tmp),
               PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT)]))  # fmt: skip
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    return tmp, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if result.returncode:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def start_server(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # The production server: one uvicorn per worker, each on its own
    # SO_REUSEPORT socket (umbrella/core/webserver.py); no alarm worker.
    cmd = [PY, "manage.py", "serve", "--port", str(port), "--workers", str(workers),
           "--no-worker", "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)  # noqa: S603 - fixed argv
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 503):
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    sys.exit("uvicorn did not start")


async def exchange(reader, writer, request: bytes) -> tuple[bytes, bytes]:
    writer.write(request)
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, await reader.readexactly(length)


async def load(port, seconds, connections, make_request, expect: bytes = b"200"):
    """Keep ``connections`` keep-alive connections busy; return latencies and elapsed time."""
    latencies: list[float] = []
    started = time.perf_counter()
    until = started + seconds

    async def one(seed: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = 0
        while time.perf_counter() < until:
            request = make_request(seed, n)
            n += 1
            t0 = time.perf_counter()
            status, body = await exchange(reader, writer, request)
            latencies.append(time.perf_counter() - t0)
            if not status.startswith(b"HTTP/1.1 " + expect):
                raise SystemExit(f"unexpected answer: {status!r} {body[:300]!r}")
        writer.close()

    await asyncio.gather(*(one(i) for i in range(connections)))
    return latencies, time.perf_counter() - started


def figures(latencies: list[float], elapsed: float) -> tuple[float, float, float]:
    """Return requests per second, p50 and p99 in milliseconds."""
    latencies = sorted(latencies)
    p99 = latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99
