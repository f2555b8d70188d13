"""Blind SSRF through Web Push subscriptions (issue 15, finding 4).

Anyone with an account can register a push subscription; the worker then
posts to its endpoint on every alarm she is told about, five times when it
fails. Before the fix any https:// address was accepted and redirects were
followed: the worker could be made to reach 169.254.169.254, 127.0.0.1 or
the office network. Now only known push services are accepted, their names
must resolve to public addresses only, the connection goes to the checked
address, and no redirect is followed.
"""

from __future__ import annotations

import base64
import datetime as dt

import httpx
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from umbrella.core import outbound
from umbrella.notify import actions, tasks
from umbrella.notify.models import Delivery, DeliveryStatus, PushSubscription
from umbrella.notify.tests.helpers import alarm_payload
from umbrella.testing import auth_header

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notify"
PUBLIC_IP = "142.250.179.170"  # a global address (no packet is sent: the transport is mocked)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict:
    """Return the keys of a real browser subscription (a push is encrypted to them)."""
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": _b64(point), "auth": _b64(b"\x07" * 16)}


class Network:
    """A mocked network: names resolve as told, requests are recorded and answered."""

    def __init__(self, monkeypatch, names: dict[str, list[str]], answer=None):
        self.names = names
        self.lookups: list[str] = []
        self.requests: list[httpx.Request] = []
        self.answer = answer or httpx.Response(201)
        monkeypatch.setattr(outbound, "resolve", self._resolve)
        outbound.set_client(httpx.Client(transport=httpx.MockTransport(self._send)))

    def _resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.names:
            raise OSError("no such name")
        return self.names[host]

    def _send(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer


@pytest.fixture
def network(monkeypatch):
    made = []

    def make(names: dict[str, list[str]], answer=None) -> Network:
        made.append(Network(monkeypatch, names, answer))
        return made[-1]

    yield make
    outbound.set_client(None)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1:5432/",
        "https://attacker.example/collect",
        "https://fcm.googleapis.com.attacker.example/fcm/send/x",
        "https://fcm.googleapis.com@attacker.example/fcm/send/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "https://notify.windows.com.attacker.example/w",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://[::1]/x",
    ],
)
def test_only_known_push_services_are_accepted(client, responder, endpoint):
    response = client.post(
        f"{BASE}/push/subscriptions",
        {"endpoint": endpoint, "keys": browser_keys()},
        content_type="application/json",
        **auth_header(responder),
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGx-7",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_push_services_browsers_use_are_accepted(client, responder, endpoint):
    response = client.post(
        f"{BASE}/push/subscriptions",
        {"endpoint": endpoint, "keys": browser_keys()},
        content_type="application/json",
        **auth_header(responder),
    )
    assert response.status_code == 201, response.content


def test_the_list_of_push_services_is_a_setting(client, responder, settings):
    settings.PUSH_SERVICE_HOSTS = ["push.example.org"]
    body = {"endpoint": "https://push.example.org/s/1", "keys": browser_keys()}
    response = client.post(
        f"{BASE}/push/subscriptions", body, content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    assert response.status_code == 201
    body["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc"
    response = client.post(
        f"{BASE}/push/subscriptions", body, content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    assert response.status_code == 422


def _push_to(user, endpoint: str) -> Delivery:
    PushSubscription.objects.create(user=user, endpoint=endpoint, **browser_keys())
    actions.publish(
        "alarm.raised", alarm_id=5, owner_id=None, payload=alarm_payload(5),
        recipient_ids=[user.pk], tier=1,
    )  # fmt: skip
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1), tick=False):
        tasks.send_due_deliveries(timezone.now())
    return Delivery.objects.get()


def test_a_push_reaches_the_checked_address_of_the_service(network, responder):
    net = network({"fcm.googleapis.com": [PUBLIC_IP]})
    delivery = _push_to(responder, "https://fcm.googleapis.com/fcm/send/abc")
    assert delivery.status == DeliveryStatus.SENT, delivery.error
    (request,) = net.requests
    # Connected to the address that was checked; the name in Host and in TLS.
    assert request.url.host == PUBLIC_IP and request.url.path == "/fcm/send/abc"
    assert request.headers["host"] == "fcm.googleapis.com"
    assert request.extensions["sni_hostname"] == "fcm.googleapis.com"
    assert request.headers["authorization"].startswith("vapid ")
    assert net.lookups == ["fcm.googleapis.com"]  # resolved once


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["169.254.169.254"], ["10.1.2.3"], [PUBLIC_IP, "192.168.1.1"],
     ["::1"], ["::ffff:127.0.0.1"], ["fd00::1"], ["100.64.0.1"]],
)  # fmt: skip
def test_a_push_service_name_that_resolves_inside_is_never_contacted(network, responder, addresses):
    net = network({"fcm.googleapis.com": addresses})
    delivery = _push_to(responder, "https://fcm.googleapis.com/fcm/send/abc")
    assert net.requests == []
    assert delivery.status == DeliveryStatus.FAILED
    assert "not public" in delivery.error
    # Permanent: no second attempt is queued.
    assert Delivery.objects.count() == 1


def test_a_subscription_stored_before_the_list_is_not_posted_to(network, responder):
    net = network({"collector.example": [PUBLIC_IP]})
    delivery = _push_to(responder, "https://collector.example/x")
    assert net.requests == [] and net.lookups == []
    assert delivery.status == DeliveryStatus.FAILED and Delivery.objects.count() == 1


def test_a_redirect_is_not_followed_and_its_body_is_not_kept(network, responder):
    answer = httpx.Response(
        307, headers={"Location": "http://169.254.169.254/"}, text="secret-ish page"
    )
    net = network({"fcm.googleapis.com": [PUBLIC_IP]}, answer)
    delivery = _push_to(responder, "https://fcm.googleapis.com/fcm/send/abc")
    assert len(net.requests) == 1
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "push service answered 307"
    assert Delivery.objects.count() == 1  # not retried
