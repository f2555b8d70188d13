"""The open-data API: the list, one table as JSON and CSV, refusals a person can read."""

from __future__ import annotations

import csv
import io

import pytest

from umbrella.observatory import actions
from umbrella.observatory.tests.factories import (
    SAINT_JOSSE,
    SCHAERBEEK,
    alarms,
    at,
    february_2027,  # noqa: F401 -- february_2027 holds the clock
)
from umbrella.testing import assert_api_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(worker):
    alarms(worker, 12, at(2026, 11), nis=SAINT_JOSSE)
    alarms(worker, 40, at(2026, 11), nis=SCHAERBEEK)
    alarms(worker, 3, at(2026, 12), nis=SAINT_JOSSE, source="device")
    actions.refresh(at(2027, 2, 15))


def test_the_list_names_every_dataset_with_its_method_and_licence(client):
    answer = client.get("/api/v1/statistics").json()
    assert answer["license"].startswith("CC BY 4.0")
    assert answer["attribution"]
    slugs = [d["id"] for d in answer["datasets"]]
    assert slugs[0] == "alarms-phone" and "alarms-duress" in slugs
    duress = next(d for d in answer["datasets"] if d["id"] == "alarms-duress")
    assert duress["levels"] == ["region"] and duress["periods"] == ["year"]
    assert all(d["method"] for d in answer["datasets"])


def test_a_table_as_json(client, figures):
    response = client.get(
        "/api/v1/statistics/alarms-phone?period=month&by=municipality&from=2026-11&to=2026-11"
    )
    assert response.status_code == 200
    assert 'rel="license"' in response["Link"]
    answer = response.json()
    assert answer["license"].startswith("CC BY 4.0") and answer["unit"] == "count"
    rows = {(r["period"], r["area"]["code"]): r for r in answer["rows"]}
    assert {r["period"] for r in answer["rows"]} == {"2026-11"}
    assert rows[("2026-11", SAINT_JOSSE)] == {
        "period": "2026-11",
        "area": {"kind": "municipality", "code": SAINT_JOSSE, "name": "Saint-Josse-ten-Noode"},
        "value": 12,
        "suppressed": False,
    }


def test_a_hidden_cell_is_null_and_marked(client, figures):
    rows = client.get(
        "/api/v1/statistics/alarms-room-button?by=municipality&from=2026-12&to=2026-12"
    ).json()["rows"]
    sj = next(r for r in rows if r["area"]["code"] == SAINT_JOSSE)
    assert sj["value"] is None and sj["suppressed"] is True


@pytest.mark.parametrize("how", [{"HTTP_ACCEPT": "text/csv"}, {"QUERY_STRING": "format=csv"}])
def test_a_table_as_csv_with_the_licence_lines(client, figures, how):
    query = how.pop("QUERY_STRING", "")
    response = client.get(f"/api/v1/statistics/alarms-phone?by=municipality&{query}", **how)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0].startswith("# License: CC BY 4.0") and lines[1].startswith("# Attribution:")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[3:]))))
    sj = next(r for r in rows if r["period"] == "2026-11" and r["area_code"] == SAINT_JOSSE)
    assert sj["value"] == "12" and sj["suppressed"] == "no"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("by=neighbourhood", "neighbourhood"),
        ("period=week", "week"),
        ("from=last-year", "from"),
        ("from=2026-13", "from"),
        ("from=2026-12&to=2026-01", "start date"),
        ("format=xlsx", "format"),
    ],
)
def test_bad_parameters_answer_422_with_a_sentence(client, query, says):
    answer = assert_api_error(client.get(f"/api/v1/statistics/alarms-phone?{query}"), 422)
    assert says in answer["detail"]


def test_duress_refuses_municipalities(client):
    answer = assert_api_error(
        client.get("/api/v1/statistics/alarms-duress?by=municipality&period=year"), 422
    )
    assert "region" in answer["detail"]


def test_unknown_dataset_is_404(client):
    assert_api_error(client.get("/api/v1/statistics/nope"), 404)


def test_messages_in_french(client):
    answer = assert_api_error(
        client.get("/api/v1/statistics/alarms-phone?period=week", HTTP_ACCEPT_LANGUAGE="fr"), 422
    )
    assert answer["detail"]


def test_a_full_cache_lets_go_of_the_least_recently_asked_answer_first(client, monkeypatch):
    from cachetools import LRUCache

    from umbrella.observatory import api

    built = []
    catalog = api.catalog
    monkeypatch.setattr(api, "catalog", lambda: built.append(1) or catalog())
    monkeypatch.setattr(api, "_answers", LRUCache(maxsize=2))
    client.get("/api/v1/statistics/catalog.jsonld")
    for slug in ("alarms-phone", "alarms-duress", "alarms-phone"):
        # The catalogue, asked between the tables, stays the most recent but one.
        client.get("/api/v1/statistics/catalog.jsonld")
        assert client.get(f"/api/v1/statistics/{slug}?period=year").status_code == 200
    assert client.get("/api/v1/statistics/catalog.jsonld").status_code == 200
    assert len(built) == 1
    assert len(api._answers) == 2
