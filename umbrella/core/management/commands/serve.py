"""Serve the ASGI web app and the background worker together, in the foreground.

``make serve`` runs this. The web processes and the worker are separate
processes (as they are in production); this command supervises them: a
worker that dies is restarted at once (and says so in the log: its claims
are taken over by the new worker as it starts), and so is a web process that
dies after it started; stopping this command stops them all.

Two workers run by default (``--worker-processes``): a killed one costs no
more than the surviving one's next beat (it sees the pid gone and frees the
claims). Workers are forked from this process, which has loaded Django and
every app's tasks: a restart takes a fraction of a second instead of the
seconds a fresh interpreter needs to import the project (7 s on a loaded
2-core machine).

Each web process gets a listening socket of its own, bound to the same port
with ``SO_REUSEPORT`` (``umbrella/core/webserver.py`` says why): the kernel
spreads new connections over them, and a restarted web process takes over
its socket and the connections already waiting on it.

The web processes share a fresh directory for prometheus_client's multiprocess
files (``PROMETHEUS_MULTIPROC_DIR`` in their environment), so ``GET /metrics``
on any of them adds up the requests and streams of all (``core/metrics.py``);
it is removed when ``serve`` stops.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.module_loading import autodiscover_modules
from prometheus_client import multiprocess

from umbrella.core import runtime
from umbrella.core.queries import pending_migrations

RESTART_PAUSE_SECONDS = 1.0
# A web process that exits sooner than this after its start could not start
# (a broken setting, say): restarting it would only repeat the error.
STARTUP_SECONDS = 10.0
BACKLOG = 2048


def web_command(fd: int | None = None, host: str = "127.0.0.1", port: int = 8000,
                access_log: bool = True) -> list[str]:  # fmt: skip
    """Return the argv of one web process, on an inherited socket or its own."""
    where = ["--fd", str(fd)] if fd is not None else ["--host", host, "--port", str(port)]
    return [
        sys.executable, "-m", "umbrella.core.webserver", *where,
        *([] if access_log else ["--no-access-log"]),
    ]  # fmt: skip


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """Bind ``count`` listening sockets to ``host:port``, sharing it with SO_REUSEPORT.

    The port is first taken without SO_REUSEPORT, so that a port another
    server (or a second ``manage.py serve``) holds is an error here instead
    of a silent share of its connections.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
        sockets = []
        for _ in range(count):
            sock = socket.socket(family, kind, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if count > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.set_inheritable(True)
            sockets.append(sock)
        return sockets
    except OSError as exc:
        raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from exc


class ForkedWorker:
    """``manage.py worker`` in a child forked from this process (``Popen``'s interface).

    The parent holds no database connection when it forks (closed first), so
    the child opens its own; the child closes the web processes' listening
    sockets, which it must not keep open after ``serve`` is gone.
    """

    def __init__(self, sockets: list[socket.socket]) -> None:
        connections.close_all()
        # PostgreSQL's pool outlives close_all() with its connections open: a
        # child would inherit them, and two workers would talk over one socket
        # ("connection in transaction status INTRANS"). Closed here, each
        # child opens a pool of its own (this process reopens one on use).
        for connection in connections.all():
            close_pool = getattr(connection, "close_pool", None)
            if close_pool is not None:
                close_pool()
        self.returncode: int | None = None
        self.pid = os.fork()
        if self.pid == 0:  # the child
            code = 1
            try:
                for sock in sockets:
                    sock.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                call_command("worker")  # ends the process itself (os._exit)
            except BaseException:  # noqa: BLE001 - the child must never return into serve
                import traceback

                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int:
        give_up = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() > give_up:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(0.05)
        return code

    def terminate(self) -> None:
        os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)


class Command(BaseCommand):
    help = "Serve the web app (uvicorn, ASGI) and the worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", default=str(settings.PORT))
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_PROCESSES,
            help="Web processes (WEB_PROCESSES; one per core is a good start).",
        )
        parser.add_argument(
            "--worker-processes",
            type=int,
            default=2,
            help="Worker processes (default 2: when one dies, the other takes over its "
            "claims within a second, while the dead one is restarted).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Serve the web app only.")
        parser.add_argument(
            "--no-access-log", action="store_true", help="No line per request in the log."
        )

    def handle(self, *args, **options):
        try:
            port = int(options["port"])
        except ValueError as exc:
            raise CommandError(f"PORT must be a number, not {options['port']!r}.") from exc
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        if options["worker_processes"] < 1:
            raise CommandError("--worker-processes must be 1 or more.")
        pending = pending_migrations()
        connections.close_all()  # not inherited by the processes forked below
        if pending:
            # /healthz answers 503 naming the schema until they are applied.
            named = ", ".join(pending[:3]) + (", …" if len(pending) > 3 else "")
            self.stderr.write(
                f"{len(pending)} migration(s) not applied ({named}): pages that need them "
                "will fail. Run `manage.py deploy` (make setup) first."
            )
        sockets = listening_sockets(options["host"], port, options["workers"])
        # The environment passes whole to the processes started here: each
        # reads its own settings from it in umbrella/settings/, as this one did.
        env = os.environ.copy()
        # The web processes' metrics files: new for each serve, never shared
        # with another one (a pid of another container could collide).
        metrics_dir = tempfile.mkdtemp(prefix="umbrella-metrics-")
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        if not options["no_worker"]:
            # Imported once here (tasks, and every view the worker's
            # settle_heap() would import), and the heap frozen before the
            # forks: each worker starts with them loaded, and its first
            # collection does not walk (and copy) the inherited heap.
            autodiscover_modules("tasks")
            runtime.settle_heap()

        def start_worker() -> tuple[ForkedWorker, float]:
            return ForkedWorker(sockets), time.monotonic()

        def start_web(sock: socket.socket) -> tuple[subprocess.Popen, float]:
            cmd = web_command(sock.fileno(), access_log=not options["no_access_log"])
            proc = subprocess.Popen(cmd, env=env, pass_fds=(sock.fileno(),))  # noqa: S603
            return proc, time.monotonic()

        self.stdout.write(f"Umbrella is served on http://{options['host']}:{port}/")
        webs = [start_web(sock) for sock in sockets]
        workers = (
            []
            if options["no_worker"]
            else [start_worker() for _ in range(options["worker_processes"])]
        )

        stopping = False

        def _stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            while not stopping:
                for i, (web, started) in enumerate(webs):
                    if web.poll() is None:
                        continue
                    if time.monotonic() - started < STARTUP_SECONDS:
                        raise CommandError(
                            f"The web server exited with code {web.returncode} as it started."
                        )
                    self.stderr.write(
                        f"A web process exited with code {web.returncode}; restarting it."
                    )
                    # Its open streams are gone with it (its counters stay).
                    multiprocess.mark_process_dead(web.pid, metrics_dir)
                    time.sleep(RESTART_PAUSE_SECONDS)
                    webs[i] = start_web(sockets[i])
                for i, (dead, started) in enumerate(workers):
                    if dead.poll() is None:
                        continue
                    # Restart at once (the other worker has taken over its
                    # claims meanwhile), unless it died as it started (a
                    # broken setting), where a pause keeps the log readable.
                    if time.monotonic() - started < STARTUP_SECONDS:
                        time.sleep(RESTART_PAUSE_SECONDS)
                    workers[i] = start_worker()
                    self.stderr.write(
                        f"The worker (pid {dead.pid}) exited with code {dead.returncode}; "
                        f"restarted it (pid {workers[i][0].pid})."
                    )
                time.sleep(0.05)
        finally:
            procs = [*(worker for worker, _ in workers), *(web for web, _ in webs)]
            for proc in procs:
                if proc is not None and proc.poll() is None:
                    proc.terminate()
            for proc in procs:
                if proc is not None:
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
            for sock in sockets:
                sock.close()
            shutil.rmtree(metrics_dir, ignore_errors=True)
