"""Sentences for the API's error answers, in the language of the request.

Pydantic describes each invalid field in English ("Input should be greater
than or equal to -90"). A person reads the API's answers on the panic and
check-in screens, in her own language, so each error type a client can meet
gets a whole translated sentence here, with the field's name and the limit
as placeholders. The type, not the English text, is the key.

Every other error under ``/api/v1/`` is JSON too (``ApiJsonErrorsMiddleware``).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from umbrella.core.middleware import InlineMiddleware


def problem(message: str, field: str = "") -> dict:
    """Return the API's one 422 body: ``detail`` and one ``errors`` entry.

    ``field`` is ``""`` when the problem is the whole request's.
    """
    message = str(message)
    return {"detail": message, "errors": [{"field": field, "message": message}]}


# Parts of an error's location that say where the value came from, not which field it is.
SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


def field_name(error: dict) -> str:
    """Return the dotted name of the field an error is about ("" for the whole body)."""
    return ".".join(str(part) for part in error.get("loc", ()) if part not in SOURCES)


def _label(error: dict) -> str:
    # The sentence names the field itself ("minutes"), not its path
    # ("data.minutes", "tiers.0.delay_seconds"): the path is in "field".
    names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
    names = [name for name in names if name not in SOURCES]
    return names[-1] if names else ""


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _whole_body_message(kind: str) -> str:
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("The request body must be a JSON object.")
    if kind == "missing":
        return _("The request body is missing.")
    return _("The request is not valid.")


def field_message(error: dict) -> str:
    """Return a sentence, in the active language, that says what is wrong with one field."""
    kind = error.get("type", "")
    field = _label(error)
    if not field or kind == "json_invalid":
        return _whole_body_message(kind)
    ctx = error.get("ctx") or {}
    values = {"field": field}
    if kind == "missing":
        return _("“%(field)s” is required.") % values
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        key = {"greater_than_equal": "ge", "less_than_equal": "le"}.get(kind) or {
            "greater_than": "gt",
            "less_than": "lt",
        }[kind]
        values["limit"] = _number(ctx.get(key, ""))
        return {
            "greater_than_equal": _("“%(field)s” must be %(limit)s or more."),
            "less_than_equal": _("“%(field)s” must be %(limit)s or less."),
            "greater_than": _("“%(field)s” must be more than %(limit)s."),
            "less_than": _("“%(field)s” must be less than %(limit)s."),
        }[kind] % values
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("“%(field)s” must be a whole number.") % values
    if kind in ("float_parsing", "float_type", "finite_number", "decimal_parsing"):
        return _("“%(field)s” must be a number.") % values
    if kind in ("bool_parsing", "bool_type"):
        return _("“%(field)s” must be true or false.") % values
    if kind in ("string_type", "string_unicode"):
        return _("“%(field)s” must be text.") % values
    if kind == "string_too_long":
        count = int(ctx.get("max_length", 0))
        return ngettext(
            "“%(field)s” can be at most %(count)s character long.",
            "“%(field)s” can be at most %(count)s characters long.",
            count,
        ) % {**values, "count": count}
    if kind == "string_too_short":
        count = int(ctx.get("min_length", 0))
        return ngettext(
            "“%(field)s” must be at least %(count)s character long.",
            "“%(field)s” must be at least %(count)s characters long.",
            count,
        ) % {**values, "count": count}
    if kind == "string_pattern_mismatch":
        return _("“%(field)s” is not in the expected format.") % values
    if kind == "too_long":
        count = int(ctx.get("max_length", 0))
        return ngettext(
            "“%(field)s” can have at most %(count)s item.",
            "“%(field)s” can have at most %(count)s items.",
            count,
        ) % {**values, "count": count}
    if kind == "too_short":
        count = int(ctx.get("min_length", 0))
        return ngettext(
            "“%(field)s” must have at least %(count)s item.",
            "“%(field)s” must have at least %(count)s items.",
            count,
        ) % {**values, "count": count}
    if kind in ("enum", "literal_error"):
        return _("“%(field)s” is not one of the allowed values.") % values
    if kind == "list_type":
        return _("“%(field)s” must be a list.") % values
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("“%(field)s” must be an object.") % values
    if kind.startswith("url_"):
        return _("“%(field)s” must be a web address.") % values
    if kind.startswith(("datetime_", "date_", "time_")):
        return _("“%(field)s” must be a date or time in ISO 8601 format.") % values
    if kind == "extra_forbidden":
        return _("“%(field)s” is not expected here.") % values
    return _("“%(field)s” is not valid.") % values


def problem_detail(fields: list[dict]) -> str:
    """Return the answer's ``detail``: the one problem itself, or a pointer to the list."""
    if len(fields) == 1:
        return fields[0]["message"]
    return _("The request is not valid. Check the fields listed.")


# --- Every error under /api/v1/ in JSON ---------------------------------------------

API_PREFIX = "/api/v1/"


def _is_json(response) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return kind == "application/json" or kind.endswith("+json")


def _error_detail(status: int) -> str:
    if status == 404:
        return _("There is nothing at this address in the API.")
    if status == 405:
        return _("This address does not accept this method.")
    if status == 401:
        return _("Authentication required: send a valid bearer token.")
    if status == 403:
        return _("You may not do this.")
    if status >= 500:
        return _("The server could not answer. Please try again.")
    return _("The request is not valid.")


def json_error(response):
    """Return ``response`` as ``{"detail": …}`` JSON when it is an API error that is not JSON.

    Django answers an unknown path (or an id that is not a number, which no
    route matches) with its HTML 404 page, django-ninja a wrong method with a
    text 405, an unhandled exception with the HTML 500 page: an API client
    gets JSON for each. ``Allow`` and ``WWW-Authenticate`` are kept; a 401
    says which scheme it wants.
    """
    status = response.status_code
    if status < 400:
        return response
    if not _is_json(response):
        answer = JsonResponse({"detail": _error_detail(status)}, status=status)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if response.get(header):
                answer[header] = response[header]
        answer["Content-Length"] = str(len(answer.content))
        response = answer
    if status == 401 and not response.get("WWW-Authenticate"):
        response["WWW-Authenticate"] = "Bearer"
    return response


# --- Bodies no handler should meet ----------------------------------------------

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _refusal(status: int, detail: str) -> JsonResponse:
    if status == 422:
        # The API's one 422 shape (umbrella/api/v1.py): about the whole body, no one field.
        return JsonResponse(problem(detail), status=status)
    return JsonResponse({"detail": detail}, status=status)


def _has_nul(data) -> bool:
    """Answer whether any string (key or value) of parsed JSON holds a NUL character."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def body_problem(request) -> JsonResponse | None:
    """Return the 4xx answer for a body no API handler should meet, or ``None``.

    Each of these was a 500 (issue 15): a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (``RequestDataTooBig``), JSON nested deeper than Python's recursion limit
    (``RecursionError``), multipart without a boundary (``MultiPartParserError``),
    and a NUL character in a string, which PostgreSQL refuses to store. JSON
    that does not parse is left to the handlers (their 422 names it).
    """
    if request.method not in BODY_METHODS:
        return None
    if request.content_type in FORM_TYPES:
        try:
            # The body is read first, so that the form is parsed from it and a
            # handler that reads JSON (a form sent to a JSON route) still can:
            # parsed from the stream, the body was gone, and that was a 500.
            request.body  # noqa: B018
            request.POST  # noqa: B018 -- parsed here so that a broken body is a 400, not a 500
        except RequestDataTooBig:
            return _too_large()
        except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, ValueError):
            return _refusal(400, _("The request body is not valid form data."))
        values = [v for _key, items in request.POST.lists() for v in items]
        if any("\x00" in key for key in request.POST) or any("\x00" in v for v in values):
            return _refusal(422, _("Text in the request may not contain NUL characters."))
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return _too_large()
    if not body:
        return None
    try:
        data = json.loads(body)
    except RecursionError:
        return _refusal(400, _("The request body is nested too deeply."))
    except (ValueError, UnicodeDecodeError):
        return None
    if _has_nul(data):
        return _refusal(422, _("Text in the request may not contain NUL characters."))
    return None


def _too_large() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _refusal(
        413,
        _("The request body is too large: at most %(limit)s KB is accepted.")
        % {"limit": limit // 1024},
    )


class ApiJsonErrorsMiddleware(InlineMiddleware):
    """Answer every error under ``/api/v1/`` in JSON (see ``json_error``).

    Bodies that would make a handler fail are refused first (``body_problem``).
    """

    def before(self, request):
        if not request.path.startswith(API_PREFIX):
            return None
        refused = body_problem(request)
        return json_error(refused) if refused is not None else None

    def after(self, request, response):
        if not request.path.startswith(API_PREFIX):
            return response
        return json_error(response)
