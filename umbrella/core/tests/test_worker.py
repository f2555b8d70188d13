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


@pytest.mark.django_db(transaction=True)
def test_a_slow_task_does_not_hold_back_the_others(isolated_tasks, settings):
    """Deadlines and deliveries run on lanes of their own: one blocking call
    (a provider that takes seconds to answer) does not stop the other."""
    settings.WORKER_TICK_SECONDS = 0.01
    stop = threading.Event()
    other_ran_meanwhile = threading.Event()
    outcome = []

    @worker.periodic_task
    def slow_delivery(now):
        # Blocks until the other task has run three times: with one loop
        # for both, that never happens and the wait times out.
        outcome.append(other_ran_meanwhile.wait(timeout=10))
        stop.set()
        return False

    calls = []

    @worker.periodic_task
    def deadline(now):
        calls.append(now)
        if len(calls) >= 3:
            other_ran_meanwhile.set()
        return False

    worker.run_forever(stop, name="lanes-test")
    assert outcome == [True]
    assert len(calls) >= 3


@pytest.mark.django_db(transaction=True)
def test_a_stuck_task_withholds_the_heartbeat(isolated_tasks, settings, caplog):
    settings.WORKER_TICK_SECONDS = 0.01
    settings.WORKER_HEARTBEAT_MAX_AGE = 1
    stop = threading.Event()
    release = threading.Event()

    @worker.periodic_task
    def stuck(now):
        release.wait(timeout=10)
        return False

    def watch():
        # Stop once the worker has said it withholds its beat.
        while not stop.is_set():
            if any("heartbeat withheld" in r.getMessage() for r in caplog.records):
                release.set()
                stop.set()
            stop.wait(0.05)

    watcher = threading.Thread(target=watch)
    with caplog.at_level("ERROR", logger="umbrella.core.worker"):
        watcher.start()
        worker.run_forever(stop, name="stuck-test")
    watcher.join()
    assert release.is_set()
    withheld = [r.getMessage() for r in caplog.records if "heartbeat withheld" in r.getMessage()]
    assert "test_worker.test_a_stuck_task_withholds_the_heartbeat.<locals>.stuck" in withheld[0]
