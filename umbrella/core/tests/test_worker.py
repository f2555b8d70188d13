import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from umbrella.core import worker
from umbrella.core.actions import record_heartbeat
from umbrella.core.models import WorkerHeartbeat
from umbrella.core.queries import gone_workers, worker_is_alive

pytestmark = pytest.mark.django_db


@pytest.fixture
def isolated_tasks(monkeypatch):
    monkeypatch.setattr(worker, "_TASKS", {})
    # Only the test's own tasks: the apps' tasks would register themselves
    # on the first import of their modules.
    monkeypatch.setattr(worker, "autodiscover_modules", lambda *names: None)
    # Hourly tasks run their first time at once here (5 s later in a real worker).
    monkeypatch.setattr(worker, "FIRST_RUN_DELAY_SECONDS", 0.0)
    return worker._TASKS


# These tests drive run_forever, the loop `manage.py worker` runs: each task on
# a lane (thread) of its own. Transactional: the loop's close_old_connections()
# closes a connection held inside the test's transaction (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_logged_and_runs_again_while_the_others_go_on(
    isolated_tasks, settings, caplog
):
    settings.WORKER_TICK_SECONDS = 0.01
    stop = threading.Event()
    failures, healthy_runs = [], []

    @worker.periodic_task
    def broken(now):
        failures.append(now)
        raise RuntimeError("integration down")

    @worker.periodic_task
    def healthy(now):
        healthy_runs.append(now)
        if len(failures) >= 3 and len(healthy_runs) >= 3:
            stop.set()
        return False

    # A watchdog for the test itself: without it a lane that died would hang it.
    watchdog = threading.Timer(30, stop.set)
    watchdog.start()
    worker.run_forever(stop, name="failing-test")
    watchdog.cancel()
    assert len(failures) >= 3 and len(healthy_runs) >= 3
    logged = [r for r in caplog.records if r.getMessage().endswith(".broken failed")]
    assert len(logged) >= 3 and all(r.exc_info for r in logged)
    assert WorkerHeartbeat.objects.get(name="failing-test").stopped_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_lane_runs_again_at_once_while_busy_and_rests_its_idle_seconds_when_not(
    isolated_tasks, settings
):
    settings.WORKER_TICK_SECONDS = 0.01
    stop = threading.Event()
    runs = []

    @worker.periodic_task(idle_seconds=3600)
    def five_items_then_idle(now):
        runs.append(now)
        return len(runs) <= 5

    def stop_when_idle():
        # Five busy runs and the idle one come at once; then the lane rests an hour.
        deadline = time.monotonic() + 30
        while len(runs) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)
        stop.set()

    threading.Thread(target=stop_when_idle, daemon=True).start()
    worker.run_forever(stop, name="idle-test")
    assert len(runs) == 6


@pytest.mark.django_db(transaction=True)
def test_the_loop_beats_and_marks_itself_stopped_on_a_clean_stop(isolated_tasks, settings):
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
    row = WorkerHeartbeat.objects.get(name="loop-test")
    assert row.process == worker.worker_name() and row.stopped_at is not None
    assert not worker_is_alive(timezone.now())


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
        # for both, that never happens and the wait times out, however long
        # (30 s, not 10: a loaded CI machine once took longer than 10 s).
        outcome.append(other_ran_meanwhile.wait(timeout=30))
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
        # Stop once the worker has said it withholds its beat (or after 60 s,
        # so a worker that never says it fails the test instead of hanging it).
        give_up_at = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < give_up_at:
            if any("heartbeat withheld" in r.getMessage() for r in caplog.records):
                release.set()
                break
            stop.wait(0.05)
        stop.set()

    watcher = threading.Thread(target=watch)
    with caplog.at_level("ERROR", logger="umbrella.core.worker"):
        watcher.start()
        worker.run_forever(stop, name="stuck-test")
    watcher.join()
    assert release.is_set()
    withheld = [r.getMessage() for r in caplog.records if "heartbeat withheld" in r.getMessage()]
    assert "test_worker.test_a_stuck_task_withholds_the_heartbeat.<locals>.stuck" in withheld[0]


@pytest.mark.django_db(transaction=True)
def test_a_lane_resting_an_hour_does_not_stop_the_beat(isolated_tasks, settings, caplog):
    """Planned rest is not a stall: with a 1 s max age, a task that rests an
    hour (and one that rests on a wake event) leaves the beat fresh."""
    settings.WORKER_TICK_SECONDS = 0.05
    settings.WORKER_HEARTBEAT_MAX_AGE = 1
    stop = threading.Event()
    runs = []

    @worker.periodic_task(idle_seconds=3600)
    def hourly(now):
        runs.append(now)
        return False

    @worker.periodic_task(idle_seconds=3600, wake=threading.Event())
    def on_wake(now):
        return False

    ages = []

    def beat_at():
        # The SQLite test database is in memory with a shared cache: a reader
        # meets the writer's table lock at once ("database table is locked")
        # instead of waiting as a file database does, so a locked read is
        # simply tried again on the next turn.
        try:
            return (
                WorkerHeartbeat.objects.filter(name="rest-test")
                .values_list("beat_at", flat=True)
                .first()
            )
        except OperationalError:
            return None

    def watch():
        # Read the beat's age for three max ages once the first beat is
        # written (a loaded machine may take a while), then stop — always,
        # so a failure fails the test instead of leaving the worker running.
        try:
            for _ in range(600):
                if beat_at() is not None:
                    break
                stop.wait(0.05)
            for _ in range(30):
                stop.wait(0.1)
                beat = beat_at()
                if beat is not None:
                    ages.append((timezone.now() - beat).total_seconds())
        finally:
            stop.set()
            connection.close()

    watcher = threading.Thread(target=watch)
    with caplog.at_level("ERROR", logger="umbrella.core.worker"):
        watcher.start()
        worker.run_forever(stop, name="rest-test")
    watcher.join()
    assert len(runs) <= 1  # it rested the whole time (its first run comes 5 s after start)
    # At least ten reads (one second: the max age) with the beat fresh.
    assert len(ages) >= 10 and max(ages) < 1
    assert not [r for r in caplog.records if "withheld" in r.getMessage()]


@pytest.mark.django_db(transaction=True)
def test_stop_is_honoured_within_a_second_by_lanes_resting_on_a_wake_event(
    isolated_tasks, settings
):
    settings.WORKER_TICK_SECONDS = 1.0
    wake = threading.Event()

    @worker.periodic_task(idle_seconds=3600, wake=wake)
    def on_wake(now):
        return False

    @worker.periodic_task(idle_seconds=3600)
    def hourly(now):
        return False

    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    lanes = []
    real_lane = worker.Lane

    def lane(*args):
        lanes.append(real_lane(*args))
        return lanes[-1]

    worker.Lane = lane
    try:
        worker.run_forever(stop, name="stop-test")
        stopped = time.monotonic()
    finally:
        worker.Lane = real_lane
    # run_forever returns within the grace; by then every lane has ended.
    assert not [lane.name for lane in lanes if lane.thread.is_alive()]
    row = WorkerHeartbeat.objects.get(name="stop-test")
    assert (row.stopped_at - row.started_at).total_seconds() < 1.5
    assert time.monotonic() - stopped < 0.1


@pytest.mark.django_db(transaction=True)
def test_a_task_running_past_its_own_limit_withholds_the_beat(isolated_tasks, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 30
    release = threading.Event()

    @worker.periodic_task(limit_seconds=0.2)
    def slow(now):
        release.wait(timeout=10)
        return False

    lane = worker.Lane("slow", slow, threading.Event())
    lane.thread.start()
    try:
        time.sleep(0.05)
        assert lane.stalled_for() == 0
        time.sleep(0.3)
        assert lane.stalled_for() > 0
    finally:
        lane.stop.set()
        release.set()
        lane.thread.join(timeout=5)
    # Resting (an hour) after the run: not stalled.
    resting = worker.Lane("rest", worker.periodic_task(lambda now: False, idle_seconds=3600),
                          threading.Event())  # fmt: skip
    resting.thread.start()
    time.sleep(0.3)
    assert resting.stalled_for() == 0
    resting.stop.set()
    resting.thread.join(timeout=5)


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])  # noqa: S603, S607
    proc.wait()
    return proc.pid


@pytest.mark.django_db(transaction=True)
def test_a_worker_of_this_host_whose_pid_is_gone_is_marked_stopped_at_start(
    isolated_tasks, settings
):
    """A worker killed with -9 leaves a fresh heartbeat: the next worker of the
    host sees its pid gone and frees its claims before it claims anything."""
    settings.WORKER_TICK_SECONDS = 0.01
    now = timezone.now()
    host = socket.gethostname()
    dead = f"{host}:{_dead_pid()}"
    elsewhere = "another-host:1"
    record_heartbeat(dead, now, now)
    record_heartbeat(elsewhere, now, now)
    assert not gone_workers(now).filter(process=dead).exists()
    stop = threading.Event()
    seen = []

    @worker.periodic_task
    def look(now):
        seen.append(set(gone_workers(timezone.now()).values_list("process", flat=True)))
        stop.set()
        return False

    worker.run_forever(stop, name="reaper")
    # Gone at once (before the first claim); another host's is judged by its beat.
    assert dead in seen[0] and elsewhere not in seen[0]
    later = timezone.now() + timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE + 1)
    assert elsewhere in set(gone_workers(later).values_list("process", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_deletes_the_rows_of_workers_gone_for_a_day_at_start_not_at_every_beat(
    isolated_tasks, settings, monkeypatch
):
    """Only rows silent for a day go, and not at every beat (the DELETE was a
    quarter of an idle worker's CPU): at start, then every REAP_READ_EVERY_SECONDS."""
    settings.WORKER_TICK_SECONDS = 0.01
    settings.WORKER_HEARTBEAT_MAX_AGE = 0.05  # a beat every 10 ms
    monkeypatch.setattr(worker, "REAP_READ_EVERY_SECONDS", 3600.0)
    now = timezone.now()
    record_heartbeat("old-host:1", now - timedelta(days=1, seconds=1), now - timedelta(days=2))
    record_heartbeat("old-host:2", now - timedelta(hours=23), now - timedelta(days=2))
    forgets = []
    real = worker.forget_old_workers
    monkeypatch.setattr(worker, "forget_old_workers", lambda at: forgets.append(at) or real(at))
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    worker.run_forever(stop, name="forgetting")
    rows = set(WorkerHeartbeat.objects.values_list("process", flat=True))
    assert "old-host:1" not in rows
    assert "old-host:2" in rows and worker.worker_name() in rows
    # Some 50 beats, one deletion: the next is at the next read, an hour away here.
    assert len(forgets) == 1


@pytest.mark.django_db(transaction=True)
def test_a_sibling_worker_killed_while_this_one_runs_is_marked_stopped_by_the_next_beat(
    isolated_tasks, settings, monkeypatch
):
    """The host's workers are read at start and every REAP_READ_EVERY_SECONDS; in
    between each beat asks the system about their pids: a sibling killed is
    found by the next beat, without reading the table again."""
    settings.WORKER_TICK_SECONDS = 0.01
    settings.WORKER_HEARTBEAT_MAX_AGE = 0.05  # a beat every 10 ms
    monkeypatch.setattr(worker, "REAP_READ_EVERY_SECONDS", 3600.0)
    reads = []
    real = worker.workers_of_host
    monkeypatch.setattr(worker, "workers_of_host", lambda host: reads.append(host) or real(host))
    sibling = subprocess.Popen(["sleep", "30"])  # noqa: S603, S607
    now = timezone.now()
    process = f"{socket.gethostname()}:{sibling.pid}"
    record_heartbeat(process, now, now)
    stop = threading.Event()
    found_at = []

    @worker.periodic_task
    def watch(now):
        if sibling.poll() is None:
            sibling.kill()
            sibling.wait()
            found_at.append(time.monotonic())
        elif WorkerHeartbeat.objects.filter(process=process, stopped_at__isnull=False).exists():
            found_at.append(time.monotonic())
            stop.set()
        return False

    threading.Timer(10, stop.set).start()
    worker.run_forever(stop, name="sibling")
    assert len(found_at) == 2, "the killed sibling was never marked stopped"
    assert len(reads) == 1  # at start only: the beats asked the system
