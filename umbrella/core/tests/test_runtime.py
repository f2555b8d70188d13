"""The garbage-collector policy of the web process, checked in fresh interpreters.

Run in a subprocess: freezing the heap and moving the thresholds of the test
process itself would change every test after this one.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

DRIVER = r"""
import asyncio, gc, json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
before = gc.get_threshold()
from umbrella.asgi import application


async def lifespan():
    messages = [{"type": "lifespan.startup"}]
    sent = []
    started = asyncio.Event()

    async def receive():
        if messages:
            return messages.pop(0)
        await started.wait()
        return {"type": "lifespan.shutdown"}

    async def send(message):
        sent.append(message["type"])
        if message["type"] == "lifespan.startup.complete":
            started.set()

    await application({"type": "lifespan"}, receive, send)
    return sent


sent = asyncio.run(lifespan())
print(json.dumps({"sent": sent, "frozen": gc.get_freeze_count(),
                  "before": before, "after": gc.get_threshold()}))
"""


def _lifespan(**env) -> dict:
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", DRIVER],
        cwd=settings.BASE_DIR,
        env={**os.environ, "WORKER_HEARTBEAT_MAX_AGE": "10", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_startup_freezes_the_loaded_heap_and_times_full_collections():
    state = _lifespan()
    assert state["sent"] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    # Django, the URL patterns and every view were loaded, then frozen.
    assert state["frozen"] > 50_000
    # Young collections as before; the oldest generation only on the timer.
    assert state["after"][:2] == state["before"][:2]
    assert state["after"][2] >= 1_000_000


def test_zero_keeps_cpythons_collector_as_it_is():
    state = _lifespan(GC_FULL_COLLECTION_SECONDS="0")
    assert state["frozen"] == 0
    assert state["after"] == state["before"]


def test_the_worker_collects_on_its_timer_only(monkeypatch, settings):
    from umbrella.core import runtime

    settings.GC_FULL_COLLECTION_SECONDS = 300
    clock = [1000.0]
    monkeypatch.setattr(runtime.time, "monotonic", lambda: clock[0])
    ran = []
    monkeypatch.setattr(runtime, "collect_fully", lambda: ran.append(clock[0]) or 0.0)
    timer = runtime.CollectionTimer()
    clock[0] += 299
    assert timer.maybe_collect() is False
    clock[0] += 1
    assert timer.maybe_collect() is True
    assert timer.maybe_collect() is False
    assert ran == [1300.0]

    settings.GC_FULL_COLLECTION_SECONDS = 0
    clock[0] += 10_000
    assert runtime.CollectionTimer().maybe_collect() is False
    assert ran == [1300.0]


WORKER_DRIVER = r"""
import gc, json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
django.setup()
from django.core.management import ManagementUtility
from django.utils.module_loading import autodiscover_modules
from umbrella.core import runtime
from umbrella.core.management.commands import worker
# The command's start as manage.py runs it (its system checks), without its loop.
worker.Command.handle = lambda self, *args, **options: None
ManagementUtility(["manage.py", "worker"]).execute()
autodiscover_modules("tasks")
settled = runtime.settle_heap(views=False)
from umbrella.notify import transports
text = transports.message_text("alarm.escalated", "fr")
print(json.dumps({"settled": settled, "frozen": gc.get_freeze_count(), "text": text,
                  "loaded": sorted(m for m in ("umbrella.urls", "umbrella.api", "ninja", "pydantic",
                                               "aiohttp", "requests", "pywebpush")
                                     if m in sys.modules)}))
"""


def test_the_worker_loads_neither_the_sites_urls_nor_unused_http_clients():
    # The worker's memory (issue 18, goal 100 MiB): it serves no page, so it
    # never loads the URL configuration (every view, the API's schemas), not
    # even for the system checks, nor ninja and pydantic (not an installed app:
    # settings/base.py), and
    # the push sender needs no requests/aiohttp (notify/webpush.py).
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", WORKER_DRIVER],
        cwd=settings.BASE_DIR,
        env={**os.environ, "GC_FULL_COLLECTION_SECONDS": "300", "SITE_URL": "https://u.example"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["settled"] and state["frozen"] > 50_000
    assert state["text"].endswith("https://u.example/fr/alarms/console/")
    assert state["loaded"] == []
