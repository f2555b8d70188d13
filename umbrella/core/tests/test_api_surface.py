"""The API's surface: docs from our own static files, JSON errors, HEAD, 401 and 405 headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from umbrella.testing import auth_header

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self.inline_scripts.append(str(attrs))
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag in ("img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])


def test_the_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _Assets()
    assets.feed(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets.urls)
    for url in assets.urls:
        # Same origin: a path on this site, never a CDN.
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not in the static files"
    # Only JSON data blocks inline: the CSP allows no inline script, and needs no exception.
    assert assets.inline_scripts == []
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src == "'self'"
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing",
        "/api/v1/alarms/not-a-number",
        "/api/v1/checkins/12abc/done",
        "/api/v1/training/certificates/",
        "/api/v1/",
    ],
)
def test_unknown_paths_and_bad_ids_answer_404_in_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_wrong_method_answers_405_in_json_with_allow(client):
    response = client.delete("/api/v1/areas/locate?lat=50.85&lon=4.35")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["Allow"].replace(" ", "").split(",") == ["GET", "HEAD"]


def test_401_names_the_bearer_scheme(client):
    response = client.get("/api/v1/alarms/1")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]
    wrong = client.get("/api/v1/alarms/1", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"] == "Bearer"


def test_a_server_error_answers_json(client, monkeypatch):
    from umbrella.areas import api as areas_api

    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(areas_api, "locate", broken)
    failing = Client(raise_request_exception=False)
    response = failing.get("/api/v1/areas/locate?lat=50.85&lon=4.35")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "broken" not in response.content.decode()


def _get_routes() -> list[str]:
    from umbrella.api.v1 import api

    document = api.get_openapi_schema()
    return sorted(path for path, item in document["paths"].items() if "get" in item)


def _concrete(path: str) -> str:
    # A path parameter gets a value of the right shape; "1" fits ids and codes alike.
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("route", _get_routes())
def test_head_is_answered_wherever_get_is(client, route):
    path = _concrete(route)
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code != 405, path
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    if not get.streaming:
        assert head["Content-Length"] == str(len(get.content))


@pytest.mark.parametrize("route", _get_routes())
def test_head_is_answered_wherever_get_is_with_a_token(client, worker, route):
    path = _concrete(route)
    get = client.get(path, **auth_header(worker))
    head = client.head(path, **auth_header(worker))
    assert head.status_code == get.status_code != 405, path
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_every_get_route_of_the_document_is_covered():
    routes = _get_routes()
    assert "/api/v1/areas/locate" in routes and "/api/v1/places" in routes
    assert len(routes) > 10


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/services.xml",
        "/open311/v2/requests.json",
        "/open311/v2/requests/1.json",
        "/healthz",
        "/nl/",
        "/fr/directory/",
    ],
)
def test_head_is_answered_on_open311_health_and_pages(client, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code != 405, path
    assert head.content == b""


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/open311/v2/services.json", ["GET", "HEAD"]),
        ("/open311/v2/discovery.json", ["GET", "HEAD"]),
        ("/open311/v2/requests/1.json", ["GET", "HEAD"]),
        ("/open311/v2/requests.json", ["GET", "HEAD", "POST"]),
    ],
)
def test_open311_405_names_the_allowed_methods(path, allow):
    # CSRF checks on, as a real client meets them.
    response = Client(enforce_csrf_checks=True).put(path)
    assert response.status_code == 405
    assert response["Allow"].replace(" ", "").split(",") == allow
    assert response.json()[0]["code"] == 405
