"""The DCAT-AP catalogue that the regional and federal portals harvest."""

from __future__ import annotations

import pytest

from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import alarms, at

pytestmark = pytest.mark.django_db


def test_the_catalogue_describes_every_dataset_with_json_and_csv(client, worker):
    alarms(worker, 12, at(2026, 11))
    actions.refresh(at(2027, 2, 15))
    response = client.get("/api/v1/statistics/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    catalog = response.json()
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert catalog["dct:publisher"]["foaf:name"]
    datasets = catalog["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets] == [d.slug for d in queries.datasets()]
    first = datasets[0]
    assert first["@type"] == "dcat:Dataset"
    assert {t["@language"] for t in first["dct:title"]} == {"nl", "fr", "en"}
    assert first["dct:temporal"]["dcat:startDate"]["@value"] == "2026-11-01"
    assert first["dct:spatial"]["@id"].endswith("BE10")
    assert first["dct:license"]["@id"].endswith("/by/4.0/")
    kinds = {d["dct:format"]["@id"].rsplit("/", 1)[1] for d in first["dcat:distribution"]}
    assert kinds == {"JSON", "CSV"}
    for distribution in first["dcat:distribution"]:
        assert distribution["@type"] == "dcat:Distribution"
        assert distribution["dct:license"]["@id"].endswith("/by/4.0/")
