"""What the worker prepares at start (``worker.at_start``) happens before any lane runs."""

from __future__ import annotations

import threading

import pytest
from django.test.utils import CaptureQueriesContext

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


def test_a_claim_commits_without_waiting_for_the_disk_and_nothing_else_does():
    from django.db import connection, transaction

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        worker.commit_claim_unflushed()
        inside = synchronous_commit() if connection.vendor == "postgresql" else None
    if connection.vendor == "postgresql":
        # For the claim's transaction only: the next one waits for the disk again.
        assert inside == "off" and synchronous_commit() == "on"
    else:
        # SQLite: not a statement more.
        assert not [q for q in queries.captured_queries if "synchronous" in q["sql"]]


def test_a_worker_started_before_its_migrations_waits_for_them_and_says_so_once(
    monkeypatch, caplog
):
    """`make serve` after an update without `deploy`: one clear line, not every
    lane failing on every loop over missing tables; it starts once they are applied."""
    from django.db import OperationalError

    monkeypatch.setattr(worker, "SCHEMA_WAIT_SECONDS", 0.01)
    answers = [
        OperationalError("connection refused"),
        OperationalError("connection refused"),
        ["alarms.0042_new", "core.0009_new"],
        ["alarms.0042_new", "core.0009_new"],
        ["core.0009_new"],  # a `migrate` under way: nothing new to say
        [],
    ]

    def pending():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(worker, "pending_migrations", pending)
    with caplog.at_level("WARNING", logger="umbrella.core.worker"):
        assert worker.wait_for_schema(threading.Event())
    assert not answers
    said = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert said == [
        ("ERROR", "the worker waits for its database, which does not answer (OperationalError)"),
        (
            "ERROR",
            "the worker waits for 2 migration(s) to be applied (alarms.0042_new, "
            "core.0009_new): run `manage.py deploy`",
        ),
        ("WARNING", "the worker's database is ready: the worker starts"),
    ]


def test_a_worker_stopped_while_it_waits_for_its_migrations_never_starts(monkeypatch):
    monkeypatch.setattr(worker, "SCHEMA_WAIT_SECONDS", 0.01)
    stop = threading.Event()

    def pending():
        stop.set()
        return ["core.0009_new"]

    monkeypatch.setattr(worker, "pending_migrations", pending)
    assert not worker.wait_for_schema(stop)
