"""Bodies that made a 500 (issue 15, finding 14): each is a clear 4xx, in JSON on the API.

A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB), JSON nested past Python's
recursion limit, multipart without a boundary, and a NUL character in a string
(PostgreSQL refuses to store one: a 500 there, silently stored on SQLite).
On the site, a form page answers a page, never the 500 page.
"""

from __future__ import annotations

import json

import pytest

from umbrella.notify.models import PushSubscription
from umbrella.testing import assert_api_error, auth_header

pytestmark = pytest.mark.django_db

P256DH = "BAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"
AUTH = "AgICAgICAgICAgICAgICAg"

BIG = b'{"note": "' + b"x" * 2_700_000 + b'"}'
DEEP = b"[" * 50_000 + b"]" * 50_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
NUL_NOTE = json.dumps({"note": "help\u0000"}).encode()
NUL_KEY = json.dumps({"not\u0000e": "help"}).encode()
NUL_ENDPOINT = json.dumps(
    {
        "endpoint": "https://fcm.googleapis.com/fcm/send/a\u0000b",
        "keys": {"p256dh": P256DH, "auth": AUTH},
    }
).encode()

CASES = {
    "too large": (BIG, "application/json", 413),
    "nested list": (DEEP, "application/json", 400),
    "nested object": (DEEP_OBJECT, "application/json", 400),
    # 400 where Django parses the form (POST); 422 "not JSON" where the handler reads JSON.
    "multipart without boundary": (b"--x\r\nfoo\r\n", "multipart/form-data", 400),
    "multipart with a broken boundary": (b"--x\r\n", "multipart/form-data; boundary=", 400),
    "NUL in a value": (NUL_NOTE, "application/json", 422),
    "NUL in a key": (NUL_KEY, "application/json", 422),
    "NUL in a form value": (b"note=help%00", "application/x-www-form-urlencoded", 422),
}

ENDPOINTS = [
    ("POST", "/api/v1/alarms"),
    ("POST", "/api/v1/checkins"),
    ("PUT", "/api/v1/circle"),
    ("POST", "/api/v1/notify/push/subscriptions"),
    ("POST", "/api/v1/auth/token"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_body_is_a_clear_4xx_in_json(client, worker, method, path, case):
    body, content_type, status = CASES[case]
    response = client.generic(method, path, body, content_type=content_type, **auth_header(worker))
    # Django parses a form only for POST; elsewhere the handler reads JSON and says so.
    if method != "POST" and content_type.startswith("multipart/"):
        status = 422
    answer = assert_api_error(response, status)
    assert response["Content-Type"].startswith("application/json")
    assert set(answer) >= {"detail"}


@pytest.mark.parametrize("case", list(CASES))
def test_the_sentence_is_in_her_language(client, worker, case):
    body, content_type, _status = CASES[case]

    def detail(language: str) -> str:
        response = client.generic(
            "POST", "/api/v1/alarms", body, content_type=content_type,
            HTTP_ACCEPT_LANGUAGE=language, **auth_header(worker),
        )  # fmt: skip
        return response.json()["detail"]

    english = detail("en")
    for language in ("nl", "fr", "ro", "bg", "es", "pt"):
        assert detail(language) != english, language


@pytest.mark.parametrize("language", ["nl", "fr", "ro"])
def test_the_413_is_in_the_language_of_the_request(client, worker, language):
    response = client.generic(
        "POST", "/api/v1/alarms", BIG, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language, **auth_header(worker),
    )  # fmt: skip
    detail = assert_api_error(response, 413)["detail"]
    assert "2560" in detail
    assert "too large" not in detail  # translated


def test_nothing_with_a_nul_is_stored(client, worker):
    response = client.post(
        "/api/v1/notify/push/subscriptions", NUL_ENDPOINT, content_type="application/json",
        **auth_header(worker),
    )  # fmt: skip
    assert_api_error(response, 422)
    assert not PushSubscription.objects.exists()


def test_a_plain_body_still_works(client, worker):
    response = client.post(
        "/api/v1/alarms", {"note": "Room 3"}, content_type="application/json",
        **auth_header(worker),
    )  # fmt: skip
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("case", ["too large", "multipart without boundary", "NUL in a form value"])
def test_a_form_page_answers_a_page(client, case):
    body, content_type, _status = CASES[case]
    if content_type == "application/json":
        body, content_type = b"description=" + b"x" * 2_700_000, "application/x-www-form-urlencoded"
    response = client.generic("POST", "/en/reports/new/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("text/html")
