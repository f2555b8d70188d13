"""Notifications to bodies: one row each, every attempt recorded, retries with backoff.

Webhooks and Open311 endpoints are reached through httpx; the tests swap the
client for one on an ``httpx.MockTransport`` (the HTTP seam).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from django.core import mail
from django.utils import timezone

from umbrella.core import outbound
from umbrella.reports import notifications, tasks
from umbrella.reports.actions.notifying import MAX_ATTEMPTS, claim_due, retry_delay
from umbrella.reports.models import BodyNotification, Contact, NotificationStatus
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db


class Recorder:
    """An httpx transport that answers from a list of responses and keeps the requests."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses.pop(0) if self.responses else httpx.Response(200)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def http(monkeypatch):
    # Every receiver's name resolves to one public address (core/outbound.py
    # refuses names it cannot resolve, and private addresses).
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["93.184.215.14"])

    def install(*responses) -> Recorder:
        recorder = Recorder(*responses)
        notifications.set_http_client(httpx.Client(transport=httpx.MockTransport(recorder)))
        return recorder

    yield install
    notifications.set_http_client(None)


def webhook(body, secret="s3cret", **extra):  # noqa: S107 -- a test key
    return Contact.objects.create(
        body=body, channel="webhook", endpoint="https://hooks.example/in", secret=secret, **extra
    )


def test_a_report_queues_one_row_per_contact_of_each_receiving_body(matrix):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    webhook(matrix.saint_josse)
    Contact.objects.create(
        body=matrix.saint_josse,
        category=matrix.category("noise"),
        channel="email",
        endpoint="noise@example.org",
    )
    report = submit().report  # litter: the noise contact does not apply
    rows = BodyNotification.objects.filter(report=report)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "webhook"]
    assert all(r.status == NotificationStatus.PENDING and r.attempts == 0 for r in rows)


def test_email_is_sent_by_the_worker_task(matrix):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    report = submit().report
    assert tasks.send_notifications(timezone.now()) is True
    notification = BodyNotification.objects.get(report=report)
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1
    assert notification.attempt_log.get().ok
    assert mail.outbox[-1].to == ["a@example.org"]
    assert "rubbish" in mail.outbox[-1].body
    assert tasks.send_notifications(timezone.now()) is False


def test_the_webhook_is_signed_with_hmac_sha256(matrix, http):
    recorder = http(httpx.Response(204))
    webhook(matrix.saint_josse, secret="shared-key")
    report = submit().report
    tasks.send_notifications(timezone.now())
    request = recorder.requests[0]
    timestamp = request.headers["X-Umbrella-Timestamp"]
    expected = hmac.new(
        b"shared-key", timestamp.encode() + b"." + request.content, hashlib.sha256
    ).hexdigest()
    assert request.headers["X-Umbrella-Signature"] == f"sha256={expected}"
    document = json.loads(request.content)
    assert document["event"] == "new_report"
    assert document["report"]["id"] == report.pk
    assert document["report"]["description"] == report.description
    assert BodyNotification.objects.get(report=report).status == NotificationStatus.SENT


def test_a_failed_send_is_retried_with_backoff_and_every_attempt_recorded(matrix, http):
    recorder = http(httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(200))
    webhook(matrix.saint_josse)
    report = submit().report
    now = timezone.now()
    tasks.send_notifications(now)
    notification = BodyNotification.objects.get(report=report)
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1 and "503" in notification.last_error
    assert notification.next_attempt_at == now + retry_delay(1)
    # Not due yet: nothing is sent one second before.
    assert tasks.send_notifications(now + retry_delay(1) - timedelta(seconds=1)) is False
    second = now + retry_delay(1)
    tasks.send_notifications(second)
    notification.refresh_from_db()
    assert notification.attempts == 2 and "ConnectError" in notification.last_error
    assert notification.next_attempt_at == second + retry_delay(2)
    tasks.send_notifications(second + retry_delay(2))
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 3
    assert [a.ok for a in notification.attempt_log.all()] == [False, False, True]
    assert [a.http_status for a in notification.attempt_log.all()] == [503, None, 200]
    assert len(recorder.requests) == 3


def test_retry_delays_double_and_are_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert retry_delay(20) == timedelta(hours=6)


def test_the_worker_gives_up_after_the_last_attempt(matrix, http):
    http(*[httpx.Response(500) for _ in range(MAX_ATTEMPTS)])
    webhook(matrix.saint_josse)
    report = submit().report
    at = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        tasks.send_notifications(at)
        at += timedelta(days=1)
    notification = BodyNotification.objects.get(report=report)
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS == notification.attempt_log.count()
    assert notification.next_attempt_at is None


def test_a_refusal_by_the_receiver_is_not_retried(matrix, http):
    http(httpx.Response(401, text="bad signature"))
    webhook(matrix.saint_josse)
    report = submit().report
    tasks.send_notifications(timezone.now())
    notification = BodyNotification.objects.get(report=report)
    assert notification.status == NotificationStatus.FAILED
    assert "401" in notification.last_error


def test_a_claimed_notification_is_not_claimed_twice(matrix):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    submit()
    now = timezone.now()
    assert len(claim_due(now)) == 1
    assert claim_due(now) == []


def test_open311_endpoint_receives_a_georeport_post(matrix, http):
    recorder = http(httpx.Response(201, json=[{"service_request_id": "CITY-77"}]))
    Contact.objects.create(
        body=matrix.saint_josse,
        channel="open311",
        endpoint="https://city.example/open311/v2/",
        secret="key-1",
        remote_service_code="001",
    )
    report = submit().report
    tasks.send_notifications(timezone.now())
    request = recorder.requests[0]
    # Sent to the address the name resolved to (checked as public), the name in Host.
    assert str(request.url) == "https://93.184.215.14/open311/v2/requests.json"
    assert request.headers["Host"] == "city.example"
    form = parse_qs(request.content.decode())
    assert form["service_code"] == ["001"] and form["api_key"] == ["key-1"]
    assert float(form["lat"][0]) == pytest.approx(report.lat)
    assert form["description"] == [report.description]
    assert BodyNotification.objects.get(report=report).remote_id == "CITY-77"


def test_a_confidential_report_leaves_without_its_text_or_point(matrix, http):
    recorder = http(httpx.Response(200))
    webhook(matrix.zone_5344)
    Contact.objects.create(body=matrix.zone_5344, channel="email", endpoint="ref@example.org")
    text = "Young women seem to be kept in the flat and never go out alone."
    report = submit(code="trafficking", description=text).report
    tasks.send_notifications(timezone.now())
    document = json.loads(recorder.requests[0].content)
    assert "description" not in document["report"] and "lat" not in document["report"]
    assert document["report"]["confidential"] is True
    assert "kept in the flat" not in mail.outbox[-1].body
    assert str(report.pk) in mail.outbox[-1].subject


def test_trafficking_without_a_contact_goes_to_the_zone_reference_email(matrix):
    from umbrella.directory.models import TraffickingReference
    from umbrella.reports.tests.conftest import zone

    TraffickingReference.objects.create(
        police_zone=zone("5344"), function_en="Trafficking reference", email="tr@example.org"
    )
    report = submit(
        code="trafficking", description="A minor seems to be made to work in the bar."
    ).report
    notification = BodyNotification.objects.get(report=report)
    assert (notification.channel, notification.address) == ("email", "tr@example.org")
    tasks.send_notifications(timezone.now())
    assert mail.outbox[-1].to == ["tr@example.org"]
