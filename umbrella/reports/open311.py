"""Open311 GeoReport v2 at ``/open311/v2/`` (https://wiki.open311.org/GeoReport_v2).

- ``GET discovery.{json,xml}``: where this endpoint is and what it speaks;
- ``GET services.{fmt}``: the public categories (confidential ones never
  appear); ``GET services/<service_code>.{fmt}``: the attributes a request
  may carry (who reports; for some categories, whether to tell the police);
- ``GET requests.{fmt}``: public reports, newest first. Filters of the spec:
  ``service_request_id`` (comma-separated; the other filters are then
  ignored), ``service_code`` (comma-separated), ``start_date``, ``end_date``
  (W3C date-times; without both, the last 90 days), ``status``
  (``open``, ``closed`` or both); extensions: ``lat``, ``long`` and
  ``radius`` (metres, default 1,000, at most 20,000) around a point, and
  ``page``/``page_size`` (default 50, at most 200);
- ``POST requests.{fmt}``: a new report, anonymous; ``api_key`` is optional
  and not needed; ``lat`` and ``long`` are required (``address_string`` is not
  supported); ``description`` is optional, as the spec says (up to 5,000
  characters; the site's form asks for a few words);
  ``attribute[reporter_kind]``, ``attribute[wants_police]``; a photo may come
  as the multipart file ``media`` (``media_url`` is not fetched: the platform
  makes no request to third parties);
- ``GET requests/<service_request_id>.{fmt}``: one public report, as a list.

``service_request_id`` is the report's random public id (``Report.public_id``,
as in its public page's URL), never its sequential primary key.

Errors are, as the spec says, a list of ``{"code", "description"}`` with the
HTTP status as code. Names and sentences follow ``locale`` (nl, fr, en;
default en). ``agency_responsible`` is the responsible body's name; the
location is the public point, rounded to about 50 m; ``address`` names the
neighbourhood and municipality, never a street number. ``description`` is
always empty: the reporter's words are not published, here as on the site.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from umbrella.areas.models import Municipality, Neighbourhood, name_in_language
from umbrella.directory.models.translation import pick
from umbrella.reports import actions
from umbrella.reports.models import (
    Body,
    Category,
    CloseReason,
    Report,
    ReporterKind,
    ReportPhoto,
    ReportSource,
    ReportStatus,
)
from umbrella.reports.queries import METRES_PER_DEGREE_LAT, distance_m

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The last change to the contract: service_request_id became the random public id.
CHANGESET = "2026-12-06T00:00:00+01:00"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
OPEN = {ReportStatus.SUBMITTED, ReportStatus.OPEN, ReportStatus.IN_PROGRESS, ReportStatus.REFERRED}
DEFAULT_DAYS = 90
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DEFAULT_RADIUS_M = 1000
MAX_RADIUS_M = 20000
LOCALES = ("nl", "fr", "en")

# The element name of each list's items in XML, as in the spec's examples.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


# What a 405 names in ``Allow`` (HEAD is answered as GET: core/head.py).
READ_ONLY = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str, allow: tuple[str, ...] = ()):
        self.status = status
        self.descriptions = descriptions or (_("The request could not be served."),)
        self.allow = allow


# --- output ---------------------------------------------------------------------


def _xml(tag: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml(key, item) for key, item in value.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, list):
        item_tag = XML_ITEMS.get(tag, "item")
        return f"<{tag}>" + "".join(_xml(item_tag, item) for item in value) + f"</{tag}>"
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        return f"<{tag}>{'true' if value else 'false'}</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def _response(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Public data: any web client may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(error: Open311Error, fmt: str) -> HttpResponse:
    errors = [{"code": error.status, "description": str(d)} for d in error.descriptions]
    response = _response(errors, fmt if fmt in CONTENT_TYPES else "json", "errors", error.status)
    if error.allow:
        response["Allow"] = ", ".join(error.allow)
    return response


def locale_of(request: HttpRequest) -> str:
    value = (request.GET.get("locale") or request.POST.get("locale") or "en")[:2].lower()
    return value if value in LOCALES else "en"


def _endpoint(view):
    """Check the format, pick the language, and turn ``Open311Error`` into a spec error."""

    def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        with translation.override(locale_of(request)):
            try:
                if fmt not in CONTENT_TYPES:
                    raise Open311Error(
                        400, _("Unknown format “%(format)s”: use .json or .xml.") % {"format": fmt}
                    )
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return error_response(error, fmt)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # A machine API with no session: a wrong method gets the spec's 405 with
    # Allow, not the CSRF page (only POST requests changes anything).
    wrapped.csrf_exempt = True
    return wrapped


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _when(value: datetime | None, zone=None) -> str | None:
    """Return a W3C date-time in Brussels time (``zone``: the current one, looked up once)."""
    if value is None:
        return None
    return value.astimezone(zone or timezone.get_current_timezone()).isoformat(timespec="seconds")


# --- discovery and services ------------------------------------------------------


@_endpoint
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
                "url": _absolute(
                    reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
                ),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _response(data, fmt, "discovery")


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


@_endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """List the public categories as Open311 services."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    return _response([_service(c) for c in _public_categories()], fmt, "services")


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


@_endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Describe the attributes a request for this service may carry."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    category = _category(code)
    data = {"service_code": category.code, "attributes": _attributes(category)}
    return _response(data, fmt, "service_definition")


# --- requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Names and codes looked up once per request instead of joined per row."""

    categories: dict[int, tuple[str, str]]
    bodies: dict[int, str]
    places: dict[str, dict[int, str]]
    statuses: dict[str, str]
    reasons: dict[str, str]

    @classmethod
    def load(cls) -> Names:
        language = translation.get_language() or "en"

        def name(nl: str, fr: str, en: str) -> str:
            return pick({"nl": nl, "fr": fr, "en": en}, language)[0]

        return cls(
            categories={
                pk: (code, name(nl, fr, en))
                for pk, code, nl, fr, en in Category.objects.values_list(
                    "pk", "code", "name_nl", "name_fr", "name_en"
                )
            },
            bodies={
                pk: name(nl, fr, en)
                for pk, nl, fr, en in Body.objects.values_list(
                    "pk", "name_nl", "name_fr", "name_en"
                )
            },
            places=_place_names(language),
            statuses=dict(ReportStatus.choices),
            reasons=dict(CloseReason.choices),
        )


_PLACE_NAMES: dict[str, dict[str, dict[int, str]]] = {}


def _place_names(language: str, reload: bool = False) -> dict[str, dict[int, str]]:
    """Return municipality and neighbourhood names by id (the geography changes only on load)."""
    language = "nl" if language.startswith("nl") else "fr"
    if reload or language not in _PLACE_NAMES:
        _PLACE_NAMES[language] = {
            "municipality": {
                pk: name_in_language(nl, fr, language)
                for pk, nl, fr in Municipality.objects.values_list("pk", "name_nl", "name_fr")
            },
            "neighbourhood": {
                pk: name_in_language(nl, fr, language)
                for pk, nl, fr in Neighbourhood.objects.values_list("pk", "name_nl", "name_fr")
            },
        }
    return _PLACE_NAMES[language]


ROW_FIELDS = (
    "id",
    "public_id",
    "status",
    "close_reason",
    "referred_to_id",
    "category_id",
    "body_id",
    "created_at",
    "updated_at",
    "public_lat",
    "public_lon",
    "municipality_id",
    "neighbourhood_id",
)


def _status_notes(row: dict, names: Names) -> str | None:
    status = row["status"]
    if status == ReportStatus.CLOSED and row["close_reason"]:
        return str(names.reasons.get(row["close_reason"], ""))
    if status == ReportStatus.REFERRED and row["referred_to_id"]:
        return _("Referred to %(body)s.") % {"body": names.bodies.get(row["referred_to_id"], "")}
    if status in (ReportStatus.IN_PROGRESS, ReportStatus.FIXED):
        return str(names.statuses[status])
    return None


def _media_url(public_id: str) -> str | None:
    with translation.override("en"):
        try:
            return _absolute(reverse("reports:photo", kwargs={"public_id": public_id}))
        except NoReverseMatch:
            return None


def _items(rows: list[dict]) -> list[dict]:
    """Return the spec's service request objects for report rows (``ROW_FIELDS``)."""
    if not rows:
        return []
    names = Names.load()
    with_photo = set(
        ReportPhoto.objects.filter(report_id__in=[r["id"] for r in rows], public=True).values_list(
            "report_id", flat=True
        )
    )
    places = names.places
    if any(
        (row["municipality_id"] and row["municipality_id"] not in places["municipality"])
        or (row["neighbourhood_id"] and row["neighbourhood_id"] not in places["neighbourhood"])
        for row in rows
    ):
        # The geography was loaded again since the names were read.
        places = _place_names(translation.get_language() or "en", reload=True)
    municipalities, neighbourhoods = places["municipality"], places["neighbourhood"]
    zone = timezone.get_current_timezone()
    items = []
    for row in rows:
        code, service_name = names.categories.get(row["category_id"], ("", ""))
        address = ", ".join(
            name
            for name in (
                neighbourhoods.get(row["neighbourhood_id"], ""),
                municipalities.get(row["municipality_id"], ""),
            )
            if name
        )
        items.append(
            {
                # The random public id: the primary key stays internal.
                "service_request_id": row["public_id"],
                "status": "open" if row["status"] in OPEN else "closed",
                "status_notes": _status_notes(row, names),
                "service_name": service_name,
                "service_code": code,
                # The reporter's words stay between her and the body, as on
                # the public pages: she was never told they would be
                # published, and they may name or describe people.
                "description": None,
                "agency_responsible": names.bodies.get(row["body_id"]),
                "service_notice": None,
                "requested_datetime": _when(row["created_at"], zone),
                "updated_datetime": _when(row["updated_at"], zone),
                "expected_datetime": None,
                "address": address,
                "address_id": None,
                "zipcode": None,
                "lat": row["public_lat"],
                "long": row["public_lon"],
                "media_url": _media_url(row["public_id"]) if row["id"] in with_photo else None,
            }
        )
    return items


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
        return _response(_items(rows), fmt, "service_requests")
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
    radius = _number(request, "radius", 1, MAX_RADIUS_M)
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("Give both lat and long, or neither."))
    if lat is not None:
        radius = radius or DEFAULT_RADIUS_M
        dlat = radius / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        queryset = queryset.filter(
            public_lat__range=(lat - dlat, lat + dlat), public_lon__range=(lon - dlon, lon + dlon)
        )
    page = int(_number(request, "page", 1, 10_000) or 1)
    size = int(_number(request, "page_size", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE)
    queryset = queryset.order_by("-created_at", "-id")
    if lat is None:
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
        wanted = near[(page - 1) * size : page * size]
        found = {r["id"]: r for r in Report.objects.filter(pk__in=wanted).values(*ROW_FIELDS)}
        rows = [found[pk] for pk in wanted if pk in found]
    return _response(_items(rows), fmt, "service_requests")


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
            follow_up = _absolute(
                reverse("reports:follow_up", kwargs={"code": submitted.follow_up_code})
            )
        except NoReverseMatch:
            follow_up = None
    notice = submitted.guard_explanation or (
        _("Your report goes to %(body)s.") % {"body": report.body.name}
        if report.body_id
        else _("Your report has been received.")
    )
    item = {
        "service_request_id": report.public_id,
        "service_notice": notice,
        "account_id": None,
        "follow_up_url": follow_up,
    }
    return _response([item], fmt, "service_requests", status=201)


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


@_endpoint
def _requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: the public reports; POST: a new report."""
    if request.method == "GET":
        return _list_requests(request, fmt)
    if request.method == "POST":
        return _create_request(request, fmt)
    raise Open311Error(405, _("Use GET or POST."), allow=READ_AND_POST)


@_endpoint
def _request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """One public report, as a list of one (the spec's shape)."""
    if request.method != "GET":
        raise Open311Error(405, _("Use GET."), allow=READ_ONLY)
    return _one_request(request_id, fmt)


def _one_request(request_id: str, fmt: str) -> HttpResponse:
    rows = list(_public_requests().filter(public_id=request_id[:16]).values(*ROW_FIELDS))
    if not rows:
        raise Open311Error(404, _("There is no public request %(id)s.") % {"id": request_id[:20]})
    return _response(_items(rows), fmt, "service_requests")


# Under ASGI, public GETs of these two are answered, and cached, by
# ``open311_front`` before Django's handler; these views answer the rest
# (POST, HEAD) and any request that comes through the handler.
requests = csrf_exempt(_requests)
request_detail = _request_detail
