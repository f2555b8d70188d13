"""Run the background worker: heartbeat and every registered periodic task."""

import signal
import threading

from django.core.management.base import BaseCommand

from umbrella.core import runtime
from umbrella.core.worker import run_forever


class Command(BaseCommand):
    help = "Run the background worker (heartbeat, deadlines, deliveries) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--name", help="Worker name shown in /healthz (default host:pid).")

    def handle(self, *args, **options):
        stop = threading.Event()

        def _stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        runtime.settle_heap()
        run_forever(stop, options.get("name"))
