"""The public contracts of docs/api.md, as the OpenAPI document states them.

A focused check, not a snapshot: each promised path exists with its method
and its success status, and the answers integrators rely on have a schema
with the promised fields. (The SSE stream, /api/v1/alarms/stream, is served
outside django-ninja and is covered by notify's own tests.)
"""

import pytest

pytestmark = pytest.mark.django_db

# (path, method, success statuses) promised in docs/api.md "Public contracts".
CONTRACT = [
    ("/api/v1/areas/locate", "get", {"200"}),
    ("/api/v1/areas/police-zones", "get", {"200"}),
    ("/api/v1/auth/token", "post", {"200"}),
    ("/api/v1/alarms", "post", {"201", "200"}),
    ("/api/v1/alarms/device/{device_key}", "post", {"201", "200"}),
    ("/api/v1/alarms/{alarm_id}", "get", {"200"}),
    ("/api/v1/alarms/{alarm_id}/acknowledge", "post", {"200"}),
    ("/api/v1/alarms/{alarm_id}/resolve", "post", {"200"}),
    ("/api/v1/checkins", "post", {"201", "200"}),
    ("/api/v1/checkins/{checkin_id}/done", "post", {"200"}),
    ("/api/v1/places", "get", {"200"}),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict, node: dict) -> dict:
    """Follow a $ref (and a single-item allOf/anyOf wrapper) to the component schema."""
    while True:
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        elif len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            return node


def answer_schema(schema: dict, path: str, method: str, status: str) -> dict:
    response = schema["paths"][path][method]["responses"][status]
    return resolve(schema, response["content"]["application/json"]["schema"])


@pytest.mark.parametrize(("path", "method", "statuses"), CONTRACT)
def test_each_promised_route_exists_with_its_success_status(schema, path, method, statuses):
    assert path in schema["paths"], f"{path} is missing from the OpenAPI document"
    assert method in schema["paths"][path], f"{method.upper()} {path} is missing"
    declared = set(schema["paths"][path][method]["responses"])
    assert statuses <= declared, (path, method, declared)


def test_raising_an_alarm_answers_the_promised_fields(schema):
    for status in ("201", "200"):
        body = answer_schema(schema, "/api/v1/alarms", "post", status)
        assert {"id", "status", "source", "raised_at"} <= set(body["required"])
    source = resolve(schema, body["properties"]["source"])
    assert set(source["enum"]) == {"app", "device", "checkin", "duress"}
    press = answer_schema(schema, "/api/v1/alarms/device/{device_key}", "post", "201")
    assert {"id", "status", "source", "raised_at", "deduplicated"} <= set(press["required"])
    # A room button has no account: the press route asks for none.
    assert not schema["paths"]["/api/v1/alarms/device/{device_key}"]["post"].get("security")


def test_the_alarm_detail_shows_who_took_it(schema):
    detail = answer_schema(schema, "/api/v1/alarms/{alarm_id}", "get", "200")
    assert {"acknowledged_by", "acknowledged_at", "recipients", "timeline"} <= set(
        detail["properties"]
    )


def test_checkins_and_the_circle_have_answer_schemas(schema):
    checkin = answer_schema(schema, "/api/v1/checkins", "post", "201")
    assert {"id", "status", "due_at", "expires_at"} <= set(checkin["required"])
    circle = answer_schema(schema, "/api/v1/circle", "get", "200")
    assert {"police_opt_in", "tiers"} <= set(circle["properties"])
    buttons = answer_schema(
        schema, "/api/v1/establishments/{organisation_id}/buttons", "post", "201"
    )
    assert "device_key" in buttons["required"]


def test_invalid_input_is_documented_as_the_422_shape(schema):
    for path, method in [("/api/v1/alarms", "post"), ("/api/v1/checkins", "post")]:
        error = answer_schema(schema, path, method, "422")
        assert set(error["required"]) == {"detail", "errors"}
        item = resolve(schema, error["properties"]["errors"]["items"])
        assert set(item["required"]) == {"field", "message"}


def test_component_names_do_not_shadow_each_other(schema):
    # ninja names components by class name: two apps' "LocationOut" would
    # silently become one. The locate answer must keep its own fields.
    locate = answer_schema(schema, "/api/v1/areas/locate", "get", "200")
    assert {"inside_region", "municipality", "police_zone"} <= set(locate["properties"])
