import threading

import pytest
from django.utils import timezone

from umbrella.core import worker
from umbrella.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def isolated_tasks(monkeypatch):
    monkeypatch.setattr(worker, "_TASKS", {})
    return worker._TASKS


def test_a_failing_task_does_not_stop_the_others(isolated_tasks):
    calls = []

    @worker.periodic_task
    def broken(now):
        raise RuntimeError("integration down")

    @worker.periodic_task
    def healthy(now):
        calls.append(now)
        return True

    now = timezone.now()
    assert worker.run_tasks_once(now) is True
    assert calls == [now]


def test_run_tasks_once_reports_idle_when_no_task_did_work(isolated_tasks):
    worker.periodic_task(lambda now: False)
    assert worker.run_tasks_once(timezone.now()) is False


# Transactional: the loop's close_old_connections() closes a connection held
# inside the test's transaction (PostgreSQL), after which nothing can query.
@pytest.mark.django_db(transaction=True)
def test_the_loop_beats_and_forgets_its_heartbeat_on_a_clean_stop(isolated_tasks, settings):
    settings.WORKER_TICK_SECONDS = 0.01
    stop = threading.Event()
    seen = []

    @worker.periodic_task
    def look(now):
        seen.append(WorkerHeartbeat.objects.filter(name="loop-test").exists())
        stop.set()
        return False

    worker.run_forever(stop, name="loop-test")
    assert seen == [True]
    assert not WorkerHeartbeat.objects.filter(name="loop-test").exists()
