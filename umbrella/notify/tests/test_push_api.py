"""/api/v1/notify/: the VAPID key, push subscriptions and contact points."""

import base64

import pytest

from umbrella.notify.models import ContactPoint, PushSubscription
from umbrella.notify.vapid import vapid_public_key
from umbrella.testing import assert_api_error, auth_header, sign_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notify"
P256DH = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
AUTH = base64.urlsafe_b64encode(b"\x02" * 16).rstrip(b"=").decode()


def subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc", **keys):
    return {"endpoint": endpoint, "keys": {"p256dh": P256DH, "auth": AUTH, **keys}}


def test_the_public_key_is_public(client):
    response = client.get(f"{BASE}/push/public-key")
    assert response.status_code == 200
    assert response.json() == {"public_key": vapid_public_key()}
    assert len(base64.urlsafe_b64decode(vapid_public_key() + "=")) == 65


def test_subscribe_with_a_token_then_with_a_session_on_the_same_browser(
    client, responder, outreach
):
    response = client.post(
        f"{BASE}/push/subscriptions",
        subscription(),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
        **auth_header(responder),
    )
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.get().user == responder

    sign_in(client, outreach)  # another person signs in on that browser
    body = {**subscription(), "language": "fr"}
    response = client.post(f"{BASE}/push/subscriptions", body, content_type="application/json")
    assert response.status_code == 201
    sub = PushSubscription.objects.get()
    assert (sub.user, sub.language) == (outreach, "fr")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"endpoint": "http://push.example/x", "keys": {"p256dh": P256DH, "auth": AUTH}},
        subscription(p256dh="not-base64-at-all!!"),
        subscription(p256dh=base64.urlsafe_b64encode(b"\x04" * 20).decode()),
        subscription(auth="AAAA"),
        {"endpoint": "https://push.example/x"},
        ["not", "an", "object"],
    ],
)
def test_bad_input_is_422_with_a_readable_message(client, responder, body):
    response = client.post(
        f"{BASE}/push/subscriptions", body, content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    assert_api_error(response, 422)
    assert not PushSubscription.objects.exists()


def test_malformed_json_is_422(client, responder):
    response = client.post(
        f"{BASE}/push/subscriptions", "{nope", content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    assert_api_error(response, 422)


def test_without_authentication_is_401(client):
    response = client.post(
        f"{BASE}/push/subscriptions", subscription(), content_type="application/json"
    )
    assert_api_error(response, 401)


def test_unsubscribe_removes_only_ones_own(client, responder, outsider):
    client.post(
        f"{BASE}/push/subscriptions", subscription(), content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    body = {"endpoint": subscription()["endpoint"]}
    response = client.delete(
        f"{BASE}/push/subscriptions", body, content_type="application/json",
        **auth_header(outsider),
    )  # fmt: skip
    assert_api_error(response, 404)
    response = client.delete(
        f"{BASE}/push/subscriptions", body, content_type="application/json",
        **auth_header(responder),
    )  # fmt: skip
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()


def test_a_contact_point_is_verified_with_the_code_sent_to_it(
    client, responder, django_capture_on_commit_callbacks
):
    from umbrella.notify import providers

    headers = auth_header(responder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/contacts", {"kind": "sms", "value": "+32 470 12 34 56"},
            content_type="application/json", **headers,
        )  # fmt: skip
    assert response.status_code == 201, response.content
    contact = response.json()
    assert contact["verified"] is False and "value" not in contact
    ((_kind, to, text),) = providers.get_provider().sent
    assert to == "+32470123456"
    code = text.split()[-1].rstrip(".")

    url = f"{BASE}/contacts/{contact['id']}/verify"
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post(url, {"code": wrong}, content_type="application/json", **headers)
    assert_api_error(bad, 422)
    good = client.post(url, {"code": code}, content_type="application/json", **headers)
    assert good.status_code == 200 and good.json()["verified"] is True
    # Stored encrypted: the column holds no phone number.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM notify_contactpoint")
        stored = cursor.fetchone()[0]
    # A Fernet token, not the number. (Not a 3-digit check: base64 text may
    # hold "470" by chance, which once failed this test.)
    assert stored.startswith("gAAAAA")
    assert "470123456" not in stored and "470 12 34 56" not in stored
    assert ContactPoint.objects.get().value == "+32470123456"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "sms", "value": "0470 12"},
        {"kind": "sms", "value": "+32 123"},
        {"kind": "email", "value": "not an address"},
        {"kind": "fax", "value": "+32470123456"},
        {"kind": "voice"},
    ],
)
def test_a_bad_contact_is_422(client, responder, body):
    response = client.post(
        f"{BASE}/contacts", body, content_type="application/json", **auth_header(responder)
    )
    assert_api_error(response, 422)


def test_another_persons_contact_is_404(client, responder, outsider):
    point = ContactPoint.objects.create(user=responder, kind="sms", value="+32470000001")
    response = client.delete(f"{BASE}/contacts/{point.pk}", **auth_header(outsider))
    assert response.status_code == 404
    assert client.delete(f"{BASE}/contacts/{point.pk}", **auth_header(responder)).status_code == 204


def test_adding_contacts_is_rate_limited_per_person(client, responder, outsider, settings):
    settings.CONTACT_CODE_RATE = "3/h"
    headers = auth_header(responder)
    statuses = [
        client.post(
            f"{BASE}/contacts", {"kind": "email", "value": f"c{n}@example.org"},
            content_type="application/json", **headers,
        ).status_code
        for n in range(4)
    ]  # fmt: skip
    assert statuses == [201, 201, 201, 429]
    assert ContactPoint.objects.filter(user=responder).count() == 3
    # Another person is not held back by the first one's limit.
    other = client.post(
        f"{BASE}/contacts", {"kind": "email", "value": "x@example.org"},
        content_type="application/json", **auth_header(outsider),
    )  # fmt: skip
    assert other.status_code == 201
