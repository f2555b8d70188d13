"""POST /api/v1/auth/token: the public contract and its error bodies."""

import json

import pytest
from django.conf import settings

from umbrella.accounts.models import ApiToken
from umbrella.testing import PERSONA_PASSWORD, assert_api_error, confirmed_totp_device, totp_code

URL = "/api/v1/auth/token"
LOGIN_LIMIT = int(settings.LOGIN_RATE.split("/")[0])


def _post(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def test_name_and_password_give_a_token_and_its_expiry(client, worker):
    response = _post(client, {"username": "worker", "password": PERSONA_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert (
        ApiToken.objects.get(user=worker).prefix
        == body["token"][: len(ApiToken.objects.get().prefix)]
    )
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.json()["username"] == "worker"


def test_wrong_password_is_401_with_a_sentence(client, worker):
    body = assert_api_error(_post(client, {"username": "worker", "password": "nope"}), 401)
    assert body["detail"].startswith("The name, password or code is not correct.")


def test_unknown_name_gets_the_same_401(client, worker):
    wrong = _post(client, {"username": "worker", "password": "nope"}).json()
    unknown = _post(client, {"username": "nobody", "password": "nope"}).json()
    assert wrong == unknown


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "",
        b"\xff\xfe",
        "[1, 2]",
        {"username": "worker"},
        {"password": "x"},
        {"username": "", "password": "x"},
        {"username": 12, "password": "x"},
    ],
)
def test_malformed_requests_are_422_with_a_readable_detail(client, worker, body):
    response = _post(client, body)
    result = assert_api_error(response, 422)
    assert result["errors"], result
    assert all(error["message"] for error in result["errors"])


def test_missing_field_is_named(client, db):
    result = _post(client, {"username": "worker"}).json()
    assert {"field": "password", "message": "“password” is required."} in result["errors"]


def test_too_many_failures_are_429(client, worker):
    for _ in range(LOGIN_LIMIT):
        assert _post(client, {"username": "worker", "password": "nope"}).status_code == 401
    response = _post(client, {"username": "worker", "password": PERSONA_PASSWORD})
    body = assert_api_error(response, 429)
    assert "Too many" in body["detail"]


def test_staff_with_a_device_must_send_a_code(client, police):
    confirmed_totp_device(police)
    missing = _post(client, {"username": "police", "password": PERSONA_PASSWORD})
    assert "otp" in assert_api_error(missing, 401)["detail"]
    wrong = _post(client, {"username": "police", "password": PERSONA_PASSWORD, "otp": "000000"})
    assert_api_error(wrong, 401)
    assert not ApiToken.objects.exists()


def test_staff_with_a_device_and_the_right_code_get_a_token(client, police):
    device = confirmed_totp_device(police)
    response = _post(
        client, {"username": "police", "password": PERSONA_PASSWORD, "otp": totp_code(device)}
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().user == police


def test_staff_without_2fa_set_up_get_the_same_401_as_a_wrong_password(client, police):
    """The answer never tells which staff accounts have no authenticator yet (issue 15, #8)."""
    no_device = _post(client, {"username": "police", "password": PERSONA_PASSWORD})
    wrong = _post(client, {"username": "police", "password": "not it"})
    assert assert_api_error(no_device, 401) == assert_api_error(wrong, 401)
    assert not ApiToken.objects.exists()


def test_exempt_staff_need_no_code(client, police):
    police.two_factor_exempt = True
    police.save()
    assert _post(client, {"username": "police", "password": PERSONA_PASSWORD}).status_code == 200


def test_the_token_route_is_in_the_openapi_schema_with_its_body(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/auth/token"]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(body_schema["required"]) == {"username", "password"}
    assert {"200", "401", "422", "429"} <= set(operation["responses"])
