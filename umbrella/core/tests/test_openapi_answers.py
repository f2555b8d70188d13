"""Every operation answers only what /api/v1/openapi.json documents (issue 16).

The fuzz test (test_fuzz_api.py) sends random requests; this one sends, to
every operation of the document, the same handful of requests that reach
each kind of refusal a client can meet, and always the same ones:

- no credentials, and a made-up bearer token (401 where a token is needed);
- a sex worker's token, and a responder's (someone else's resource, a role
  that may not: 403, 404, 409);
- her browser session without its CSRF token (403 on a route that takes one);
- an unknown id, and a path id that is not a number (404);
- bodies no handler should meet: none, ``{}``, broken JSON, JSON nested too
  deeply, too large, a NUL character, form data without its boundary
  (400, 413, 422);
- more query parameters than Django reads (400).

Each answer's status must be listed for the operation, with the media type
sent (none for 204 and 304), and its body must match the listed schema.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- the geography, for the layers.
from umbrella.testing import api_token_for, assert_api_error, auth_header

pytestmark = pytest.mark.django_db

BODY_METHODS = {"post", "put", "patch", "delete"}
EMPTY_STATUSES = {204, 304}


def _operations() -> list[tuple[str, str]]:
    from umbrella.api.v1 import api

    document = api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    ]


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _path(template: str, operation: dict, value_of) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = value_of(parameter["schema"])
            template = template.replace("{" + parameter["name"] + "}", str(value))
    return template


def _unknown(schema: dict):
    return 2_147_483_000 if schema.get("type") == "integer" else "no-such-thing"


def _not_a_number(schema: dict):
    return "abc" if schema.get("type") == "integer" else "no-such-thing"


def _bodies() -> dict[str, tuple[bytes, str]]:
    """Return the bodies sent to every route that takes one: (bytes, media type) by name."""
    form = "multipart/form-data; boundary=BoUnDaRy"
    return {
        "no body": (b"", "application/json"),
        "an empty object": (b"{}", "application/json"),
        "broken JSON": (b'{"note": ', "application/json"),
        "JSON nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        "a NUL character": (json.dumps({"note": "a\x00b"}).encode(), "application/json"),
        "a body too large": (
            b'{"note": "' + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            "application/json",
        ),
        # A form where JSON is expected: a 500 until the body was kept for the handler.
        "a form": (
            b'--BoUnDaRy\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
            b"Room 3\r\n--BoUnDaRy--\r\n",
            form,
        ),  # fmt: skip
        "form data without its boundary": (b"--x\r\n", "multipart/form-data"),
        "a form with a NUL character": (b"note=a%00b", "application/x-www-form-urlencoded"),
    }


def _requests(method: str, path: str, operation: dict, tokens: dict[str, str]):
    """Yield (what, client keyword arguments, url, use her session) for one operation."""
    url = _path(path, operation, _unknown)
    yield "no credentials", {}, url, False
    yield "a made-up token", {"HTTP_AUTHORIZATION": "Bearer made-up"}, url, False
    for who, token in tokens.items():
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method not in BODY_METHODS:
            yield f"{who}'s token", bearer, url, False
            continue
        for what, (body, media_type) in _bodies().items():
            yield (
                f"{who}'s token and {what}",
                {**bearer, "data": body, "content_type": media_type},
                url,
                False,
            )
    if "{" in path:
        yield (
            "a path id that is not a number",
            {"HTTP_AUTHORIZATION": f"Bearer {tokens['worker']}"},
            _path(path, operation, _not_a_number),
            False,
        )
    many = "&".join(f"p{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    yield "too many query parameters", {}, f"{url}?{many}", False
    json_body = {"data": b"{}", "content_type": "application/json"}
    yield (
        "her session without its CSRF token",
        json_body if method in BODY_METHODS else {},
        url,
        True,
    )


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _check(document: dict, method: str, path: str, what: str, response) -> list[str]:
    """Return what in ``response`` the document does not say, or nothing."""
    operation = document["paths"][path][method]
    status = response.status_code
    where = f"{method.upper()} {path} with {what}: {status}"
    documented = operation["responses"].get(str(status))
    if documented is None:
        listed = sorted(operation["responses"])
        return [f"{where} is not documented ({listed}): {response.content[:200]!r}"]
    content = documented.get("content") or {}
    if status in EMPTY_STATUSES or not content:
        if response.content:
            return [f"{where} has a body the document does not list: {response.content[:200]!r}"]
        return []
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    if media_type not in content:
        return [f"{where} is sent as {media_type!r}, documented as {sorted(content)}"]
    if content[media_type].get("schema") is None:
        return []
    # The schema where it stands in the document, so that its $refs resolve there.
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    here = _pointer("paths", path, method, "responses", str(status), "content", media_type)
    validator = Draft202012Validator({"$ref": f"urn:openapi#{here}/schema"}, registry=registry)
    errors = [
        f"{where}: body does not match its schema at "
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:200]}"
        for error in validator.iter_errors(json.loads(response.content))
    ]
    return errors[:3]


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS]
)
def test_every_answer_is_documented(document, method, path, personas, brussels):  # noqa: F811
    operation = document["paths"][path][method]
    tokens = {
        "worker": api_token_for(personas.worker, "openapi answers"),
        "responder": api_token_for(personas.responder, "openapi answers"),
    }
    # A 500 is reported as an undocumented answer, with the request that caused it.
    session = Client(enforce_csrf_checks=True, raise_request_exception=False)
    session.force_login(personas.worker)
    plain = Client(raise_request_exception=False)
    problems = []
    for what, kwargs, url, use_session in _requests(method, path, operation, tokens):
        client = session if use_session else plain
        response = getattr(client, method)(url, **kwargs)
        problems += _check(document, method, path, what, response)
    assert not problems, "\n".join(problems)


def test_a_form_sent_to_a_json_route_is_a_422_not_a_500(client, worker):
    # Django's test client, like curl -F, sends a multipart form by default.
    response = client.post("/api/v1/checkins", {"minutes": "30"}, **auth_header(worker))
    answer = assert_api_error(response, 422)
    assert answer["errors"] == [{"field": "", "message": answer["detail"]}]


def test_a_route_that_reads_forms_still_reads_them(client, worker):
    # Raising an alarm takes a form too (a one-tap button): the body kept for
    # JSON handlers does not hide the form from it.
    response = client.post("/api/v1/alarms", {"note": "Room 3"}, **auth_header(worker))
    assert response.status_code == 201, response.content
    from umbrella.alarms.models import Alarm

    assert Alarm.objects.get(pk=response.json()["id"]).note == "Room 3"
