"""Blind SSRF through bodies' webhook and Open311 endpoints (issue 15, finding 4).

Staff set these addresses; the worker posts every report to them and retries.
A staff password is enough to point them inside the server's network, so
they get the push endpoints' rules (core/outbound.py): https only, public
addresses only (checked at send time, connected to as checked), no
redirects; and of an error answer only its status code is stored.
"""

from __future__ import annotations

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from umbrella.core import outbound
from umbrella.reports import notifications, tasks
from umbrella.reports.models import BodyNotification, Contact, NotificationStatus
from umbrella.reports.tests.conftest import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("geography")]


class Receiver:
    def __init__(self, answer: httpx.Response):
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer


@pytest.fixture
def network(monkeypatch):
    def install(addresses: list[str], answer: httpx.Response | None = None) -> Receiver:
        monkeypatch.setattr(outbound, "resolve", lambda host, port: addresses)
        receiver = Receiver(answer or httpx.Response(204))
        notifications.set_http_client(httpx.Client(transport=httpx.MockTransport(receiver)))
        return receiver

    yield install
    notifications.set_http_client(None)


def contact(body, channel: str, endpoint: str) -> Contact:
    return Contact.objects.create(body=body, channel=channel, endpoint=endpoint, secret="k")


def sent_once(report) -> BodyNotification:
    tasks.send_notifications(timezone.now())
    return BodyNotification.objects.get(report=report)


@pytest.mark.parametrize("channel", ["webhook", "open311"])
@pytest.mark.parametrize(
    "addresses", [["127.0.0.1"], ["169.254.169.254"], ["10.20.30.40"], ["::1"], ["fd00::5"]]
)
def test_an_endpoint_that_resolves_inside_is_never_contacted(matrix, network, channel, addresses):
    receiver = network(addresses)
    contact(matrix.saint_josse, channel, "https://hooks.example/in")
    notification = sent_once(submit().report)
    assert receiver.requests == []
    assert notification.status == NotificationStatus.FAILED  # permanent: no retries
    assert "not public" in notification.last_error


@pytest.mark.parametrize("channel", ["webhook", "open311"])
def test_an_http_endpoint_is_never_contacted(matrix, network, channel):
    receiver = network(["93.184.215.14"])
    contact(matrix.saint_josse, channel, "http://hooks.example/in")
    notification = sent_once(submit().report)
    assert receiver.requests == []
    assert notification.status == NotificationStatus.FAILED
    assert "https" in notification.last_error


def test_a_redirect_is_not_followed(matrix, network):
    receiver = network(
        ["93.184.215.14"], httpx.Response(302, headers={"Location": "https://10.0.0.1/"})
    )
    contact(matrix.saint_josse, "webhook", "https://hooks.example/in")
    notification = sent_once(submit().report)
    assert len(receiver.requests) == 1
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error == "HTTP 302"


def test_only_the_status_of_an_error_answer_is_stored(matrix, network):
    network(["93.184.215.14"], httpx.Response(500, text="root:x:0:0:root:/root:/bin/bash"))
    contact(matrix.saint_josse, "webhook", "https://hooks.example/in")
    notification = sent_once(submit().report)
    assert notification.last_error == "HTTP 500"
    assert [a.error for a in notification.attempt_log.all()] == ["HTTP 500"]
    assert notification.status == NotificationStatus.PENDING  # a 5xx is retried


@pytest.mark.parametrize(
    "endpoint", ["http://hooks.example/in", "https://u:p@hooks.example/in", "hooks.example/in"]
)
@pytest.mark.parametrize("channel", ["webhook", "open311"])
def test_staff_cannot_save_an_endpoint_the_worker_would_refuse(matrix, channel, endpoint):
    with pytest.raises(ValidationError) as caught:
        Contact(body=matrix.saint_josse, channel=channel, endpoint=endpoint).full_clean()
    assert "endpoint" in caught.value.message_dict


def test_an_email_contact_is_not_a_url(matrix):
    Contact(body=matrix.saint_josse, channel="email", endpoint="a@example.org").full_clean()
