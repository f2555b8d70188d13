"""Serve the ASGI web app and the background worker together, in the foreground.

``make serve`` runs this. The web server and the worker are separate
processes (as they are in production); this command supervises both: a worker
that dies is restarted at once, and stopping this command stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

RESTART_PAUSE_SECONDS = 1.0


def web_command(host: str, port: int, workers: int = 1) -> list[str]:
    """Return the argv of the web server.

    Its access log stays on: a room button's device key in the request path
    is masked by the filter the alarms app attaches to ``uvicorn.access``
    when Django starts in each web process (``umbrella/alarms/log_filters.py``).
    """
    return [
        sys.executable, "-m", "uvicorn", "umbrella.asgi:application",
        "--host", host, "--port", str(port),
        "--workers", str(workers),
        "--no-server-header", "--proxy-headers",
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Serve the web app (uvicorn, ASGI) and the alarm worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=1, help="Web processes.")
        parser.add_argument("--no-worker", action="store_true", help="Serve the web app only.")

    def handle(self, *args, **options):
        try:
            port = int(options["port"])
        except ValueError as exc:
            raise CommandError(f"PORT must be a number, not {options['port']!r}.") from exc
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        web_cmd = web_command(options["host"], port, options["workers"])
        worker_cmd = [python, manage, "alarm_worker"]
        env = os.environ.copy()

        self.stdout.write(f"Umbrella is served on http://{options['host']}:{port}/")
        web = subprocess.Popen(web_cmd, env=env)  # noqa: S603 - fixed argv, no shell
        worker = None if options["no_worker"] else subprocess.Popen(worker_cmd, env=env)  # noqa: S603

        stopping = False

        def _stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            while not stopping:
                if web.poll() is not None:
                    raise CommandError(f"The web server exited with code {web.returncode}.")
                if worker is not None and worker.poll() is not None:
                    self.stderr.write(
                        f"The worker exited with code {worker.returncode}; restarting it."
                    )
                    time.sleep(RESTART_PAUSE_SECONDS)
                    worker = subprocess.Popen(worker_cmd, env=env)  # noqa: S603
                time.sleep(0.2)
        finally:
            for proc in (worker, web):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
            for proc in (worker, web):
                if proc is not None:
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
