"""The OpenAPI document describes the areas contracts."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def _response_schema(schema, path, status, media_type="application/json"):
    content = schema["paths"][path]["get"]["responses"][str(status)]["content"]
    ref = content[media_type]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_locate_documents_its_parameters_and_answers(schema):
    operation = schema["paths"]["/api/v1/areas/locate"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"lat", "lon", "lang"}
    assert {"200", "422", "503"} <= operation["responses"].keys()
    location = _response_schema(schema, "/api/v1/areas/locate", 200)
    assert set(location["properties"]) == {
        "inside_region",
        "municipality",
        "police_zone",
        "neighbourhood",
    }
    error = _response_schema(schema, "/api/v1/areas/locate", 422)
    assert "detail" in error["properties"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/areas/municipalities", "/api/v1/areas/police-zones", "/api/v1/areas/neighbourhoods"],
)
def test_layers_document_a_feature_collection(schema, path):
    # RFC 7946 §12: the layers are sent, and documented, as application/geo+json.
    collection = _response_schema(schema, path, 200, "application/geo+json")
    assert {"type", "features", "attribution", "license"} <= set(collection["properties"])


def test_police_zones_document_the_trafficking_reference(schema):
    properties = schema["components"]["schemas"]["PoliceZoneProperties"]["properties"]
    assert "trafficking_reference" in properties
