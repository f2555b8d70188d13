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

# Real processes on a SQLite file of their own: the engine of the run never
# reaches them, so `make test` runs this module once (its SQLite pass).
pytestmark = pytest.mark.own_database

MANAGE = str(settings.BASE_DIR / "manage.py")
# A fresh interpreter importing the project takes 7-20 s on a loaded 2-core machine.
STARTUP = 90.0


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
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "serve", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_path = tmp_path / "serve.log"
    try:
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _worker_children(pid: int) -> list[int]:
    # The worker is forked from serve (same command line); web processes run
    # umbrella.core.webserver.
    return [child for child, args in _children(pid) if "umbrella.core.webserver" not in args]


def test_serve_restarts_a_killed_worker_at_once_and_says_so(served):
    proc, port = served
    _wait_for(lambda: _healthz(port)[0] == 200, STARTUP)
    workers = _worker_children(proc.pid)
    assert len(workers) == 2  # two by default: one takes over while the other restarts
    os.kill(workers[0], signal.SIGKILL)
    restarted = _wait_for(lambda: set(_worker_children(proc.pid)) - set(workers), 5)
    # Restarted at once: the readiness check never noticed (max age 3 s).
    for _ in range(10):
        assert _healthz(port)[0] == 200
        time.sleep(0.5)
    log = proc.log_path.read_text()
    said = f"The worker (pid {workers[0]}) exited with code -9; restarted it (pid {min(restarted)})"
    assert said in log
    assert f"worker {socket.gethostname()}:{workers[0]} is gone: its claims are free" in log
    assert proc.poll() is None


def test_a_killed_worker_that_nobody_restarts_turns_healthz_503_within_its_max_age(tmp_path):
    env = _migrated_env(tmp_path, WORKER_HEARTBEAT_MAX_AGE="3")
    port = _free_port()
    web = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, MANAGE, "worker"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(lambda: _healthz(port)[0] == 200, STARTUP)
        os.kill(worker.pid, signal.SIGKILL)
        killed = time.monotonic()
        _wait_for(lambda: _healthz(port)[0] == 503, 10)
        # Within the max age (3 s), plus one poll.
        assert time.monotonic() - killed <= 3 + 1
        assert _healthz(port)[1]["down"] == ["worker"]
        assert _healthz_live(port) == 200  # the process answers: alive, not ready
    finally:
        worker.kill()
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=15)


def _healthz_live(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2) as response:  # noqa: S310
        return response.status


def test_a_quiet_serve_keeps_healthz_at_200_for_three_minutes(tmp_path):
    """Issue 14: with the real tasks (several rest far longer than the 10 s
    max age), /healthz answered 503 from about 25 s after start, for ever.
    A quiet `serve` (default settings) polled every 5 s for three minutes."""
    env = _migrated_env(tmp_path)
    env.pop("WORKER_HEARTBEAT_MAX_AGE", None)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, "serve", "--port", str(port), "--no-access-log"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for(lambda: _healthz(port)[0] == 200, STARTUP)
            started = time.monotonic()
            answers = []
            while time.monotonic() - started < 180:
                answers.append(_healthz(port))
                time.sleep(5)
            assert len(answers) >= 30
            assert [status for status, _ in answers] == [200] * len(answers), answers
            text = log.read_text()
            assert "heartbeat withheld" not in text and "CRITICAL" not in text
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)


def test_serve_stops_both_processes_on_sigterm(served):
    proc, port = served
    _wait_for(lambda: _healthz(port)[0] == 200, STARTUP)
    children = [pid for pid, _ in _children(proc.pid)]
    assert len(children) == 3  # a web process and two workers
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
            _wait_for(lambda: _healthz(port)[0] == 503, STARTUP)
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


def test_the_worker_command_stops_within_a_second_of_sigterm(tmp_path):
    """Its lanes rest on wake events and for up to an hour: stop wakes them."""
    env = _migrated_env(tmp_path)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(lambda: "started with tasks" in log.read_text(), STARTUP)
            time.sleep(7)  # every lane past its first run, resting
            worker.send_signal(signal.SIGTERM)
            asked = time.monotonic()
            assert worker.wait(timeout=10) == 0
            assert time.monotonic() - asked <= 1.0
        finally:
            if worker.poll() is None:
                worker.kill()
    assert "stopped" in log.read_text()
