"""Metrics for operators in Prometheus' text format: ``GET /metrics`` (docs/operations.md).

Two kinds, so that nothing is lost across restarts and every process is seen:

- **read from the database at each scrape** (``DatabaseCollector``): alarms
  raised, acknowledged and resolved by source; the time to the first
  acknowledgement and the deadline lag (due → done) as histograms; deliveries
  by channel and status; the depth and the oldest due item of every outbox;
  each running worker's beat and each of its lanes' last loop. The rows are
  the truth, whichever process (or host) wrote them.
- **observed in the web process** that served a request: HTTP requests by
  route and status, their duration, open alarm streams. ``manage.py serve``
  runs several web processes and gives them one directory for
  prometheus_client's multiprocess files (``PROMETHEUS_MULTIPROC_DIR``), so the
  process a scrape reaches adds up all of them; a web process started on its
  own counts for itself.

Labels carry no client data: a route is the URL pattern that matched
(``api/v1/alarms/<int:alarm_id>/acknowledge``), never the path; a method
outside the usual few is ``other``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import values as prometheus_values
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.multiprocess import MultiProcessCollector

from umbrella.core import outbox
from umbrella.core.middleware import InlineMiddleware

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Set by serve for its web processes (management/commands/serve.py).
MULTIPROCESS = bool(getattr(prometheus_values.ValueClass, "_multiprocess", False))

# --- Observed in the web processes ------------------------------------------

PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
HTTP_REQUESTS = Counter(
    "umbrella_http_requests",
    "HTTP requests answered, by route (the URL pattern), method and status.",
    ["route", "method", "status"],
    registry=PROCESS_REGISTRY,
)
HTTP_DURATION = Histogram(
    "umbrella_http_request_duration_seconds",
    "Time to answer an HTTP request (to its last byte), by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=PROCESS_REGISTRY,
)
OPEN_STREAMS = Gauge(
    "umbrella_open_streams",
    "Alarm streams (server-sent events) open in each web process.",
    # "liveall": one series per live process (label pid); a dead one's is dropped.
    multiprocess_mode="liveall",
    registry=PROCESS_REGISTRY,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Where the route middleware leaves the matched pattern for the front (core/front.py).
ROUTE_KEY = "umbrella.route"
UNMATCHED = "unmatched"


def route_of(match) -> str:
    """Return the URL pattern of a resolver match, its language prefix as ``<lang>/``."""
    route = match.route or match.view_name or UNMATCHED
    head, sep, rest = route.partition("/")
    if sep and head in _language_codes():
        return f"<lang>/{rest}"
    return route


@functools.cache
def _language_codes() -> frozenset[str]:
    return frozenset(code for code, _name in settings.LANGUAGES)


@functools.lru_cache(maxsize=4096)
def route_for_path(path: str) -> str:
    """Return the route of a request Django did not resolve (served in front of it,
    answered by a middleware, or not found)."""
    if path.startswith(settings.STATIC_URL):
        return "static"
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return route_of(resolve(path))
    except Resolver404:
        return UNMATCHED


class RouteMiddleware(InlineMiddleware):
    """Leave the route Django matched in the ASGI scope, for the front's metrics."""

    def after(self, request, response):
        scope = getattr(request, "scope", None)
        match = getattr(request, "resolver_match", None)
        if scope is not None and match is not None:
            scope[ROUTE_KEY] = route_of(match)
        return response


def observe_request(scope, status: int, seconds: float) -> None:
    """Count one answered request (``core/front.py`` calls this for every request).

    Never raises: a metric must not turn an answer into an error."""
    try:
        route = scope.get(ROUTE_KEY) or route_for_path(scope["path"])
        method = scope["method"] if scope["method"] in METHODS else "other"
        HTTP_REQUESTS.labels(route, method, str(status or 0)).inc()
        HTTP_DURATION.labels(route).observe(seconds)
    except Exception:
        logger.exception("could not count a request for the metrics")


def stream_opened() -> None:
    OPEN_STREAMS.inc()


def stream_closed() -> None:
    OPEN_STREAMS.dec()


# --- Read from the database at each scrape ------------------------------------

ACK_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# A worker row not stopped but silent this long is left out (it died where no
# worker of its host could see it; /healthz and the stalled-lane alert have
# told for this long already).
WORKER_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Watched:
    """A table the worker empties that is not a ``core.outbox`` (the escalation deadlines):
    its pending rows, and the field saying when each is due."""

    name: str
    model: str
    pending: Q
    due: str


DEADLINES = Watched("alarms.deadlines", "alarms.Deadline", Q(done_at__isnull=True), "due_at")


class _Outboxes:
    """The deadlines, then every registered outbox (``core.outbox.registered``), read
    at each use: the outboxes declare themselves beside their models."""

    def __iter__(self) -> Iterator[Watched | outbox.Outbox]:
        return iter((DEADLINES, *outbox.registered()))


OUTBOXES = _Outboxes()


def _seconds(value) -> float:
    """Return a duration aggregate as seconds (a timedelta, or microseconds on SQLite)."""
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000


def _histogram(queryset, group: str, start: str, end: str, buckets) -> dict[str, tuple]:
    """Return, per value of ``group``, the cumulative bucket counts, count and sum of
    ``end - start`` over ``queryset`` (one query, counted by the database)."""
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    counts = {
        f"le_{i}": Count("pk", filter=Q(duration__lte=timedelta(seconds=bound)))
        for i, bound in enumerate(buckets)
    }
    rows = (
        queryset.order_by()
        .annotate(duration=duration)
        .values(group)
        .annotate(count=Count("pk"), total=Sum("duration"), **counts)
    )
    result = {}
    for row in rows:
        cumulative = [(str(float(b)), row[f"le_{i}"]) for i, b in enumerate(buckets)]
        cumulative.append(("+Inf", row["count"]))
        result[row[group]] = (cumulative, _seconds(row["total"]))
    return result


class DatabaseCollector:
    """The metrics whose truth is in the rows, read at each scrape."""

    def collect(self):
        up = GaugeMetricFamily(
            "umbrella_metrics_database_up",
            "Whether this scrape could read the database (0: the database metrics are missing).",
        )
        now = timezone.now()
        try:
            families = [
                *self._alarms(),
                *self._deadlines(),
                *self._deliveries(),
                *self._outboxes(now),
                *self._workers(now),
            ]
        except DatabaseError:
            logger.exception("GET /metrics could not read the database")
            families = []
        up.add_metric([], 1 if families else 0)
        yield up
        yield from families

    def _alarms(self):
        Alarm = apps.get_model("alarms", "Alarm")
        raised = CounterMetricFamily(
            "umbrella_alarms_raised", "Alarms raised, by source.", labels=["source"]
        )
        acknowledged = CounterMetricFamily(
            "umbrella_alarms_acknowledged",
            "Alarms acknowledged by a responder, by source.",
            labels=["source"],
        )
        resolved = CounterMetricFamily(
            "umbrella_alarms_resolved", "Alarms resolved, by source.", labels=["source"]
        )
        open_now = GaugeMetricFamily(
            "umbrella_alarms_open",
            "Alarms open now (raised: nobody acknowledged yet), by source and status.",
            labels=["source", "status"],
        )
        rows = (
            Alarm.objects.order_by()
            .values("source")
            .annotate(
                raised=Count("pk"),
                acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
                resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
                open_raised=Count("pk", filter=Q(status="raised")),
                open_acknowledged=Count("pk", filter=Q(status="acknowledged")),
            )
        )
        for row in rows:
            source = row["source"]
            raised.add_metric([source], row["raised"])
            acknowledged.add_metric([source], row["acknowledged"])
            resolved.add_metric([source], row["resolved"])
            open_now.add_metric([source, "raised"], row["open_raised"])
            open_now.add_metric([source, "acknowledged"], row["open_acknowledged"])
        yield from (raised, acknowledged, resolved, open_now)
        ack = HistogramMetricFamily(
            "umbrella_alarm_time_to_acknowledge_seconds",
            "Time from an alarm raised to its first acknowledgement, by source.",
            labels=["source"],
        )
        acknowledged_rows = Alarm.objects.filter(acknowledged_at__isnull=False)
        histogram = _histogram(
            acknowledged_rows, "source", "raised_at", "acknowledged_at", ACK_BUCKETS
        )
        for source, (buckets, total) in histogram.items():
            ack.add_metric([source], buckets, total)
        yield ack

    def _deadlines(self):
        Deadline = apps.get_model("alarms", "Deadline")
        lag = HistogramMetricFamily(
            "umbrella_deadline_lag_seconds",
            "How late the worker took a deadline's step (done - due), by kind.",
            labels=["kind"],
        )
        done = Deadline.objects.filter(done_at__isnull=False)
        histogram = _histogram(done, "kind", "due_at", "done_at", LAG_BUCKETS)
        for kind, (buckets, total) in histogram.items():
            lag.add_metric([kind], buckets, total)
        yield lag

    def _deliveries(self):
        Delivery = apps.get_model("notify", "Delivery")
        ended = CounterMetricFamily(
            "umbrella_deliveries",
            "Delivery attempts that ended (sent, console, failed, superseded), by channel "
            "and status.",
            labels=["channel", "status"],
        )
        pending = GaugeMetricFamily(
            "umbrella_deliveries_pending",
            "Delivery attempts not ended yet (queued, sending), by channel and status.",
            labels=["channel", "status"],
        )
        rows = Delivery.objects.order_by().values("channel", "status").annotate(n=Count("pk"))
        for row in rows:
            family = pending if row["status"] in ("queued", "sending") else ended
            family.add_metric([row["channel"], row["status"]], row["n"])
        yield from (ended, pending)

    def _outboxes(self, now: datetime):
        depth = GaugeMetricFamily(
            "umbrella_outbox_depth",
            "Rows waiting in each outbox (due now or later).",
            labels=["outbox"],
        )
        due = GaugeMetricFamily(
            "umbrella_outbox_due", "Rows of each outbox due now and not done.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "umbrella_outbox_oldest_age_seconds",
            "How long the oldest row due in each outbox has waited since its due time "
            "(0 when none is due).",
            labels=["outbox"],
        )
        for table in OUTBOXES:
            model = apps.get_model(table.model)
            is_due = Q(**{f"{table.due}__lte": now})
            row = (
                model.objects.order_by()
                .filter(table.pending)
                .aggregate(
                    depth=Count("pk"),
                    due=Count("pk", filter=is_due),
                    oldest=Min(table.due, filter=is_due),
                )
            )
            depth.add_metric([table.name], row["depth"])
            due.add_metric([table.name], row["due"])
            age = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
            oldest.add_metric([table.name], max(0.0, age))
        yield from (depth, due, oldest)

    def _workers(self, now: datetime):
        WorkerHeartbeat = apps.get_model("core", "WorkerHeartbeat")
        beat_age = GaugeMetricFamily(
            "umbrella_worker_beat_age_seconds",
            "Seconds since each running worker's last heartbeat.",
            labels=["worker"],
        )
        alive = GaugeMetricFamily(
            "umbrella_workers_alive",
            "Workers that beat within WORKER_HEARTBEAT_MAX_AGE (what /healthz asks).",
        )
        loop_age = GaugeMetricFamily(
            "umbrella_worker_lane_last_loop_age_seconds",
            "Seconds since each worker lane (periodic task) began its last loop: a run, "
            "then its rest.",
            labels=["worker", "lane"],
        )
        overdue = GaugeMetricFamily(
            "umbrella_worker_lane_overdue_seconds",
            "Seconds each lane is past the time it promised to be back (its run's limit, "
            "or its rest); 0 while it keeps its word.",
            labels=["worker", "lane"],
        )
        since = now - WORKER_WINDOW
        rows = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).filter(
            Q(beat_at__gte=since) | Q(lanes_at__gte=since)
        )
        clock = time.time()
        max_age = settings.WORKER_HEARTBEAT_MAX_AGE
        count = 0
        for row in rows.order_by("process"):
            age = max(0.0, (now - row.beat_at).total_seconds())
            count += age <= max_age
            beat_age.add_metric([row.process], age)
            for lane, state in sorted((row.lanes or {}).items()):
                loop_age.add_metric([row.process, lane], max(0.0, clock - state["loop"]))
                overdue.add_metric([row.process, lane], max(0.0, clock - state["back_by"]))
        alive.add_metric([], count)
        yield from (beat_age, alive, loop_age, overdue)


def render() -> bytes:
    """Return every metric in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    if MULTIPROCESS:
        # Every web process's files, this one's included (the directory comes
        # from the environment serve gave the process).
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(PROCESS_REGISTRY) + generate_latest(registry)
