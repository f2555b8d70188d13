"""The public Open311 reads as served in production: ``umbrella.asgi`` answers them
in front of Django's handler (``open311/front.py``), with a cache.

Same answers as the views through the test client (``test_open311.py`` holds
the conformance tests); here: the same bytes, the cache and what ends it, the
security headers, the host check, errors, and what goes on to Django.
Transactional: the front reads on its own pool of threads.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from django.utils import timezone

from umbrella.asgi import application
from umbrella.reports.actions.common import public_data_changed
from umbrella.reports.models import Report
from umbrella.reports.open311 import answers, views
from umbrella.reports.open311 import front as open311_front
from umbrella.reports.tests.conftest import SAINT_JOSSE, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("geography")]

BASE = "/open311/v2"


def asgi(method: str, path: str, host: str = "testserver", **kwargs) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as http:
            return await http.request(method, path, **kwargs)

    return async_to_sync(call)()


def ids(response: httpx.Response) -> list[str]:
    return [item["service_request_id"] for item in response.json()]


@pytest.fixture
def reports(matrix):
    now = timezone.now()
    return [submit(now=now - timedelta(days=n)).report for n in (1, 2, 3)]


def test_the_front_answers_the_views_bytes(reports, client):
    for query in ("", "?status=open", "?service_code=litter&locale=fr",
                  f"?lat={SAINT_JOSSE[0]}&long={SAINT_JOSSE[1]}&radius=500"):  # fmt: skip
        for fmt in ("json", "xml"):
            path = f"{BASE}/requests.{fmt}{query}"
            front = asgi("GET", path)
            assert front.status_code == 200
            assert front.content == client.get(path).content
            assert front.headers["content-type"] == answers.CONTENT_TYPES[fmt]
    one = asgi("GET", f"{BASE}/requests/{reports[0].public_id}.json")
    assert ids(one) == [reports[0].public_id]
    assert one.content == client.get(f"{BASE}/requests/{reports[0].public_id}.json").content


def test_the_routes_the_front_takes():
    def scope(method: str, path: str) -> dict:
        return {"type": "http", "method": method, "path": path}

    assert open311_front.wants_public_read(scope("GET", "/open311/v2/requests.json"))
    assert open311_front.wants_public_read(scope("GET", "/open311/v2/requests/12.xml"))
    assert not open311_front.wants_public_read(scope("POST", "/open311/v2/requests.json"))
    assert not open311_front.wants_public_read(scope("HEAD", "/open311/v2/requests.json"))
    assert not open311_front.wants_public_read(scope("GET", "/open311/v2/requests.csv"))
    assert not open311_front.wants_public_read(scope("GET", "/open311/v2/services.json"))
    assert not open311_front.wants_public_read(scope("GET", "/open311/v2/requests/1/2.json"))


def test_an_answer_is_cached_until_the_public_data_changes(reports):
    path = f"{BASE}/requests.json"
    first = asgi("GET", path)
    assert ids(first) == [r.public_id for r in reports]
    # A change no action made (no new version): the cached answer is served.
    Report.objects.filter(pk=reports[0].pk).update(is_public=False)
    assert asgi("GET", path).content == first.content
    # Every action bumps the version when it commits; the next read is fresh.
    public_data_changed()
    assert ids(asgi("GET", path)) == [r.public_id for r in reports[1:]]
    newer = submit(now=timezone.now()).report
    assert ids(asgi("GET", path))[0] == newer.public_id


def test_each_query_and_language_has_its_own_answer(reports):
    english = asgi("GET", f"{BASE}/requests.json?locale=en").json()[0]
    french = asgi("GET", f"{BASE}/requests.json?locale=fr").json()[0]
    assert english["service_name"] == "Litter or dumped rubbish"
    assert french["service_name"] != english["service_name"]
    assert ids(asgi("GET", f"{BASE}/requests.json?page_size=1")) == [reports[0].public_id]
    assert len(ids(asgi("GET", f"{BASE}/requests.json?page_size=2"))) == 2


@override_settings(REPORTS_OPEN311_CACHE_SECONDS=0)
def test_no_cache_when_it_is_switched_off(reports):
    path = f"{BASE}/requests.json"
    asgi("GET", path)
    Report.objects.filter(pk=reports[0].pk).update(is_public=False)
    assert reports[0].public_id not in ids(asgi("GET", path))


def test_errors_are_the_specs_and_never_cached(reports):
    response = asgi("GET", f"{BASE}/requests.json?status=lost&locale=fr")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "status" in error["description"]
    xml = asgi("GET", f"{BASE}/requests.xml?lat=50.85")
    assert xml.status_code == 400 and xml.text.startswith("<?xml")
    assert asgi("GET", f"{BASE}/requests/999999.json").status_code == 404
    fresh = submit(now=timezone.now()).report
    # A 404 was not kept: the report is found as soon as it exists.
    assert ids(asgi("GET", f"{BASE}/requests/{fresh.public_id}.json")) == [fresh.public_id]


def test_confidential_reports_are_not_found(matrix):
    secret = submit(code="trafficking", description="She is forced to work.").report
    assert asgi("GET", f"{BASE}/requests/{secret.public_id}.json").status_code == 404
    assert secret.public_id not in ids(asgi("GET", f"{BASE}/requests.json"))
    assert b"forced" not in asgi("GET", f"{BASE}/requests.json").content


def test_answers_carry_the_sites_security_headers_and_open_cors(reports):
    for _ in range(2):  # built, then from the cache
        response = asgi("GET", f"{BASE}/requests.json")
        assert response.headers["access-control-allow-origin"] == "*"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in response.headers


def test_a_host_not_allowed_gets_djangos_answer(reports):
    response = asgi("GET", f"{BASE}/requests.json", host="evil.example")
    assert response.status_code == 400
    assert b"service_request_id" not in response.content


def test_an_unexpected_error_is_logged_and_answers_500(reports, monkeypatch, caplog):
    def broken(request, fmt):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "_list_requests", broken)
    with caplog.at_level(logging.ERROR, logger="umbrella.reports.open311.front"):
        response = asgi("GET", f"{BASE}/requests.json?status=closed")
    assert response.status_code == 500
    assert response.json()[0]["code"] == 500
    assert "Open311 read failed" in caplog.text


def test_a_post_goes_on_to_django(matrix):
    data = {"service_code": "noise", "lat": SAINT_JOSSE[0], "long": SAINT_JOSSE[1],
            "description": "Loud music every night."}  # fmt: skip
    response = asgi("POST", f"{BASE}/requests.json", data=data)
    assert response.status_code == 201
    [answer] = response.json()
    assert Report.objects.filter(public_id=answer["service_request_id"]).exists()
    # The new report is in the next public read (the action bumped the version).
    assert answer["service_request_id"] in ids(asgi("GET", f"{BASE}/requests.json"))
