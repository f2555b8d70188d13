"""Fuzz every operation of /api/v1/openapi.json with schemathesis (issue 15, "Fuzzing in CI").

Each operation the document lists is called with generated requests, valid
and invalid (schemathesis's positive and negative modes), twice: without any
credentials and with a sex worker's bearer token. Every answer must be
something the document promises: no 5xx, a documented status code, the
documented media type and a body that matches the documented schema.

The requests go to Django's WSGI handler in this process, against the test
database (the demo data and the Brussels geography, rolled back at the
end), so no server is started. The run is bounded and reproducible: a few
examples per operation, derandomized, no deadline (this machine is shared).

Every operation of the document is fuzzed; nothing is left out. Two things
need more than random values, and have it:
- ``GET /api/v1/alarms/stream`` (server-sent events) is not in the document:
  it is a plain async view in front of the API that does not end, so a
  fuzzer's request would never return. Its 401/405/422 answers, headers and
  events are covered by umbrella/notify/tests/test_stream.py,
  test_stream_asgi.py and test_attacks_stream.py.
- A device key is a random secret no generated value matches, so the fuzzing
  of ``POST /api/v1/alarms/device/{device_key}`` only meets unknown keys
  (404, 429); the demo button's real key is pressed below
  (``test_a_real_room_button_press_answers_as_documented``), and her own
  alarm and check-in ids likewise, so their 200/201 answers are validated too.
"""

from __future__ import annotations

import gzip
from contextlib import ExitStack

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

DEMO_PASSWORD = "fuzz demo password 1"  # noqa: S105 -- test-only demo accounts.
# A few examples per operation and identity: 41 operations × 2 stay within minutes on CI.
MAX_EXAMPLES = 12
SEED = 20_260_115

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _decoding(app):
    """Wrap a WSGI app so that gzip answers reach the checks decoded, as any HTTP client does.

    The map layers are sent gzipped when the client accepts it (schemathesis
    sends requests' ``Accept-Encoding: gzip, deflate``); its WSGI transport
    does not undo ``Content-Encoding`` as an HTTP client would.
    """

    def decoded(environ, start_response):
        answer = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        result = app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            result.close()
        headers = answer["headers"]
        if ("Content-Encoding", "gzip") in headers:
            body = gzip.decompress(body)
            headers = [(name, value) for name, value in headers if name != "Content-Encoding"]
            headers = [(n, str(len(body)) if n == "Content-Length" else v) for n, v in headers]
        start_response(answer["status"], headers)
        return [body]

    return decoded


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _decoding(WSGIHandler()))
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
schema.config.seed = SEED


def _forget_cached_data():
    from umbrella.areas.geojson import reset_geojson_cache
    from umbrella.areas.locate import reset_index
    from umbrella.directory.snapshot import reset_snapshot

    reset_index()
    reset_geojson_cache()
    reset_snapshot()


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup, django_db_blocker):
    """Create the geography and the demo data once for the module; roll them back after.

    Returns the demo's ``DemoResult``. Each test runs in a savepoint inside this
    transaction. As Django's test client does, the requests do not close the
    database connection when they start and finish (that would end this
    transaction on PostgreSQL).
    """
    from umbrella.accounts.demo import create_demo
    from umbrella.areas.actions import load_brussels
    from umbrella.areas.tests.conftest import geography_is_loaded

    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            stack.callback(signal.connect, close_old_connections)
        stack.callback(_forget_cached_data)
        for alias in connections:
            stack.enter_context(transaction.atomic(using=alias))
            stack.callback(transaction.set_rollback, True, using=alias)
        if not geography_is_loaded():
            load_brussels()
        _forget_cached_data()
        # What `manage.py demo` does, keeping the demo room button's device key.
        demo = create_demo(DEMO_PASSWORD)
        yield demo


@pytest.fixture
def worker_token(fuzz_data):
    """Return a bearer token of demo-worker, new for each operation.

    Made in the test's own transaction: an operation that revokes it
    (``POST /auth/token/revoke``) does not sign the next operations out.
    """
    from umbrella.testing import api_token_for

    return api_token_for(fuzz_data.users["demo-worker"], "fuzz")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_unauthenticated(case, fuzz_data):
    # Whatever schemathesis sends: nothing, or a made-up token or session cookie.
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_with_a_sex_workers_token(case, worker_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {worker_token}"}, checks=CHECKS)


# Answers random values cannot reach: a real device key and her own alarm and check-in.


def _validate(method: str, path: str, token: str | None = None, **case_data):
    if case_data.get("body") is not None:
        case_data["media_type"] = "application/json"
    else:
        case_data.pop("body", None)
    case = schema[path][method].Case(**case_data)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return case.call_and_validate(headers=headers, checks=CHECKS)


def test_a_real_room_button_press_answers_as_documented(fuzz_data):
    path = "/api/v1/alarms/device/{device_key}"
    key = {"device_key": fuzz_data.device_key}
    assert _validate("POST", path, path_parameters=key).status_code == 201
    # Pressed again while its alarm is open: the same alarm, 200.
    assert _validate("POST", path, path_parameters=key).status_code == 200


def test_her_own_alarm_and_check_in_answer_as_documented(worker_token):
    raised = _validate("POST", "/api/v1/alarms", worker_token, body={"note": "fuzz"})
    assert raised.status_code == 201
    alarm = {"alarm_id": raised.json()["id"]}
    detail = _validate("GET", "/api/v1/alarms/{alarm_id}", worker_token, path_parameters=alarm)
    assert detail.status_code == 200
    cancel = "/api/v1/alarms/{alarm_id}/cancel"
    assert _validate("POST", cancel, worker_token, path_parameters=alarm).status_code == 200
    started = _validate("POST", "/api/v1/checkins", worker_token, body={"minutes": 30})
    assert started.status_code == 201
    checkin = {"checkin_id": started.json()["id"]}
    for method, path in [
        ("GET", "/api/v1/checkins/{checkin_id}"),
        ("POST", "/api/v1/checkins/{checkin_id}/extend"),
        ("POST", "/api/v1/checkins/{checkin_id}/done"),
    ]:
        body = {"minutes": 15} if path.endswith("extend") else None
        answer = _validate(method, path, worker_token, path_parameters=checkin, body=body)
        assert answer.status_code == 200, (path, answer.text)
