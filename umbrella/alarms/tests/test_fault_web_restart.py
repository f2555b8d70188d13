"""Fault test with a real web server: kill -9 it and restart it; a console
that reconnects with Last-Event-ID misses nothing raised while it was down.

Reuses the fault tests' shared database (a temporary SQLite file, or the
PostgreSQL test database) so the uvicorn process and this test see the
same rows.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from django.utils import timezone

from umbrella.accounts.actions import issue_token
from umbrella.alarms import actions
from umbrella.alarms.models import Source
from umbrella.alarms.tests.test_faults import (  # noqa: F401 -- fixtures
    set_up_circle,
    shared_env,
    sqlite_template,
)
from umbrella.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One `uvicorn umbrella.asgi:application` process on a fixed port."""

    def __init__(self, env: dict, port: int, log):
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 -- our own ASGI app
            [
                sys.executable, "-m", "uvicorn", "umbrella.asgi:application",
                "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
            ],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        # A fresh interpreter importing the project takes 7-20 s on a loaded
        # 2-core machine (the serve tests allow 90 s as well).
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.log.flush()
        raise AssertionError(
            f"the web server did not start (exit code {self.proc.poll()}):\n"
            + open(self.log.name, errors="replace").read()[-3000:]
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _read_events(lines, wanted: int, timeout: float = 15.0) -> list[dict]:
    """Read SSE frames from ``lines`` until ``wanted`` events arrived; return them."""
    events: list[dict] = []
    frame: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    for line in lines:
        if time.monotonic() > deadline:
            break
        if line == "":
            if "id" in frame:
                events.append(frame)
                if len(events) == wanted:
                    return events
            frame = {}
        elif not line.startswith(":") and ":" in line:
            key, _, value = line.partition(":")
            frame[key] = value.strip()
    raise AssertionError(f"only {len(events)} of {wanted} events arrived: {events}")


def test_a_console_reconnecting_after_a_web_server_crash_misses_nothing(
    shared_env,  # noqa: F811 -- the fault tests' fixture, imported above
    tmp_path,
):
    people = make_personas()
    set_up_circle(people)
    _token, key = issue_token(people.responder, timezone.now())
    headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
    server = Server(shared_env, _free_port(), (tmp_path / "web.log").open("ab"))
    url = f"http://127.0.0.1:{server.port}/api/v1/alarms/stream"
    timeout = httpx.Timeout(20.0, connect=5.0)
    server.start()
    try:
        first = actions.raise_alarm(people.worker, Source.APP, timezone.now())
        # A console that has seen nothing yet asks for everything from the start.
        fresh = {**headers, "Last-Event-ID": "0"}
        with httpx.stream("GET", url, headers=fresh, timeout=timeout) as response:
            assert response.status_code == 200
            (seen,) = _read_events(response.iter_lines(), 1)
        assert seen["event"] == "alarm.raised"
        assert json.loads(seen["data"])["alarm"]["id"] == first.pk

        server.kill()
        # Raised while no web server runs: stored, waiting for the console.
        missed = [actions.raise_alarm(people.worker, Source.APP, timezone.now()) for _ in range(2)]

        server.start()
        resumed = {**headers, "Last-Event-ID": seen["id"]}
        with httpx.stream("GET", url, headers=resumed, timeout=timeout) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            replayed = _read_events(lines, 2)
            live = actions.raise_alarm(people.worker, Source.APP, timezone.now())
            (after,) = _read_events(lines, 1)
    finally:
        server.stop()

    assert [json.loads(e["data"])["alarm"]["id"] for e in replayed] == [a.pk for a in missed]
    assert all(int(e["id"]) > int(seen["id"]) for e in replayed)
    assert json.loads(after["data"])["alarm"]["id"] == live.pk
