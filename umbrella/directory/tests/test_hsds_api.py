"""The HSDS 3.0 read API at /api/hsds/: every served object validates; paging; errors."""

from __future__ import annotations

import json

import pytest

from umbrella.directory.hsds import exports as hsds
from umbrella.directory.tests import factories
from umbrella.directory.tests.hsds_validation import (
    attributes_of,
    build_directory,
    by_id,
    problems,
)

pytestmark = pytest.mark.django_db

BASE = "/api/hsds/"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def directory(db):
    return build_directory()


def get(client, path: str, **params):
    response = client.get(BASE + path, params)
    assert response["Content-Type"] == "application/json", (path, response.status_code)
    return response


def served(client, path: str, **params) -> dict:
    response = get(client, path, **params)
    assert response.status_code == 200, (path, response.content)
    return response.json()


def nested_problems(service: dict) -> list[str]:
    """Validate a service and what it nests (validated by $ref too, and again on its own)."""
    out = problems("service.json", [service])
    out += problems("organization.json", [service["organization"]])
    for sal in service["service_at_locations"]:
        out += problems("service_at_location.json", [sal])
        out += problems("location.json", [sal["location"]])
    return out


def test_meta_says_which_hsds(client, directory):
    body = served(client, "")
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/schema/openapi.json")
    assert body["routes"][0].endswith("/api/hsds/services")


@pytest.mark.parametrize("lang", ["nl", "fr", "en", "ro"])
def test_every_served_object_validates(client, directory, lang):
    everything = []
    for full in ("false", "true"):
        services = served(client, "services", lang=lang, full=full)
        assert services["total_items"] == 3
        everything += problems("service.json", services["contents"])
        sals = served(client, "service_at_locations", lang=lang, full=full)
        assert sals["total_items"] == 3
        everything += problems("service_at_location.json", sals["contents"])
        everything += problems("location.json", [s["location"] for s in sals["contents"]])
        orgs = served(client, "organizations", lang=lang, full=full, full_service=full)
        assert orgs["total_items"] == 2
        everything += problems("organization.json", orgs["contents"])
    for service in services["contents"]:
        everything += nested_problems(service)
        detail = served(client, f"services/{service['id']}", lang=lang)
        assert detail == service  # the list's full object is the detail
    for sal in sals["contents"]:
        detail = served(client, f"service_at_locations/{sal['id']}", lang=lang)
        everything += problems("service_at_location.json", [detail])
        assert detail == sal
    for org in orgs["contents"]:
        detail = served(client, f"organizations/{org['id']}", lang=lang, full_service="true")
        everything += problems("organization.json", [detail])
        everything += problems("location.json", detail["locations"])
        everything += problems("service.json", detail["services"])
        assert detail == org
    assert everything == []


def test_the_api_and_the_export_give_the_same_ids_and_objects(client, directory):
    body = hsds.document("fr")
    services = served(client, "services", lang="fr")["contents"]
    assert services == body["services"]
    orgs = served(client, "organizations", lang="fr")["contents"]
    assert orgs == body["organizations"]
    sals = served(client, "service_at_locations", lang="fr")["contents"]
    exported = by_id(body["locations"])
    for sal in sals:
        location = sal.pop("location")
        assert location == exported[sal["location_id"]]
    assert sals == body["service_at_locations"]


def test_language_from_the_parameter_or_the_request(client, directory):
    sid = hsds.hsds_id("service", directory["clinic"].service_id)
    assert served(client, f"services/{sid}", lang="nl")["name"] == "Kliniek"
    response = client.get(f"{BASE}services/{sid}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["name"] == "Clinique"
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_paging(client, directory):
    for n in range(4):
        factories.service(directory["org"], factories.UCCLE, name_en=f"More {n}")
    first = served(client, "services", per_page=3)
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 7,
        "total_pages": 3,
        "page_number": 1,
        "size": 3,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = served(client, "services", per_page=3, page=3)
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    pages = [served(client, "services", per_page=3, page=p)["contents"] for p in (1, 2, 3)]
    ids = [s["id"] for page in pages for s in page]
    assert len(ids) == len(set(ids)) == 7
    assert ids == [s["id"] for s in served(client, "services")["contents"]]


def test_an_empty_directory_is_one_empty_page(client, db):
    body = served(client, "services")
    assert set(body) == PAGE_KEYS
    assert body["empty"] is True and body["contents"] == []
    assert (body["total_items"], body["total_pages"], body["page_number"]) == (0, 0, 1)


def test_filters(client, directory):
    oid = hsds.hsds_id("organization", directory["org"].pk)
    names = {s["name"] for s in served(client, "services", organization_id=oid)["contents"]}
    assert names == {"Clinic", "Helpline"}
    sals = served(client, "service_at_locations", organization_id=oid)["contents"]
    assert {s["service_id"] for s in sals} == {
        hsds.hsds_id("service", directory["clinic"].service_id),
        hsds.hsds_id("service", directory["helpline"].service_id),
    }
    unknown = "00000000-0000-4000-8000-000000000000"
    assert served(client, "services", organization_id=unknown)["empty"] is True
    found = served(client, "services", search="kliniek", lang="en")["contents"]
    assert [s["name"] for s in found] == ["Clinic"]
    orgs = served(client, "organizations", search="clinic org")["contents"]
    assert [o["id"] for o in orgs] == [oid]
    assert served(client, "services", modified_after="2999-01-01T00:00:00Z")["empty"] is True
    assert served(client, "services", modified_after="2000-01-01")["total_items"] == 3


def test_organization_detail_lists_its_services_and_locations(client, directory):
    oid = hsds.hsds_id("organization", directory["org"].pk)
    simple = served(client, f"organizations/{oid}")
    assert {s["name"] for s in simple["services"]} == {"Clinic", "Helpline"}
    assert set(simple["services"][0]) == {"id", "name"}
    assert {x["location_type"] for x in simple["locations"]} == {"physical", "virtual"}


def test_confidential_location_is_served_by_the_public_rule(client, directory):
    said = hsds.hsds_id("service_at_location", directory["shelter"].pk)
    body = served(client, f"service_at_locations/{said}")
    location = body["location"]
    assert {"name", "latitude", "addresses", "transportation"}.isdisjoint(location)
    assert attributes_of(location)["confidential"] == "yes"
    text = json.dumps(served(client, "service_at_locations"))
    for secret in ("Secret street", "Secret house", "hidden stop", "50.855"):
        assert secret not in text


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"page": "1.5"},
        {"page": "9" * 40},
        {"page": "2"},  # past the last page
        {"per_page": "0"},
        {"per_page": "501"},
        {"full": "maybe"},
        {"lang": "de"},
        {"organization_id": "42"},
        {"modified_after": "yesterday"},
        {"modified_after": "2025-02-30"},
        {"search": "x" * 201},
        {"taxonomy_term_id": "00000000-0000-4000-8000-000000000000"},
        {"format": "ndjson"},
    ],
)
def test_bad_input_answers_400_with_a_sentence(client, directory, params):
    for path in ("services", "service_at_locations", "organizations"):
        if path == "organizations" and ("organization_id" in params or "taxonomy" in str(params)):
            continue
        response = get(client, path, **params)
        assert response.status_code == 400, (path, params)
        assert response.json()["detail"].strip()


def test_unknown_ids_and_addresses_answer_404_json(client, directory):
    for path in (
        "services/00000000-0000-4000-8000-000000000000",
        "services/1",
        "service_at_locations/not-an-id",
        "organizations/" + hsds.hsds_id("organization", 10**9),
        # A service no longer offered is not served.
        "services/" + hsds.hsds_id("service", directory["gone"].service_id),
        "locations",
        "services/a/b",
    ):
        response = get(client, path)
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_head_works_and_other_methods_answer_405(client, directory):
    got = client.get(BASE + "services")
    head = client.head(BASE + "services")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(got.content))
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(BASE + "services")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["detail"]


def test_answers_are_open_data(client, directory):
    response = client.get(BASE + "organizations")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
