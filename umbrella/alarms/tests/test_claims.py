"""Claims of a worker that is gone are free at once; a live holder keeps its claim."""

from datetime import timedelta

import pytest

from umbrella.alarms import actions, events
from umbrella.alarms.models import Deadline, Source
from umbrella.alarms.tests.conftest import TIER1_DELAY
from umbrella.core.actions import mark_worker_stopped, record_heartbeat


def s(seconds):
    return timedelta(seconds=seconds)


@pytest.fixture
def due(personas, circle, published, t0):
    actions.raise_alarm(personas.worker, Source.APP, t0)
    return t0 + s(TIER1_DELAY)


def test_a_claim_of_a_beating_worker_stays_its_own_until_the_lease_ends(due, settings):
    settings.ALARM_DEADLINE_LEASE_SECONDS = 30
    record_heartbeat("host:1", due, due)
    assert actions.claim_due_deadline(due, "host:1") is not None
    record_heartbeat("host:1", due + s(5), due)
    assert actions.claim_due_deadline(due + s(6), "host:2") is None


def test_a_claim_of_a_worker_marked_stopped_is_free_at_once(due, published, settings):
    settings.ALARM_DEADLINE_LEASE_SECONDS = 30
    record_heartbeat("host:1", due, due)
    pk = actions.claim_due_deadline(due, "host:1")
    # A worker of its host found the pid gone (or it stopped cleanly).
    mark_worker_stopped("host:1", due + s(1))
    assert actions.claim_due_deadline(due + s(1), "host:2") == pk
    assert actions.take_step(pk, "host:1", due + s(2)) is False
    assert actions.take_step(pk, "host:2", due + s(2)) is True
    assert len(published.of(events.ESCALATED)) == 1
    assert Deadline.objects.get(pk=pk).attempt == 2


def test_a_claim_of_a_worker_silent_for_the_max_age_is_free(due, settings):
    settings.ALARM_DEADLINE_LEASE_SECONDS = 30
    settings.WORKER_HEARTBEAT_MAX_AGE = 10
    record_heartbeat("other-host:7", due, due)
    pk = actions.claim_due_deadline(due, "other-host:7")
    assert actions.claim_due_deadline(due + s(10), "host:2") is None
    assert actions.claim_due_deadline(due + s(11), "host:2") == pk


def test_a_holder_without_a_heartbeat_row_keeps_its_claim_for_the_lease(due, settings):
    """A one-off caller (a test, a shell) is not judged gone: only the lease frees it."""
    settings.ALARM_DEADLINE_LEASE_SECONDS = 30
    pk = actions.claim_due_deadline(due, "shell")
    assert actions.claim_due_deadline(due + s(29), "host:2") is None
    assert actions.claim_due_deadline(due + s(31), "host:2") == pk
