"""The OpenAPI document is valid OpenAPI 3.1, checked by the standard's own validator (issue 16).

The fuzz test (test_fuzz_api.py) checks that the API answers as the document
says; this one that the document itself is what OpenAPI 3.1 allows, and that
the fixes in umbrella/api/openapi.py hold.
"""

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- the geography, for the layers.

pytestmark = pytest.mark.django_db

GEOJSON_ROUTES = [
    "/api/v1/places",
    "/api/v1/areas/municipalities",
    "/api/v1/areas/police-zones",
    "/api/v1/areas/neighbourhoods",
]


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_passes_openapi_spec_validator(document):
    assert document["openapi"].startswith("3.1")
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    assert errors == []


def test_query_parameter_examples_are_a_map_of_example_objects(document):
    places = document["paths"]["/api/v1/places"]["get"]["parameters"]
    kind = next(parameter for parameter in places if parameter["name"] == "kind")
    assert kind["examples"] == {"example": {"value": "toilet"}}
    # The schema keeps JSON Schema's list.
    assert kind["schema"]["examples"] == ["toilet"]


@pytest.mark.parametrize("path", GEOJSON_ROUTES)
def test_geojson_answers_are_documented_as_application_geo_json(client, document, path, brussels):  # noqa: F811
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/geo+json"]
    assert content["application/geo+json"]["schema"]["$ref"].startswith("#/components/schemas/")
    # And that is what the route sends.
    assert client.get(path)["Content-Type"].startswith("application/geo+json")


def test_the_frameworks_error_answers_are_documented(document):
    paths = document["paths"]
    revoke = paths["/api/v1/auth/token/revoke"]["post"]["responses"]
    # A token route answers 401 without a valid token; a body route may be refused.
    assert {"204", "400", "401", "413", "422"} <= set(revoke)
    subscribe = paths["/api/v1/notify/push/subscriptions"]["post"]["responses"]
    # It takes a session too: a cookie without its CSRF token is refused with 403.
    assert {"201", "401", "403", "422"} <= set(subscribe)
    # The framework's 422 is the routes' own: one Problem schema for every 422.
    assert subscribe["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    # Reading needs no CSRF token, and a plain text parameter cannot fail to validate.
    assert "403" not in paths["/api/v1/notify/contacts"]["get"]["responses"]
    assert "422" not in paths["/api/v1/areas/municipalities"]["get"]["responses"]
    # A path id that is not a number matches no route: 404.
    assert "404" in paths["/api/v1/notify/contacts/{contact_id}"]["delete"]["responses"]
    error = document["components"]["schemas"]["Problem"]
    assert error["required"] == ["detail", "errors"]
    assert error["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldProblem"}
    assert document["components"]["schemas"]["FieldProblem"]["required"] == ["field", "message"]
    # Each 422 body was once declared four times under four names.
    names = document["components"]["schemas"]
    assert not {"ApiValidationError", "ValidationErrorOut", "ValidationDetail"} & set(names)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        # A handler's own refusal (HttpError 422) named no field: it had no "errors".
        ({}, {"HTTP_IDEMPOTENCY_KEY": "\x7f"}),
        # Refused by ApiJsonErrorsMiddleware before any handler: it had no "errors" either.
        ({"note": "help\x00"}, {}),
    ],
)
def test_every_422_has_the_documented_shape(client, worker, body, headers):
    from umbrella.testing import auth_header

    response = client.post(
        "/api/v1/alarms", body, content_type="application/json", **auth_header(worker), **headers
    )
    assert response.status_code == 422
    answer = response.json()
    assert answer["errors"] == [{"field": "", "message": answer["detail"]}]
