"""GET /metrics from real `serve` processes: two web processes count as one site."""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from umbrella.core.tests.test_serve import (
    MANAGE,
    STARTUP,
    _children,
    _free_port,
    _migrated_env,
    _wait_for,
)

# Real processes on a SQLite file of their own: `make test` runs this once.
pytestmark = pytest.mark.own_database

TOKEN = "m" * 48


def _get(port: int, path: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _samples(text: str) -> list:
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def test_every_web_process_answers_for_all_of_them_and_serve_cleans_up(tmp_path):
    env = _migrated_env(tmp_path, METRICS_TOKEN=TOKEN)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "serve", "--port", str(port), "--workers", "2", "--no-worker",
         "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        answered = 0

        def live():
            nonlocal answered
            status, _ = _get(port, "/healthz/live")
            answered += status == 200
            return status == 200

        _wait_for(live, STARTUP)
        webs = [pid for pid, args in _children(proc.pid) if "umbrella.core.webserver" in args]
        assert len(webs) == 2
        environ = Path(f"/proc/{webs[0]}/environ").read_bytes().split(b"\0")
        folder = next(v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR="))
        folder = Path(folder.split(b"=", 1)[1].decode())
        assert folder.is_dir()

        # A new connection each: the kernel spreads them over both processes'
        # sockets (one still starting keeps its share waiting until it serves).
        for _ in range(40):
            assert live()
        time.sleep(1)  # each counts its request once the answer has gone
        assert _get(port, "/metrics")[0] == 401
        counts, pids = set(), set()
        for _ in range(8):
            status, text = _get(port, "/metrics", TOKEN)
            assert status == 200
            samples = _samples(text)
            counts.add(
                sum(
                    s.value for s in samples
                    if s.name == "umbrella_http_requests_total"
                    and s.labels == {"route": "healthz/live", "method": "GET", "status": "200"}
                )
            )  # fmt: skip
            pids |= {s.labels["pid"] for s in samples if s.name == "umbrella_open_streams"}
            assert any(s.name == "umbrella_outbox_depth" for s in samples)
        # Whichever process answered, it counted the requests both served.
        assert counts == {answered}
        assert pids == {str(pid) for pid in webs}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    assert not folder.exists(), "serve leaves no metrics files behind"
