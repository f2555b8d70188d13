"""What a push service receives: a message the browser decrypts, signed by our VAPID key.

The browser's side is played with its own private key: the body must
decrypt (RFC 8291, aes128gcm) to the message the worker meant, and the
VAPID header (RFC 8292) must verify against the public key browsers
subscribed with, with claims for that push service.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import http_ece
import httpx
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone
from py_vapid import Vapid02

from umbrella.core import outbound
from umbrella.notify import actions, tasks, vapid, webpush
from umbrella.notify.models import Delivery, DeliveryStatus, PushSubscription
from umbrella.notify.tests.helpers import alarm_payload

pytestmark = pytest.mark.django_db

PUBLIC_IP = "142.250.179.170"  # a global address (no packet is sent: the transport is mocked)
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class Browser:
    """A subscribed browser: its key pair and auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"\x07" * 16
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.keys = {"p256dh": _b64(point), "auth": _b64(self.auth)}

    def read(self, body: bytes) -> dict:
        """Decrypt a push message as the browser does (the sender's key is in its header)."""
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def sent(monkeypatch):
    """The requests the worker makes, answered 201, to a push service at a public address."""
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(201)

    monkeypatch.setattr(outbound, "resolve", lambda host, port: [PUBLIC_IP])
    outbound.set_client(httpx.Client(transport=httpx.MockTransport(answer)))
    yield requests
    outbound.set_client(None)


def test_the_browser_decrypts_the_message_and_the_vapid_header_verifies(sent, responder):
    browser = Browser()
    PushSubscription.objects.create(
        user=responder, endpoint=ENDPOINT, language="fr", **browser.keys
    )
    event = actions.publish(
        "alarm.raised", alarm_id=5, owner_id=None, payload=alarm_payload(5),
        recipient_ids=[responder.pk], tier=1,
    )  # fmt: skip
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1), tick=False):
        tasks.send_due_deliveries(timezone.now())
    assert Delivery.objects.get().status == DeliveryStatus.SENT

    (request,) = sent
    message = browser.read(request.content)
    assert message["event_id"] == event.id and message["alarm"] == {"id": 5, "status": "raised"}
    assert "/fr/alarms/console/" in message["url"]
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == "900" and request.headers["urgency"] == "high"

    authorization = request.headers["authorization"]
    assert Vapid02.verify(authorization)
    fields = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    assert fields["k"] == vapid.vapid_public_key()
    claims = json.loads(_unb64(fields["t"].split(".")[1]))
    assert claims["aud"] == "https://fcm.googleapis.com"
    assert claims["sub"].startswith("mailto:")
    # 12 hours from the send (a second after now: the worker ran at now + 1 s)
    assert 12 * 60 * 60 - 5 < claims["exp"] - time.time() <= 12 * 60 * 60 + 5


def test_each_message_has_its_own_key_and_salt():
    browser = Browser()
    first = webpush.encrypt(b"{}", **browser.keys)
    second = webpush.encrypt(b"{}", **browser.keys)
    # salt (16 bytes), record size (4), key id length (1), then the sender's key
    assert first[:16] != second[:16] and first[21:86] != second[21:86]
    assert browser.read(first) == browser.read(second) == {}


def test_a_refusal_raises_with_its_status():
    browser = Browser()

    def post(endpoint, **request):
        return 410

    with pytest.raises(webpush.PushRefused) as refused:
        webpush.webpush(
            {"endpoint": ENDPOINT, "keys": browser.keys},
            data="{}", vapid_private_key=vapid.vapid_signer(), vapid_claims={"sub": "mailto:a@b.c"},
            ttl=60, timeout=1, headers={}, post=post,
        )  # fmt: skip
    assert refused.value.status == 410
