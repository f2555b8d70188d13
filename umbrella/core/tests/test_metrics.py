"""GET /metrics: hidden without a token, Prometheus text with it, numbers read from the rows."""

import asyncio
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from umbrella.alarms.models import Alarm, Deadline
from umbrella.core import metrics
from umbrella.core.actions import record_heartbeat, record_lanes
from umbrella.core.front import Front
from umbrella.notify.models import Delivery, Event

TOKEN = "t" * 40


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


# --- who may read them ----------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_404_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404
    assert client.head("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_answer_only_the_bearer_of_the_token(client, token):
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer " + "x" * 40},
                   {"HTTP_AUTHORIZATION": f"Basic {token}"},
                   {"HTTP_AUTHORIZATION": f"Bearer {token[:-1]}"}):  # fmt: skip
        response = client.get("/metrics", **header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"METRICS_TOKEN" in response.content and b"umbrella_" not in response.content
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"bearer {token}")
    assert response.status_code == 200
    assert b"# TYPE umbrella_alarms_raised_total counter" in response.content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.head("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


@pytest.mark.django_db
def test_metrics_live_at_the_root_not_under_a_language(client, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/metrics", **auth).status_code == 200
    assert client.get("/en/metrics", **auth).status_code == 404


def test_a_short_token_stops_the_start(monkeypatch):
    import subprocess
    import sys

    from django.conf import settings

    env = {"METRICS_TOKEN": "short", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "umbrella.settings",
             "UMBRELLA_VAR_DIR": str(settings.VAR_DIR)},
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "METRICS_TOKEN is shorter than 32 characters" in done.stderr


# --- read from the rows ----------------------------------------------------------


def alarm(source, raised_at, acknowledged_after=None, resolved=False, status="raised"):
    acknowledged_at = (
        raised_at + timedelta(seconds=acknowledged_after) if acknowledged_after else None
    )
    return Alarm.objects.create(
        source=source,
        raised_at=raised_at,
        acknowledged_at=acknowledged_at,
        resolved_at=raised_at + timedelta(minutes=5) if resolved else None,
        status=status,
        note="a note that never reaches the metrics",
    )


@pytest.mark.django_db
def test_alarms_are_counted_by_source_and_time_to_acknowledge_is_a_histogram(client, token):
    now = timezone.now()
    alarm("app", now - timedelta(minutes=30), acknowledged_after=4, resolved=True,
          status="resolved")  # fmt: skip
    alarm("app", now - timedelta(minutes=20), acknowledged_after=45, status="acknowledged")
    alarm("app", now - timedelta(minutes=1))
    alarm("device", now - timedelta(minutes=10), acknowledged_after=700, resolved=True,
          status="resolved")  # fmt: skip
    samples = scrape(client)
    assert value(samples, "umbrella_alarms_raised_total", source="app") == 3
    assert value(samples, "umbrella_alarms_acknowledged_total", source="app") == 2
    assert value(samples, "umbrella_alarms_resolved_total", source="app") == 1
    assert value(samples, "umbrella_alarms_raised_total", source="device") == 1
    assert value(samples, "umbrella_alarms_open", source="app", status="raised") == 1
    assert value(samples, "umbrella_alarms_open", source="app", status="acknowledged") == 1
    ack = "umbrella_alarm_time_to_acknowledge_seconds"
    assert value(samples, f"{ack}_bucket", source="app", le="1.0") == 0
    assert value(samples, f"{ack}_bucket", source="app", le="5.0") == 1
    assert value(samples, f"{ack}_bucket", source="app", le="30.0") == 1
    assert value(samples, f"{ack}_bucket", source="app", le="60.0") == 2
    assert value(samples, f"{ack}_bucket", source="app", le="+Inf") == 2
    assert value(samples, f"{ack}_count", source="app") == 2
    assert value(samples, f"{ack}_sum", source="app") == pytest.approx(49)
    assert value(samples, f"{ack}_bucket", source="device", le="600.0") == 0
    assert value(samples, f"{ack}_bucket", source="device", le="1800.0") == 1
    assert value(samples, f"{ack}_sum", source="device") == pytest.approx(700)


@pytest.mark.django_db
def test_deadline_lag_is_done_minus_due_by_kind(client, token):
    now = timezone.now()
    subject = alarm("app", now - timedelta(minutes=5))
    for lag_ms, kind in ((8, "escalate"), (40, "escalate"), (1500, "escalate"), (3, "realert")):
        due = now - timedelta(minutes=1)
        Deadline.objects.create(
            alarm=subject, kind=kind, due_at=due, created_at=due - timedelta(minutes=1),
            done_at=due + timedelta(milliseconds=lag_ms),
        )  # fmt: skip
    # Not done yet: in the outbox, not in the lag.
    Deadline.objects.create(alarm=subject, kind="escalate", due_at=now - timedelta(seconds=90),
                            created_at=now - timedelta(minutes=3))  # fmt: skip
    Deadline.objects.create(alarm=subject, kind="escalate", due_at=now + timedelta(hours=1),
                            created_at=now)  # fmt: skip
    samples = scrape(client)
    lag = "umbrella_deadline_lag_seconds"
    assert value(samples, f"{lag}_bucket", kind="escalate", le="0.01") == 1
    assert value(samples, f"{lag}_bucket", kind="escalate", le="0.05") == 2
    assert value(samples, f"{lag}_bucket", kind="escalate", le="1.0") == 2
    assert value(samples, f"{lag}_bucket", kind="escalate", le="2.5") == 3
    assert value(samples, f"{lag}_count", kind="escalate") == 3
    assert value(samples, f"{lag}_sum", kind="escalate") == pytest.approx(1.548, abs=1e-3)
    assert value(samples, f"{lag}_count", kind="realert") == 1
    assert value(samples, "umbrella_outbox_depth", outbox="alarms.deadlines") == 2
    assert value(samples, "umbrella_outbox_due", outbox="alarms.deadlines") == 1
    age = value(samples, "umbrella_outbox_oldest_age_seconds", outbox="alarms.deadlines")
    assert 90 <= age < 150


@pytest.mark.django_db
def test_deliveries_by_channel_and_status_and_their_outbox(client, token, worker, responder):
    now = timezone.now()
    event = Event.objects.create(event_type="alarm.raised", alarm_id=1, owner=worker, tier=1,
                                 payload={})  # fmt: skip
    rows = [("sms", "sent", 0), ("sms", "failed", 0), ("sms", "sent", 0), ("webpush", "console", 0),
            ("sms", "queued", -30), ("sms", "queued", 600), ("email", "sending", -2)]  # fmt: skip
    for channel, status, due_in in rows:
        Delivery.objects.create(event=event, recipient=responder, channel=channel, status=status,
                                next_attempt_at=now + timedelta(seconds=due_in))  # fmt: skip
    samples = scrape(client)
    assert value(samples, "umbrella_deliveries_total", channel="sms", status="sent") == 2
    assert value(samples, "umbrella_deliveries_total", channel="sms", status="failed") == 1
    assert value(samples, "umbrella_deliveries_total", channel="webpush", status="console") == 1
    assert value(samples, "umbrella_deliveries_pending", channel="sms", status="queued") == 2
    assert value(samples, "umbrella_deliveries_pending", channel="email", status="sending") == 1
    assert value(samples, "umbrella_outbox_depth", outbox="notify.deliveries") == 3
    assert value(samples, "umbrella_outbox_due", outbox="notify.deliveries") == 2
    age = value(samples, "umbrella_outbox_oldest_age_seconds", outbox="notify.deliveries")
    assert 30 <= age < 90
    # Every outbox is there, empty ones at 0.
    for outbox in metrics.OUTBOXES:
        assert ("umbrella_outbox_depth", (("outbox", outbox.name),)) in samples
    assert value(samples, "umbrella_outbox_oldest_age_seconds", outbox="consultation.notices") == 0


@pytest.mark.django_db
def test_each_running_workers_lanes_show_their_last_loop_and_how_late_they_are(client, token):
    now = timezone.now()
    clock = time.time()
    lanes = {
        "alarms.tasks.process_deadlines": {"loop": clock - 0.5, "back_by": clock + 9},
        "reports.tasks.send_notifications": {"loop": clock - 40, "back_by": clock - 25},
    }
    record_heartbeat("host-a:10", now, now, lanes=lanes)
    record_heartbeat("host-b:11", now - timedelta(seconds=30), now - timedelta(hours=1))
    # Stuck: the beat is withheld, the lanes are still written.
    record_lanes(
        "host-b:11",
        now,
        {"notify.tasks.pump_deliveries": {"loop": clock - 70, "back_by": clock - 50}},
    )
    record_heartbeat("host-c:12", now - timedelta(hours=2), now - timedelta(hours=3),
                     lanes=lanes)  # fmt: skip  # silent for two hours: left out
    samples = scrape(client)
    loop = "umbrella_worker_lane_last_loop_age_seconds"
    overdue = "umbrella_worker_lane_overdue_seconds"
    a, b = "host-a:10", "host-b:11"
    assert 0.5 <= value(samples, loop, worker=a, lane="alarms.tasks.process_deadlines") < 30
    assert value(samples, overdue, worker=a, lane="alarms.tasks.process_deadlines") == 0
    assert 25 <= value(samples, overdue, worker=a, lane="reports.tasks.send_notifications") < 60
    assert 50 <= value(samples, overdue, worker=b, lane="notify.tasks.pump_deliveries") < 90
    assert 30 <= value(samples, "umbrella_worker_beat_age_seconds", worker=b) < 90
    assert value(samples, "umbrella_workers_alive") == 1
    assert not [key for key in samples if ("worker", "host-c:12") in key[1]]


@pytest.mark.django_db
def test_a_database_that_fails_leaves_the_process_metrics_and_says_so(client, token, monkeypatch):
    from django.db import OperationalError

    assert value(scrape(client), "umbrella_metrics_database_up") == 1

    def down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(metrics.DatabaseCollector, "_alarms", down)
    samples = scrape(client)
    assert value(samples, "umbrella_metrics_database_up") == 0
    assert ("umbrella_open_streams", ()) in samples
    assert not [key for key in samples if key[0].startswith("umbrella_outbox")]


@pytest.mark.django_db
def test_no_client_data_reaches_the_metrics(client, token):
    alarm("app", timezone.now())
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert "note" not in text and "latitude" not in text


# --- observed in the web process -------------------------------------------------


def served(path, method="GET"):
    from umbrella.asgi import application

    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(),
        "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("203.0.113.7", 50000),
        "headers": [(b"host", b"127.0.0.1")], "query_string": b"", "http_version": "1.1",
        "root_path": "",
    }  # fmt: skip
    status = {}
    sent = []

    async def receive():
        if not sent:
            sent.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        while not status.get("done"):  # the client stays until the answer is complete
            await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]
        elif not message.get("more_body"):
            status["done"] = True

    asyncio.run(Front(application, access_log=False)(scope, receive, send))
    return status["code"]


def requests(route, method="GET", status="200") -> float:
    labels = {"route": route, "method": method, "status": status}
    return metrics.PROCESS_REGISTRY.get_sample_value("umbrella_http_requests_total", labels) or 0


def test_http_requests_are_counted_by_route_and_status_never_by_path():
    before = {
        "live": requests("healthz/live"),
        "about": requests("<lang>/about/"),
        "unmatched": requests("unmatched", status="404"),
        "odd": requests("unmatched", method="other", status="404"),
    }
    assert served("/healthz/live") == 200
    assert served("/fr/about/") == 200
    assert served("/nl/about/") == 200
    assert served("/api/v1/no-such-thing/4471-secret") == 404
    assert served("/nowhere/4471-secret", method="BREW") == 404
    assert requests("healthz/live") == before["live"] + 1
    assert requests("<lang>/about/") == before["about"] + 2
    assert requests("unmatched", status="404") == before["unmatched"] + 1
    assert requests("unmatched", method="other", status="404") == before["odd"] + 1
    text = b"".join(metrics.generate_latest(metrics.PROCESS_REGISTRY).splitlines()).decode()
    assert "4471-secret" not in text and "BREW" not in text and "/fr/" not in text
    duration = metrics.PROCESS_REGISTRY.get_sample_value(
        "umbrella_http_request_duration_seconds_count", {"route": "<lang>/about/"}
    )
    assert duration >= 2


@pytest.mark.django_db(transaction=True)
def test_the_alarm_stream_is_counted_under_its_route_though_no_url_pattern_names_it():
    # umbrella/asgi.py hands the stream to notify/stream.py before Django resolves a URL.
    # The stream authenticates on a thread of its own, which opens a database connection
    # (transactional: the in-memory SQLite test database is shared with that thread).
    before = requests("api/v1/alarms/stream", status="401")
    assert served("/api/v1/alarms/stream") == 401
    assert requests("api/v1/alarms/stream", status="401") == before + 1


def test_routes_are_url_patterns_with_the_language_as_a_placeholder():
    assert metrics.route_for_path("/en/verify/CODE-OF-HERS") == "<lang>/verify/<str:code>"
    assert metrics.route_for_path("/ro/verify/ABC") == "<lang>/verify/<str:code>"
    assert metrics.route_for_path("/open311/v2/requests.json") == "open311/v2/requests.<str:fmt>"
    assert metrics.route_for_path("/static/core/site.css") == "static"
    assert metrics.route_for_path("/xx/about/") == "unmatched"


def test_open_streams_go_up_and_down():
    start = metrics.OPEN_STREAMS._value.get()
    metrics.stream_opened()
    metrics.stream_opened()
    metrics.stream_closed()
    assert metrics.OPEN_STREAMS._value.get() == start + 1
    metrics.stream_closed()


# --- The worker records its lanes -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_stuck_lane_is_recorded_late_while_the_beat_is_withheld(monkeypatch, settings, caplog):
    import threading

    from umbrella.core import worker
    from umbrella.core.models import WorkerHeartbeat

    monkeypatch.setattr(worker, "_TASKS", {})
    monkeypatch.setattr(worker, "autodiscover_modules", lambda *names: None)
    settings.WORKER_TICK_SECONDS = 0.01
    settings.WORKER_HEARTBEAT_MAX_AGE = 1
    stop, release = threading.Event(), threading.Event()

    @worker.periodic_task
    def stuck(now):
        release.wait(timeout=10)
        return False

    @worker.periodic_task(idle_seconds=0.05)
    def quick(now):
        return False

    def watch():
        give_up_at = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < give_up_at:
            if sum("heartbeat withheld" in r.getMessage() for r in caplog.records) >= 20:
                break  # withheld for a while, lanes written each tick meanwhile
            stop.wait(0.05)
        release.set()
        stop.set()

    watcher = threading.Thread(target=watch)
    with caplog.at_level("ERROR", logger="umbrella.core.worker"):
        watcher.start()
        worker.run_forever(stop, name="lanes-test")
    watcher.join()
    row = WorkerHeartbeat.objects.get(name="lanes-test")
    stuck_name = next(name for name in row.lanes if name.endswith("<locals>.stuck"))
    quick_name = next(name for name in row.lanes if name.endswith("<locals>.quick"))
    recorded = row.lanes_at.timestamp()
    assert row.lanes_at > row.beat_at  # lanes went on being written, the beat did not
    assert row.lanes[stuck_name]["back_by"] < recorded  # late when recorded
    assert recorded - row.lanes[stuck_name]["loop"] > 1  # its one run began long before
    assert recorded - row.lanes[quick_name]["loop"] < 1  # the other lane kept looping
    assert row.lanes[quick_name]["back_by"] > recorded - 0.5
