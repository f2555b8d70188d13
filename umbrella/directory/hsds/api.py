"""The HSDS 3.0 read API at ``/api/hsds/`` (Open Referral's ``openapi.json``).

Plain JSON views, like Open311 at ``/open311/v2/``: the routes, parameters
and page object are Open Referral's, not the project's ``/api/v1/``
conventions, so they stay out of that API and its OpenAPI document.

- ``GET /api/hsds/``: what this API is (HSDS version, the OpenAPI it follows);
- ``GET /api/hsds/services``, ``/service_at_locations``, ``/organizations``:
  pages ``{total_items, total_pages, page_number, size, first_page,
  last_page, empty, contents}``; ``page`` (from 1), ``per_page`` (1–500,
  default 50), ``search``, ``organization_id``, ``modified_after``, ``full``;
- ``GET /api/hsds/services/<id>`` (nested: its organization, its services at
  locations with their locations), ``/service_at_locations/<id>`` (with its
  location), ``/organizations/<id>`` (with its locations and its services,
  in full with ``full_service=true``).

Objects come from ``exports.py``, the builders of the export, so ids and
fields are the export's. Text is in ``?lang=`` or the request's language.
Everything is public open data and follows the public rule for confidential
locations whoever asks. Bad input answers 400, an unknown id or path 404,
another method 405, each as ``{"detail": …}``.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from datetime import datetime, time
from functools import wraps
from typing import cast

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from umbrella.directory.exports import facility_sources, licence_and_attribution
from umbrella.directory.hsds import exports as hsds
from umbrella.directory.hsds import queries

PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_SEARCH = 200
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
# Open Referral parameters this API does not implement: refused rather than
# ignored, so that no client takes an unfiltered page for a filtered one.
UNSUPPORTED = ("taxonomy_term_id", "taxonomy_id", "postcode", "proximity", "minimal")
_WHOLE = re.compile(r"[0-9]{1,9}")
MAX_AGE_SECONDS = 60


class Refusal(Exception):
    """A 4xx answer with a sentence for the person who sent the request."""

    def __init__(self, detail: str, status: int = 400):
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "").strip()
    codes = [code for code, _name in settings.LANGUAGES]
    if not lang:
        return (translation.get_language() or "en").split("-")[0]
    if lang not in codes:
        raise Refusal(_("Unknown language: give nl, fr, en, ro, bg, es or pt."))
    return lang


def endpoint(view: Callable) -> Callable:
    """Answer GET (and HEAD) with the view's JSON in the asked language; refuse the rest."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method != "GET":
            response = _error(_("This address does not accept this method."), 405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            language = _language(request)
            with translation.override(language):
                body = view(request, language, *args, **kwargs)
        except Refusal as error:
            return _error(error.detail, error.status)
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response["Content-Language"] = language
        response["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapped


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    return _error(_("There is nothing at this address in the API."), 404)


# -- reading the query -----------------------------------------------------------------


def _whole(request: HttpRequest, name: str, default: int, most: int | None = None) -> int:
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    if not _WHOLE.fullmatch(text) or int(text) < 1 or (most is not None and int(text) > most):
        if most is None:
            raise Refusal(
                _("%(name)s must be a whole number from 1.") % {"name": name},
            )
        raise Refusal(
            _("%(name)s must be a whole number from 1 to %(most)s.") % {"name": name, "most": most}
        )
    return int(text)


def _flag(request: HttpRequest, name: str) -> bool:
    text = request.GET.get(name, "").strip().lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise Refusal(_("%(name)s must be true or false.") % {"name": name})


def _check_supported(request: HttpRequest) -> None:
    for name in UNSUPPORTED:
        if request.GET.get(name, "").strip():
            raise Refusal(_("This API does not support the parameter %(name)s.") % {"name": name})
    if request.GET.get("format", "json").strip().lower() not in ("", "json"):
        raise Refusal(_("Only format=json is served."))


def _search(request: HttpRequest, fields: tuple[str, ...]) -> Q:
    text = request.GET.get("search", "").strip()
    if not text:
        return Q()
    if len(text) > MAX_SEARCH:
        raise Refusal(_("search may hold at most %(most)s characters.") % {"most": MAX_SEARCH})
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": text})
    return found


def _modified_after(request: HttpRequest, field: str) -> Q:
    text = request.GET.get("modified_after", "").strip()
    if not text:
        return Q()
    try:
        when = parse_datetime(text)
        if when is None and (day := parse_date(text)) is not None:
            when = datetime.combine(day, time.min)
    except ValueError:
        when = None
    if when is None:
        raise Refusal(
            _("modified_after must be a date and time such as 2025-01-31T12:00:00+01:00.")
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return Q(**{f"{field}__gte": when})


def _pk_of(kind: str, queryset: QuerySet, text: str) -> int | None:
    """Return the primary key whose HSDS id is ``text`` among ``queryset``, or ``None``.

    A uuid5 cannot be read back: each candidate's id is computed (a few
    microseconds each; the directory holds hundreds of rows, not millions).
    """
    try:
        wanted = str(uuid.UUID(text))
    except ValueError:
        return None
    for pk in queryset.order_by().values_list("pk", flat=True):
        if hsds.hsds_id(kind, pk) == wanted:
            return pk
    return None


def _organization_filter(request: HttpRequest, field: str) -> Q:
    text = request.GET.get("organization_id", "").strip()
    if not text:
        return Q()
    try:
        uuid.UUID(text)
    except ValueError:
        raise Refusal(_("organization_id must be an organisation's id (a UUID).")) from None
    pk = _pk_of("organization", queries.public_organizations(), text)
    return Q(**{field: pk}) if pk is not None else Q(pk__in=[])


def _page(request: HttpRequest, queryset: QuerySet, build: Callable[[list], list]) -> dict:
    """Return page ``page`` of ``queryset``, its rows made objects by ``build`` all at once."""
    page = _whole(request, "page", 1)
    per_page = _whole(request, "per_page", PER_PAGE, MAX_PER_PAGE)
    total = queryset.count()
    total_pages = math.ceil(total / per_page)
    if page > max(total_pages, 1):
        raise Refusal(
            _("There is no page %(page)s: the last page is %(last)s.")
            % {"page": page, "last": max(total_pages, 1)}
        )
    contents = build(list(queryset[(page - 1) * per_page : page * per_page]))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


# -- nested objects, a page at a time (a few queries, whatever the page size) -----------


def _sals_with_locations(sals, language: str) -> list[dict]:
    sals = list(sals)
    locations = {
        x.pk: x for x in queries.public_locations().filter(pk__in=[s.location_id for s in sals])
    }
    return [
        hsds.service_at_location_object(sal, language, locations.get(sal.location_id))
        for sal in sals
    ]


def _full_services(services, language: str) -> list[dict]:
    """Return each service with its ``organization`` and ``service_at_locations`` nested."""
    services = list(services)
    organizations = {
        o.pk: o
        for o in queries.public_organizations().filter(pk__in={s.organization_id for s in services})
    }
    sals = list(
        queries.public_service_at_locations().filter(service_id__in=[s.pk for s in services])
    )
    nested: dict[int, list[dict]] = {s.pk: [] for s in services}
    for sal, data in zip(sals, _sals_with_locations(sals, language), strict=True):
        nested[sal.service_id].append(data)
    out = []
    for service in services:
        data = hsds.service_object(service, language)
        data["organization"] = hsds.organization_object(
            organizations[service.organization_id], language
        )
        data["service_at_locations"] = nested[service.pk]
        out.append(data)
    return out


def _full_organizations(orgs, language: str, full_service: bool) -> list[dict]:
    """Return each organisation with its ``locations`` and ``services``.

    ``services`` is not an HSDS 3.0 field of organization: Open Referral's API
    answers "a service array that contains simple information" (``{id,
    name}`` here), or full services with ``full_service=true``.
    """
    orgs = list(orgs)
    pks = [o.pk for o in orgs]
    locations: dict[int, list[dict]] = {pk: [] for pk in pks}
    for x in queries.public_locations().filter(organization_id__in=pks):
        locations[cast(int, x.organization_id)].append(hsds.location_object(x, language))
    services: dict[int, list[dict]] = {pk: [] for pk in pks}
    for s in queries.public_services().filter(organization_id__in=pks):
        services[s.organization_id].append(
            hsds.service_object(s, language)
            if full_service
            else {"id": hsds.hsds_id("service", s.pk), "name": s.translated("name", language)}
        )
    out = []
    for org in orgs:
        data = hsds.organization_object(org, language)
        data["locations"] = locations[org.pk]
        data["services"] = services[org.pk]
        out.append(data)
    return out


# -- the routes ------------------------------------------------------------------------


@endpoint
def meta(request: HttpRequest, language: str) -> dict:
    licence, attribution = licence_and_attribution(facility_sources())
    return {
        "version": hsds.HSDS_VERSION,
        "openapi_url": OPENAPI_URL,
        "license": licence,
        "attribution": attribution,
        "language": language,
        "timezone": hsds.TIMEZONE,
        "routes": [
            request.build_absolute_uri(reverse(f"hsds:{name}"))
            for name in ("services", "service_at_locations", "organizations")
        ],
    }


_SERVICE_TEXT = tuple(
    f"{field}_{code}" for field in ("name", "description") for code in ("nl", "fr", "en")
)


@endpoint
def services(request: HttpRequest, language: str) -> dict:
    _check_supported(request)
    full = _flag(request, "full")
    rows = queries.public_services().filter(
        _search(request, _SERVICE_TEXT),
        _organization_filter(request, "organization_id"),
        _modified_after(request, "updated_at"),
    )
    if full:
        return _page(request, rows, lambda page: _full_services(page, language))
    return _page(request, rows, lambda page: [hsds.service_object(s, language) for s in page])


@endpoint
def service(request: HttpRequest, language: str, hsds_id: str) -> dict:
    pk = _pk_of("service", queries.public_services(), hsds_id)
    if pk is None:
        raise Refusal(_("No service has this id."), status=404)
    return _full_services(queries.public_services().filter(pk=pk), language)[0]


@endpoint
def service_at_locations(request: HttpRequest, language: str) -> dict:
    _check_supported(request)
    _flag(request, "full")  # each one comes with its location already
    rows = queries.public_service_at_locations().filter(
        _search(request, tuple(f"service__{f}" for f in _SERVICE_TEXT)),
        _organization_filter(request, "service__organization_id"),
        _modified_after(request, "updated_at"),
    )
    return _page(request, rows, lambda page: _sals_with_locations(page, language))


@endpoint
def service_at_location(request: HttpRequest, language: str, hsds_id: str) -> dict:
    rows = queries.public_service_at_locations()
    pk = _pk_of("service_at_location", rows, hsds_id)
    if pk is None:
        raise Refusal(_("No service at a location has this id."), status=404)
    return _sals_with_locations(rows.filter(pk=pk), language)[0]


_ORGANIZATION_TEXT = (
    "name",
    *(f"description_{code}" for code in ("nl", "fr", "en")),
)


@endpoint
def organizations(request: HttpRequest, language: str) -> dict:
    _check_supported(request)
    full, full_service = _flag(request, "full"), _flag(request, "full_service")
    rows = queries.public_organizations().filter(
        _search(request, _ORGANIZATION_TEXT), _modified_after(request, "updated_at")
    )
    if full or full_service:
        return _page(request, rows, lambda page: _full_organizations(page, language, full_service))
    return _page(request, rows, lambda page: [hsds.organization_object(o, language) for o in page])


@endpoint
def organization(request: HttpRequest, language: str, hsds_id: str) -> dict:
    full_service = _flag(request, "full_service")
    pk = _pk_of("organization", queries.public_organizations(), hsds_id)
    if pk is None:
        raise Refusal(_("No organisation has this id."), status=404)
    rows = queries.public_organizations().filter(pk=pk)
    return _full_organizations(rows, language, full_service)[0]
