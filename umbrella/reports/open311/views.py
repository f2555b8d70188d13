"""The Open311 endpoints: discovery, services, and service requests (list, one, new).

How they answer (formats, errors, request objects) is ``answers.py``.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from umbrella.reports import actions
from umbrella.reports.models import (
    Category,
    Report,
    ReporterKind,
    ReportSource,
)
from umbrella.reports.open311.answers import (
    OPEN,
    ROW_FIELDS,
    Open311Error,
    absolute,
    answer,
    endpoint,
    locale_of,
    service_requests,
)
from umbrella.reports.queries import METRES_PER_DEGREE_LAT, distance_m

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The last change to the contract: service_request_id became the random public id.
CHANGESET = "2026-12-06T00:00:00+01:00"
DEFAULT_DAYS = 90
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DEFAULT_RADIUS_M = 1000
MAX_RADIUS_M = 20000
# What a 405 names in ``Allow`` (HEAD is answered as GET: core/head.py).
READ_ONLY = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")

# --- discovery and services ------------------------------------------------------


@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Tell clients where the endpoint is, which spec it follows, and its formats."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    data = {
        "changeset": CHANGESET,
        "contact": _("Umbrella Brussels liveability reports; see the about page for contacts."),
        "key_service": _("No API key is needed."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": absolute(
                    reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
                ),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return answer(data, fmt, "discovery")


def _public_categories():
    return Category.objects.filter(active=True, confidential=False).order_by("position", "code")


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": category.get_group_display(),
    }


@endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """List the public categories as Open311 services."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    return answer([_service(c) for c in _public_categories()], fmt, "services")


def _category(code: str) -> Category:
    category = _public_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("There is no service “%(code)s”.") % {"code": code[:60]})
    return category


def _choice_attribute(code: str, order: int, description: str, values) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": order,
        "description": description,
        "values": [{"key": key, "name": str(name)} for key, name in values],
    }


def _attributes(category: Category) -> list[dict]:
    found = [_choice_attribute("reporter_kind", 1, _("Who is reporting?"), ReporterKind.choices)]
    if category.offers_police:
        found.append(
            _choice_attribute(
                "wants_police",
                2,
                _("Also tell the police?"),
                [("false", _("No")), ("true", _("Yes"))],
            )
        )
    return found


@endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Describe the attributes a request for this service may carry."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    category = _category(code)
    data = {"service_code": category.code, "attributes": _attributes(category)}
    return answer(data, fmt, "service_definition")


def _public_requests():
    # is_public is never true for a confidential report (the actions keep it so).
    return Report.objects.filter(is_public=True)


def _parse_when(name: str, value: str, end: bool = False) -> datetime:
    parsed = parse_datetime(value.strip().replace(" ", "+"))
    if parsed is None:
        day = parse_date(value.strip())
        if day is not None:
            parsed = datetime.combine(day, datetime.max.time() if end else datetime.min.time())
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s must be a date and time such as 2026-11-30T00:00:00+01:00.")
            % {"name": name},
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _number(request: HttpRequest, name: str, low: float, high: float) -> float | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise Open311Error(
            400,
            _("%(name)s must be a number between %(low)s and %(high)s.")
            % {"name": name, "low": low, "high": high},
        )
    return value


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    queryset = _public_requests()
    ids = request.GET.get("service_request_id")
    if ids:
        wanted = [part.strip() for part in ids.split(",") if part.strip()][:MAX_PAGE_SIZE]
        rows = list(
            queryset.filter(public_id__in=wanted).order_by("-created_at", "-id").values(*ROW_FIELDS)
        )
        return answer(service_requests(rows), fmt, "service_requests")
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed, or both separated by a comma."))
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=OPEN)
    elif statuses == {"closed"}:
        queryset = queryset.exclude(status__in=OPEN)
    start, end = request.GET.get("start_date"), request.GET.get("end_date")
    if start:
        queryset = queryset.filter(created_at__gte=_parse_when("start_date", start))
    if end:
        queryset = queryset.filter(created_at__lte=_parse_when("end_date", end, end=True))
    if not start and not end:
        queryset = queryset.filter(created_at__gte=timezone.now() - timedelta(days=DEFAULT_DAYS))
    lat = _number(request, "lat", -90, 90)
    lon = _number(request, "long", -180, 180)
    radius = _number(request, "radius", 1, MAX_RADIUS_M) or DEFAULT_RADIUS_M
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("Give both lat and long, or neither."))
    if lat is not None and lon is not None:
        dlat = radius / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        queryset = queryset.filter(
            public_lat__range=(lat - dlat, lat + dlat), public_lon__range=(lon - dlon, lon + dlon)
        )
    page = int(_number(request, "page", 1, 10_000) or 1)
    size = int(_number(request, "page_size", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE)
    queryset = queryset.order_by("-created_at", "-id")
    if lat is None or lon is None:
        rows = list(queryset.values(*ROW_FIELDS)[(page - 1) * size : page * size])
    else:
        # Distances on the rounded points first, then the text of one page only.
        # Newest first, stopping as soon as the page is full.
        near: list[int] = []
        candidates = queryset.values_list("id", "public_lat", "public_lon")
        for pk, plat, plon in candidates.iterator(chunk_size=500):
            if distance_m(lat, lon, plat, plon) <= radius:
                near.append(pk)
                if len(near) >= page * size:
                    break
        on_page = near[(page - 1) * size : page * size]
        found = {r["id"]: r for r in Report.objects.filter(pk__in=on_page).values(*ROW_FIELDS)}
        rows = [found[pk] for pk in on_page if pk in found]
    return answer(service_requests(rows), fmt, "service_requests")


def _attribute(request: HttpRequest, code: str) -> str:
    return (request.POST.get(f"attribute[{code}]") or "").strip()


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = _category(code)
    if not data.get("lat") or not data.get("long"):
        raise Open311Error(
            400, _("lat and long are required: this endpoint does not read addresses.")
        )
    try:
        lat, lon = float(data["lat"]), float(data["long"])
    except ValueError:
        raise Open311Error(400, _("lat and long must be numbers.")) from None
    kind = _attribute(request, "reporter_kind") or ReporterKind.OTHER
    try:
        submitted = actions.submit_report(
            category=category,
            lat=lat,
            lon=lon,
            # Optional in GeoReport v2: the category and the point say what and where.
            description=data.get("description") or "",
            description_required=False,
            reporter_kind=kind,
            email=(data.get("email") or "").strip() or None,
            photo=request.FILES.get("media"),
            wants_police=_attribute(request, "wants_police") == "true",
            language=locale_of(request),
            client_key=actions.client_key_for(request),
            source=ReportSource.OPEN311,
        )
    except actions.ReportInvalid as invalid:
        status = 429 if isinstance(invalid, actions.RateLimited) else 400
        messages = [m for field_messages in invalid.errors.values() for m in field_messages]
        raise Open311Error(status, *messages) from None
    report = submitted.report
    with translation.override(locale_of(request)):
        try:
            follow_up = absolute(
                reverse("reports:follow_up", kwargs={"code": submitted.follow_up_code})
            )
        except NoReverseMatch:
            follow_up = None
    notice = submitted.guard_explanation or (
        _("Your report goes to %(body)s.") % {"body": report.body.name}
        if report.body is not None
        else _("Your report has been received.")
    )
    item = {
        "service_request_id": report.public_id,
        "service_notice": notice,
        "account_id": None,
        "follow_up_url": follow_up,
    }
    return answer([item], fmt, "service_requests", status=201)


def cache_key(request: HttpRequest, fmt: str, language: str, version: int) -> str:
    """The cache key of a public GET answer (``open311_front`` caches them)."""
    # Every value of every parameter, sorted and escaped again: joined raw,
    # "?api_key=1%26status%3Dclosed" (one parameter) read as the same text as
    # "?api_key=1&status=closed" (two), and one answer was served for the other.
    query = urlencode(
        sorted((key, value) for key, values in request.GET.lists() for value in values)
    )
    path_hash = hashlib.sha256(request.path.encode()).hexdigest()[:16]
    query_hash = hashlib.sha256(query.encode()).hexdigest()
    return f"reports:open311:{version}:{fmt}:{language}:{path_hash}:{query_hash}"


@endpoint
def _requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: the public reports; POST: a new report."""
    if request.method == "GET":
        return _list_requests(request, fmt)
    if request.method == "POST":
        return _create_request(request, fmt)
    raise Open311Error(405, _("Use GET or POST."), allow=READ_AND_POST)


@endpoint
def _request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """One public report, as a list of one (the spec's shape)."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    return _one_request(request_id, fmt)


def _one_request(request_id: str, fmt: str) -> HttpResponse:
    rows = list(_public_requests().filter(public_id=request_id[:16]).values(*ROW_FIELDS))
    if not rows:
        raise Open311Error(404, _("There is no public request %(id)s.") % {"id": request_id[:20]})
    return answer(service_requests(rows), fmt, "service_requests")


# Under ASGI, public GETs of these two are answered, and cached, by
# ``open311_front`` before Django's handler; these views answer the rest
# (POST, HEAD) and any request that comes through the handler.
requests = csrf_exempt(_requests)
request_detail = _request_detail
