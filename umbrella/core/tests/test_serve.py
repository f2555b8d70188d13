"""`manage.py serve` with real processes: web and worker up, a dead worker restarted."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout} s (last: {last!r})")


def _children(pid: int) -> list[tuple[int, str]]:
    # -ww: never cut the command line at 80 columns (long checkout paths in CI).
    out = subprocess.run(  # noqa: S603
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rows = []
    for line in out.splitlines():
        child, _, args = line.strip().partition(" ")
        rows.append((int(child), args))
    return rows


def _migrated_env(tmp_path, **extra) -> dict:
    """An environment on a fresh SQLite database of its own, migrated."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_PATH=str(tmp_path / "serve.sqlite3"), **extra)
    subprocess.run([sys.executable, MANAGE, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    return env


@pytest.fixture
def served(tmp_path):
    env = _migrated_env(tmp_path, WORKER_HEARTBEAT_MAX_AGE="3")
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_runs_web_and_worker_and_restarts_a_killed_worker(served):
    proc, port = served
    _wait_for(lambda: _healthz(port)[0] == 200)
    workers = [pid for pid, args in _children(proc.pid) if "alarm_worker" in args]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    # A killed worker leaves its heartbeat behind; health fails once it is
    # stale, then the restarted worker's heartbeat brings it back.
    _wait_for(
        lambda: [p for p, a in _children(proc.pid) if "alarm_worker" in a and p != workers[0]]
    )
    _wait_for(lambda: _healthz(port)[0] == 200)
    status, body = _healthz(port)
    assert body["worker"] == "ok"
    assert proc.poll() is None


def test_serve_stops_both_processes_on_sigterm(served):
    proc, port = served
    _wait_for(lambda: _healthz(port)[0] == 200)
    children = [pid for pid, _ in _children(proc.pid)]
    assert len(children) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    for pid in children:
        _wait_for(lambda pid=pid: not os.path.exists(f"/proc/{pid}") or _is_zombie(pid), 10)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


def test_the_web_process_alerts_operators_when_no_worker_beats(tmp_path):
    env = _migrated_env(tmp_path, WORKER_HEARTBEAT_MAX_AGE="1")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, "serve", "--port", str(port), "--no-worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(lambda: _healthz(port)[0] == 503)
            _wait_for(lambda: "No background worker has beaten" in log.read_text(), 20)
            assert "CRITICAL umbrella.watchdog" in log.read_text()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def _listening_inodes(pid: int) -> set[str]:
    """Inodes of the sockets a process holds (to tell its listening socket from another's)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _listening_on(port: int) -> set[str]:
    """Inodes of the sockets listening on ``port`` on loopback (Linux /proc/net/tcp)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return {row[9] for row in rows if row[1] == wanted and row[3] == "0A"}  # 0A = LISTEN


@pytest.fixture
def served_twice(tmp_path):
    env = _migrated_env(tmp_path)
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc, port, env
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _webs(pid: int) -> list[int]:
    return [child for child, args in _children(pid) if "umbrella.core.webserver" in args]


def test_each_web_process_listens_on_a_socket_of_its_own(served_twice):
    proc, port, _ = served_twice
    _wait_for(lambda: _healthz(port)[0] in (200, 503))
    webs = _webs(proc.pid)
    assert len(webs) == 2
    listening = _listening_on(port)
    # Two listening sockets on the one port (SO_REUSEPORT), one in each process:
    # the kernel spreads connections over them.
    assert len(listening) == 2
    assert [len(_listening_inodes(web) & listening) for web in webs] == [1, 1]
    assert _listening_inodes(webs[0]) & _listening_inodes(webs[1]) & listening == set()


def test_a_killed_web_process_is_restarted_on_its_socket(served_twice):
    proc, port, _ = served_twice
    _wait_for(lambda: len(_webs(proc.pid)) == 2)
    _wait_for(lambda: _healthz(port)[0] in (200, 503))
    listening = _listening_on(port)
    # serve gives up on a web process that dies as it starts; this one has run.
    time.sleep(10)
    victim = _webs(proc.pid)[0]
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: len([w for w in _webs(proc.pid) if w != victim]) == 2)
    _wait_for(lambda: _healthz(port)[0] in (200, 503))
    assert _listening_on(port) == listening  # the same two sockets, taken over
    assert proc.poll() is None


def test_a_port_already_taken_is_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_PATH=str(tmp_path / "serve.sqlite3"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [sys.executable, MANAGE, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
