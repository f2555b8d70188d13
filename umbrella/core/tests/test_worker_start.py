"""What the worker prepares at start (``worker.at_start``) happens before any lane runs."""

from __future__ import annotations

import threading

import pytest

from umbrella.core import worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_up_steps_run_once_before_the_first_lane(monkeypatch, settings):
    settings.WORKER_TICK_SECONDS = 0.01
    monkeypatch.setattr(worker, "_TASKS", {})
    monkeypatch.setattr(worker, "_STARTERS", [])
    monkeypatch.setattr(worker, "autodiscover_modules", lambda *names: None)
    stop = threading.Event()
    happened = []

    def broken_step():
        happened.append("broken step")
        raise RuntimeError("a provider misconfigured")

    def prepare():
        happened.append("prepared")

    worker.at_start(broken_step)
    worker.at_start(prepare)
    worker.at_start(prepare)  # registered once

    @worker.periodic_task
    def first(now):
        happened.append("lane ran")
        stop.set()
        return False

    worker.run_forever(stop, name="start-test")
    # A failing step is logged and does not keep the lanes from starting.
    assert happened == ["broken step", "prepared", "lane ran"]


def test_the_worker_keeps_its_lanes_connections_unless_they_come_from_a_pool(monkeypatch):
    from django.db import connections

    database = connections.settings["default"]
    monkeypatch.setitem(database, "CONN_MAX_AGE", 0)
    monkeypatch.setitem(database, "CONN_HEALTH_CHECKS", False)
    worker.keep_connections()
    if (database.get("OPTIONS") or {}).get("pool"):
        # PostgreSQL's pool keeps them itself (and refuses persistent connections).
        assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (0, False)
    else:
        # Kept from one loop to the next; a broken one is replaced.
        assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (None, True)
