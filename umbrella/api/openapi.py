"""The API's OpenAPI 3.1 document, made valid and complete where django-ninja is not.

Three things ninja cannot say on its own (issue 16: the document failed
``openapi-spec-validator``, named the wrong media type and left error answers
out; issue 15: schemathesis found those answers):

- a query parameter declared with ``Query(examples=[…])`` gets JSON Schema's
  list of examples copied to the parameter, where OpenAPI 3.1 wants a map of
  Example Objects (§4.8.12.1 "examples"); the list stays in the parameter's
  ``schema`` (valid JSON Schema) and the parameter gets the map;
- an answer in GeoJSON (RFC 7946 §12: ``application/geo+json``) is written as
  ``application/json``, the API renderer's type. A route says so with
  ``openapi_extra=geojson_answer()``; the document then lists that answer
  under ``application/geo+json`` only, with the same schema;
- the error answers the framework itself gives, whatever the handler says
  (``complete``): 401 on a route that needs a token; 403 when a browser
  session's cookie comes without its CSRF token on a route that takes a
  session; 404 when a path parameter is not a number (no route matches);
  400, 413 and 422 for a body ``ApiJsonErrorsMiddleware`` refuses; 400 on
  every route for more query parameters than Django reads
  (``DATA_UPLOAD_MAX_NUMBER_FIELDS``, 1,000); 422 for a parameter or body
  that does not validate. A route that documents one of these statuses
  itself keeps its own schema. ``test_openapi_answers.py`` sends each kind of
  request to every operation and checks that each answer is documented.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from umbrella.api.schemas import Problem

GEOJSON = "application/geo+json"
JSON = "application/json"
BODY_METHODS = frozenset({"post", "put", "patch", "delete"})
SAFE_METHODS = frozenset({"get", "head", "options", "trace"})
# Keys of a parameter's schema that say what a valid value is (not how it is described).
CONSTRAINTS = frozenset(
    {"type", "enum", "const", "format", "pattern", "minLength", "maxLength", "minimum", "maximum"}
    | {"exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items", "minItems", "maxItems"}
)

# The two error bodies (umbrella/api/v1.py, umbrella/api/errors.py): the 422
# one is the routes' own ``Problem`` (umbrella/api/schemas.py).
REF_TEMPLATE = "#/components/schemas/{model}"
ERROR = "ApiError"
VALIDATION_ERROR = "Problem"
_problem = Problem.model_json_schema(ref_template=REF_TEMPLATE)
ERROR_SCHEMAS = {
    ERROR: {
        "title": ERROR,
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    **_problem.pop("$defs"),
    VALIDATION_ERROR: _problem,
}
DESCRIPTIONS = {
    400: (
        "The request cannot be read: a body nested too deeply, form data that cannot be "
        "read, or too many query parameters."
    ),
    401: "No valid bearer token (or signed-in session) was sent.",
    403: "Refused: not allowed for this account, or a session cookie without its CSRF token.",
    404: "Nothing at this address (for example a path parameter that is not a number).",
    413: "The request body is too large.",
    422: "A parameter or the body is not valid; each field's problem is in `errors`.",
}


def geojson_answer(status: int = 200) -> dict[str, Any]:
    """Return ``openapi_extra`` that documents the ``status`` answer as GeoJSON."""
    return {"responses": {status: {"content": {GEOJSON: {}}}}}


def optional_body(schema) -> dict[str, Any]:
    """Return ``openapi_extra`` that documents an optional body a handler parses itself.

    A one-tap button posts nothing, so such routes read their body by hand
    (``umbrella.alarms.api.optional_body``): ninja then documents no body at
    all. The fields are sent as JSON or as a form.
    """
    body = {"schema": schema.model_json_schema()}
    return {
        "requestBody": {
            "required": False,
            "content": {
                JSON: body,
                "application/x-www-form-urlencoded": body,
            },
        }
    }


def _parameter_examples(parameter: dict) -> None:
    examples = parameter.get("examples")
    if isinstance(examples, list):
        parameter["examples"] = {
            f"example{index}" if index else "example": {"value": value}
            for index, value in enumerate(examples)
        }


def _geojson_content(response: dict) -> None:
    content = response.get("content") or {}
    if GEOJSON in content and JSON in content:
        # The schema ninja wrote for the renderer's type is the GeoJSON body's.
        content[GEOJSON] = {**content.pop(JSON), **content[GEOJSON]}


def _framework_errors(method: str, operation: dict, cookie_schemes: set[str]) -> dict[int, str]:
    """Return the statuses (and their body schema) the framework may answer ``operation`` with."""
    # Django refuses more query parameters than it reads, on any route.
    errors: dict[int, str] = {400: ERROR}
    security = operation.get("security") or []
    if security:
        errors[401] = ERROR
        takes_session = any(cookie_schemes & set(requirement) for requirement in security)
        if takes_session and method not in SAFE_METHODS:
            errors[403] = ERROR
    parameters = operation.get("parameters", [])
    if any(parameter.get("in") == "path" for parameter in parameters):
        errors[404] = ERROR
    if method in BODY_METHODS:
        errors[400] = ERROR
        errors[413] = ERROR
        errors[422] = VALIDATION_ERROR
    if "requestBody" in operation or any(map(_may_not_validate, parameters)):
        errors[422] = VALIDATION_ERROR
    return errors


def _may_not_validate(parameter: dict) -> bool:
    """Answer whether a parameter's value can fail validation (and so answer 422).

    Any text is a valid plain string; a path parameter that is not a number
    matches no route (404) rather than failing validation.
    """
    if parameter.get("in") == "path":
        return False
    schema = parameter.get("schema", {})
    options = schema.get("anyOf", [schema])
    plain = ({"type": "string"}, {"type": "null"})
    return not all(
        {key: value for key, value in option.items() if key in CONSTRAINTS} in plain
        for option in options
    )


def complete(document: dict) -> dict:
    """Add, in place, the framework's error answers each operation lacks (module docstring)."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    cookie_schemes = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "apiKey" and scheme.get("in") == "cookie"
    }
    used: set[str] = set()
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, schema in _framework_errors(method, operation, cookie_schemes).items():
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": DESCRIPTIONS[status],
                    "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                }
                used.add(schema)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    if VALIDATION_ERROR in used:
        used.add("FieldProblem")
    for name in sorted(used):
        components.setdefault(name, ERROR_SCHEMAS[name])
    return document


def make_valid(document: dict) -> dict:
    """Fix, in place, what OpenAPI 3.1 does not allow in ninja's document; complete it."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _parameter_examples(parameter)
            for response in operation.get("responses", {}).values():
                _geojson_content(response)
    return complete(document)


class UmbrellaNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is valid OpenAPI 3.1 (see the module docstring)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return make_valid(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )


class LocalSwagger(Swagger):
    """The docs page: ninja's Swagger UI page and files, never its CDN variant.

    ninja renders its own template only when ``ninja`` is an installed app,
    and an installed app is imported by every process: the worker too, which
    then keeps ninja and pydantic (~13 MB) for nothing. Its page and files are
    found instead through the settings' ``TEMPLATES`` and ``STATICFILES_DIRS``
    (settings/base.py: ``NINJA_DIR``).
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        auth = api.auth if isinstance(api.auth, list | tuple) else ()
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # As ninja does: the CSRF token when an authentication asks for it.
            "add_csrf": any(getattr(method, "csrf", False) for method in auth),
        }
        return render(request, self.template, context)
