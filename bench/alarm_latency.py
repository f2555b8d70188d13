"""Trigger → event on every tier-1 responder stream: p50/p99 with 1, 100 and 2,000 streams.

Starts real web processes on loopback (``python -m umbrella.core.webserver``,
the uvicorn ``manage.py serve`` runs) and measures from just before
``POST /api/v1/alarms`` (a worker's token, engineer A's real alarm path) to
the moment each tier-1 responder's SSE stream has parsed the event. Alarms
are posted at a fixed rate (20/s) by workers whose tier-1 circle is
``--circle`` responders drawn from the responders holding streams, so every
alarm is fanned out to several of the open streams.

  python bench/alarm_latency.py                  # SQLite (temp file), one web process
  python bench/alarm_latency.py --postgres-redis # PostgreSQL + Redis, two web processes:
                                                 # streams and alarms spread over both
  python bench/alarm_latency.py --postgres-redis --streams 10000   # issue 18's goal

``--postgres-redis`` uses DATABASE_URL (default postgres://127.0.0.1:5432/umbrella_bench,
created if missing) and REDIS_URL (default redis://127.0.0.1:6379/0). There
stream i goes to process i % 2 and alarm k is posted to process k % 2, as a
load balancer would spread them: an alarm reaches half its streams in its own
process and half through Redis. Also printed: the RSS of each web process
holding streams (the largest in the table) and the load average.

Goals (exit 1 when missed): 2,000 streams on one process p99 ≤ 50 ms and
RSS ≤ 150 MB; 10,000 streams p99 ≤ 100 ms and RSS ≤ 200 MB per process;
nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import httpx
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RECEIVE_TIMEOUT = 3.0
# streams -> (p99 ms, RSS MB per web process): the goal of the largest count reached.
GOALS = {2000: (50.0, 150.0), 10000: (100.0, 200.0)}
WARM_UP = 3  # an event not seen this long after its trigger counts as lost

SETUP = r"""
import json, sys, django
django.setup()
from django.db import transaction
from django.utils import timezone
from umbrella.accounts import actions
from umbrella.accounts.models import ApiToken, Role, User
streams, workers = int(sys.argv[1]), int(sys.argv[2])
now = timezone.now()
with transaction.atomic():
    User.objects.filter(username__startswith="bench-").delete()
    responders = User.objects.bulk_create(
        [User(username=f"bench-r{i}", role=Role.RESPONDER, password="!") for i in range(streams)]
    )
    people = User.objects.bulk_create(
        [User(username=f"bench-w{i}", role=Role.SEX_WORKER, password="!") for i in range(workers)]
    )
    out = {
        "responders": [[u.username, u.pk, actions.issue_token(u, now)[1]] for u in responders],
        "workers": [[u.username, u.pk, actions.issue_token(u, now)[1]] for u in people],
    }
print(json.dumps(out))
"""

CIRCLES = r"""
import json, sys, django
django.setup()
from django.utils import timezone
from umbrella.alarms.actions.circles import TierSpec, set_circle
from umbrella.alarms.tests.conftest import accept_everyone
from umbrella.accounts.models import User
plan = json.loads(sys.stdin.read())
now = timezone.now()
for worker_name, names in plan.items():
    owner = User.objects.get(username=worker_name)
    set_circle(owner, [TierSpec(kind="people", delay_seconds=3600, usernames=names)], now,
               police_opt_in=False)
    # Nobody is told without having accepted her invitation: accept as the tests do.
    accept_everyone(owner, now)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv
        cmd, env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300
    )
    if result.returncode:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return -1


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # The web process `manage.py serve` runs (uvicorn as configured for
    # production: no proxy-headers middleware, the site's own front), not the
    # uvicorn command line's defaults.
    cmd = [PY, "-m", "umbrella.core.webserver", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)  # noqa: S603 - fixed argv
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 503):
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("uvicorn did not start")


class StreamClient:
    """One SSE stream on a raw socket: the lightest client, so 2,000 fit in this process."""

    def __init__(
        self,
        port: int,
        token: str,
        received: dict[int, dict[int, float]],
        server_ms: list[tuple[int, float]],
    ) -> None:
        self.port, self.token, self.received, self.server_ms = port, token, received, server_ms
        self.writer: asyncio.StreamWriter | None = None
        self.ready = asyncio.Event()

    async def run(self, user_id: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer = writer
        writer.write(
            (
                "GET /api/v1/alarms/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        # Chunked transfer: lines of hex sizes between the SSE lines; only
        # "data:" lines matter here.
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"retry:"):
                self.ready.set()
            elif line.startswith(b"data:"):
                now, wall = time.perf_counter(), time.time()
                alarm = json.loads(line[5:])["alarm"]
                self.received.setdefault(alarm["id"], {})[user_id] = now
                # From the alarm's own timestamp (taken in raise_alarm): the
                # server-side path without the HTTP request that triggered it.
                raised = datetime.fromisoformat(alarm["raised_at"]).timestamp()
                self.server_ms.append((alarm["id"], (wall - raised) * 1000))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def scenario(args, accounts, ports, stream_ports, env, n_streams) -> dict:
    circle = min(args.circle, n_streams)
    responders = accounts["responders"][:n_streams]
    # One alarm per worker, as in life (a worker has one open alarm at a
    # time): each scenario takes fresh workers, each with her own circle.
    total = int(args.rate * args.seconds)
    workers = accounts["workers"][args.worker_offset : args.worker_offset + total + WARM_UP]
    args.worker_offset += total + WARM_UP
    plan, circles = {}, {}
    for i, (name, pk, _token) in enumerate(workers):
        members = [responders[(i * circle + j) % n_streams] for j in range(circle)]
        plan[name] = [m[0] for m in members]
        circles[pk] = [m[1] for m in members]
    run([PY, "-c", CIRCLES], env, stdin=json.dumps(plan))

    received: dict[int, dict[int, float]] = {}
    server_ms: list[tuple[int, float]] = []
    clients = [
        StreamClient(stream_ports[i % len(stream_ports)], token, received, server_ms)
        for i, (_n, _pk, token) in enumerate(responders)
    ]
    gate = asyncio.Semaphore(100)

    async def connect(client, pk):
        async with gate:
            task = asyncio.create_task(client.run(pk))
            await asyncio.wait([task, asyncio.create_task(client.ready.wait())],
                               return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
            if task.done():
                task.result()
            return task

    started = time.perf_counter()
    tasks = await asyncio.gather(
        *(connect(c, r[1]) for c, r in zip(clients, responders, strict=True))
    )
    connect_s = time.perf_counter() - started
    # The instrument's own garbage collector stays out of the figures: this
    # process holds 2,000 client streams too, and a full collection of them
    # (~70 ms) would be counted as the server's latency. Same policy as the
    # server's (umbrella/core/runtime.py), undone after the scenario.
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    rss_streams = [rss_mb(pid) for pid in args.stream_pids]
    thread_count = max(threads(pid) for pid in args.stream_pids)

    sent: dict[int, tuple[float, int]] = {}
    post_ms: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(timeout=10, limits=limits) as http:
        posted = 0

        async def trigger(worker):
            nonlocal errors, posted
            # Alarm k to process k % 2, as a load balancer spreads them.
            port = ports[posted % len(ports)]
            posted += 1
            t0 = time.perf_counter()
            response = await http.post(
                f"http://127.0.0.1:{port}/api/v1/alarms",
                headers={"Authorization": f"Bearer {worker[2]}"},
                # As the panic app sends it: a position (Saint-Josse), which
                # the server locates (and encrypts) on the alarm path.
                json={"lat": 50.8531, "lon": 4.3736, "accuracy": 20},
            )
            if response.status_code != 201:
                errors += 1
                return
            post_ms.append((time.perf_counter() - t0) * 1000)
            sent[response.json()["id"]] = (t0, worker[1])

        for worker in workers[:WARM_UP]:  # warm-up: first-request imports and connections
            await trigger(worker)
        await asyncio.sleep(0.5)
        sent.clear()
        post_ms.clear()
        posts = []
        begin = time.perf_counter()
        for k in range(total):
            await asyncio.sleep(max(0.0, begin + k / args.rate - time.perf_counter()))
            posts.append(asyncio.create_task(trigger(workers[WARM_UP + k])))
        await asyncio.gather(*posts)
    await asyncio.sleep(RECEIVE_TIMEOUT)
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    rss_after = [rss_mb(pid) for pid in args.stream_pids]
    load = os.getloadavg()[0]
    for client in clients:
        client.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    # The warm-up's alarms are left out here too: their first requests import
    # and connect, and the slowest of them made this column's p99.
    server = sorted(ms for alarm_id, ms in server_ms if alarm_id in sent) or [float("nan")]
    latencies, lost = [], 0
    for alarm_id, (t0, worker_pk) in sent.items():
        for responder_pk in circles[worker_pk]:
            seen = received.get(alarm_id, {}).get(responder_pk)
            if seen is None or seen - t0 > RECEIVE_TIMEOUT:
                lost += 1
            else:
                latencies.append((seen - t0) * 1000)
    latencies.sort()
    pct = (
        (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))])
        if latencies
        else (lambda q: float("nan"))
    )  # noqa: E501
    return {
        "streams": n_streams, "circle": circle, "alarms": len(sent), "post_errors": errors,
        "deliveries": len(latencies), "lost": lost,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": pct(0.99), "max": latencies[-1] if latencies else float("nan"),
        "connect_s": connect_s, "post_p50": statistics.median(post_ms or [float("nan")]),
        "server_p50": statistics.median(server),
        "server_p99": server[min(len(server) - 1, int(0.99 * len(server)))],
        "rss": [max(pair) for pair in zip(rss_streams, rss_after, strict=True)],
        "threads": thread_count, "load": load,
    }  # fmt: skip


def prepare_postgres(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')  # name from the operator's own URL


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )  # noqa: E501
    parser.add_argument("--postgres-redis", action="store_true")
    parser.add_argument("--streams", default="1,100,2000")
    parser.add_argument("--rate", type=float, default=20.0, help="alarms per second")
    parser.add_argument("--seconds", type=float, default=5.0, help="posting time per scenario")
    parser.add_argument("--circle", type=int, default=5, help="tier-1 responders per alarm")
    parser.add_argument(
        "--stream-processes", type=int, choices=(1, 2), default=2,
        help="with --postgres-redis: web processes holding streams (1: all on process 2, "
        "as this bench measured before issue 18)",
    )  # fmt: skip
    args = parser.parse_args()
    counts = [int(n) for n in args.streams.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="umbrella-bench-"))
    # Production settings: with DEBUG on, Django keeps every query of every
    # connection in memory (connection.queries_log) and the figures would
    # measure that. A throw-away key: this run's data is thrown away too.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="umbrella.settings", DEBUG="0",
               SECRET_KEY=secrets.token_urlsafe(48),
               FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), LOG_LEVEL="WARNING",
               UMBRELLA_VAR_DIR=str(tmp), API_RATE="100000/s")  # fmt: skip
    if args.postgres_redis:
        env["DATABASE_URL"] = os.environ.get(
            "DATABASE_URL", "postgres://127.0.0.1:5432/umbrella_bench"
        )
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        prepare_postgres(env["DATABASE_URL"])
        mode = "PostgreSQL + Redis, streams held by " + (
            "both web processes, alarms posted to both"
            if args.stream_processes == 2
            else "process 2, alarms posted to process 1"
        )
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
        mode = "SQLite (WAL, temp file), one web process"

    clock = time.perf_counter()
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([PY, "manage.py", "load_brussels"], env)  # alarms are stamped with their areas
    n_workers = len(counts) * (int(args.rate * args.seconds) + WARM_UP)
    args.worker_offset = 0
    accounts = json.loads(run([PY, "-c", SETUP, str(max(counts)), str(n_workers)], env))
    print(f"== alarm latency — {mode}")
    print(
        f"   set-up {time.perf_counter() - clock:.1f} s; {args.rate:g} alarms/s for "
        f"{args.seconds:g} s per scenario; trigger = POST /api/v1/alarms; "
        f"tier-1 circle = {args.circle} responders"
    )

    servers = [start_server(env)]
    if args.postgres_redis:
        servers.append(start_server(env))
    # Alarms to every process, or to process 1 alone when process 2 holds every stream.
    ports = [port for _proc, port in servers[: args.stream_processes]]
    holding = servers[-args.stream_processes :] if args.postgres_redis else servers
    stream_ports = [port for _proc, port in holding]
    args.stream_pids = [proc.pid for proc, _port in holding]
    idle = ", ".join(f"{rss_mb(pid):.0f}" for pid in args.stream_pids)
    print(f"   idle RSS of each process holding streams: {idle} MB; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"   {'streams':>7} {'circle':>6} {'alarms':>6} {'events':>7} {'lost':>5} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7} {'POST p50':>8} {'srv p50':>7} {'srv p99':>7} "
          f"{'connect s':>9} {'RSS MB':>7} {'threads':>7} {'load':>5}")  # fmt: skip
    results = []
    try:
        for n in counts:
            r = asyncio.run(scenario(args, accounts, ports, stream_ports, env, n))
            results.append(r)
            print(f"   {r['streams']:>7} {r['circle']:>6} {r['alarms']:>6} {r['deliveries']:>7} "
                  f"{r['lost']:>5} {r['p50']:>7.1f} {r['p99']:>7.1f} {r['max']:>7.1f} "
                  f"{r['post_p50']:>8.1f} {r['server_p50']:>7.1f} {r['server_p99']:>7.1f} "
                  f"{r['connect_s']:>9.1f} {max(r['rss']):>7.0f} "
                  f"{r['threads']:>7} {r['load']:>5.1f}"
                  + (f"  (RSS per process: {', '.join(f'{m:.0f}' for m in r['rss'])} MB)"
                     if len(r["rss"]) > 1 else "")
                  + (f"  ({r['post_errors']} POST errors)" if r["post_errors"] else ""),
                  flush=True)  # fmt: skip
    finally:
        for proc, _port in servers:
            proc.terminate()
        for proc, _port in servers:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(
        f"   total {time.perf_counter() - clock:.0f} s. Goals: p99 ≤ 50 ms and RSS ≤ 150 MB "
        "at 2,000 streams; p99 ≤ 100 ms and RSS ≤ 200 MB per process at 10,000; none lost."
    )
    missed = []
    for r in results:
        reached = [count for count in GOALS if r["streams"] >= count]
        if not reached:
            continue
        p99_goal, rss_goal = GOALS[max(reached)]
        if r["p99"] > p99_goal or max(r["rss"]) > rss_goal or r["lost"] or r["post_errors"]:
            missed.append(
                f"{r['streams']} streams: p99 {r['p99']:.1f} ms, "
                f"RSS {max(r['rss']):.0f} MB, {r['lost']} lost"
            )
    at_goal = [r for r in results if r["streams"] >= min(GOALS)]
    if missed:
        print("   goal NOT met: " + "; ".join(missed))
        return 1
    if at_goal:
        print("   goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
