"""Run the background worker: heartbeat and every app's registered periodic tasks."""

import logging
import os
import signal
import sys
import threading

from django.core.management.base import BaseCommand

from umbrella.core import runtime
from umbrella.core.worker import keep_connections, run_forever, wait_for_schema


class Command(BaseCommand):
    help = "Run the background worker (heartbeat, every app's periodic tasks) until stopped."
    # The system checks load the site's URL configuration (every view, the
    # API and its schemas: ~14 MB the worker would keep) to check it. The
    # worker serves no page; the checks run at deployment (`manage.py check
    # --deploy`, docs/deployment.md) and at every web process's start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--name", help="Worker name shown in the admin (default host:pid).")

    def handle(self, *args, **options):
        stop = threading.Event()

        def _stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        # Before the lanes' and senders' threads start (core/runtime.py).
        runtime.limit_malloc_arenas()
        keep_connections()
        # No page is served here: the URL configuration is not loaded (see
        # notify/links.py for the links messages carry).
        runtime.settle_heap(views=False)
        if wait_for_schema(stop):
            run_forever(stop, options.get("name"))
        # Stop is honoured within a second: a send still waiting on a slow
        # provider (a thread of its own, which the interpreter would wait
        # for) is abandoned like a crash would abandon it. Its row is claimed
        # by a worker marked stopped, which the next worker takes over.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
