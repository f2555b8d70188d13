"""Worker leases: a task that one worker at a time runs (core.actions.take_lease)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from umbrella.core.actions import mark_worker_stopped, record_heartbeat, release_lease, take_lease

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_a_held_lease_is_refused_to_another_worker_until_it_is_let_go():
    assert take_lease("refresh", "host:1", T0, 600)
    assert not take_lease("refresh", "host:2", T0 + timedelta(seconds=1), 600)
    assert take_lease("refresh", "host:1", T0 + timedelta(seconds=2), 600)  # its holder renews it
    release_lease("refresh", "host:2")  # not its holder: nothing changes
    assert not take_lease("refresh", "host:2", T0 + timedelta(seconds=3), 600)
    release_lease("refresh", "host:1")
    assert take_lease("refresh", "host:2", T0 + timedelta(seconds=4), 600)


def test_a_lease_that_ran_out_is_free():
    assert take_lease("refresh", "host:1", T0, 60)
    assert not take_lease("refresh", "host:2", T0 + timedelta(seconds=59), 60)
    assert take_lease("refresh", "host:2", T0 + timedelta(seconds=61), 60)


def test_the_lease_of_a_worker_that_stopped_is_free_at_once():
    record_heartbeat("host:1", T0, T0)
    assert take_lease("refresh", "host:1", T0, 600)
    mark_worker_stopped("host:1", T0 + timedelta(seconds=1))
    assert take_lease("refresh", "host:2", T0 + timedelta(seconds=2), 600)


def test_leases_of_different_tasks_are_apart():
    assert take_lease("refresh", "host:1", T0, 600)
    assert take_lease("labels", "host:2", T0, 600)


@pytest.mark.django_db(transaction=True)
def test_of_eight_workers_asking_at_the_same_moment_one_holds_it():
    gate = threading.Barrier(8)
    won: list[str] = []

    def ask(holder: str) -> None:
        try:
            gate.wait(timeout=10)
            if take_lease("refresh", holder, T0, 600):
                won.append(holder)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(f"host:{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1, won
