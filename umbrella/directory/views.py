"""Public pages of the directory: list and map, one place, and the open-data exports.

Thin views: they read the query with ``parse_search`` and ask ``find_places``
(the same validation and search as ``GET /api/v1/places``), so the pages,
the map and the API agree on filters, order and the confidential rule.
Every page works without JavaScript: the filters are a GET form, the
results a list; the script only adds the map and "near me".
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from umbrella.areas.models import Municipality
from umbrella.directory import exports, pages
from umbrella.directory.api import viewer_of
from umbrella.directory.hsds import exports as hsds
from umbrella.directory.models import Category, LanguageCode
from umbrella.directory.places import KINDS
from umbrella.directory.queries import find_places, get_place, viewer_for
from umbrella.directory.validation import InvalidSearch, parse_page, parse_search

# Query parameters of the list page that find_places reads through parse_search.
_SEARCH_KEYS = (
    "kind",
    "lat",
    "lon",
    "open_now",
    "category",
    "free",
    "anonymous",
    "no_papers",
    "language",
    "accessible",
    "q",
)


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _municipalities():
    return sorted(Municipality.objects.all(), key=lambda m: m.name)


@require_GET
def place_list(request):
    """List places matching the filters, nearest first from a point; the map draws the same."""
    params = {key: request.GET.get(key, "") for key in _SEARCH_KEYS}
    errors: dict[str, str] = {}
    municipalities = _municipalities()
    near = request.GET.get("near", "").strip()
    near_municipality = None
    if near:
        near_municipality = next((m for m in municipalities if m.nis_code == near), None)
        if near_municipality is None:
            errors["near"] = _("Choose a municipality from the list.")
        elif not params["lat"].strip() and not params["lon"].strip():
            # From the municipality's centre unless a precise point was given.
            params["lat"] = str(near_municipality.centroid_lat)
            params["lon"] = str(near_municipality.centroid_lon)
    if not params["kind"].strip() and any(
        params[key].strip() for key in ("category", "language", "anonymous", "no_papers")
    ):
        # These describe services only: a toilet speaks no language.
        params["kind"] = "service"
    try:
        search = parse_search(params)
    except InvalidSearch as invalid:
        errors.update(invalid.errors)
        search = None
    now = timezone.now()
    found, page_number, has_next = [], 1, False
    if search is not None and not errors:
        results = find_places(
            search.kind,
            lat=search.lat,
            lon=search.lon,
            open_now=search.open_now,
            viewer=viewer_for(viewer_of(request)),
            at=now,
            **search.filters,
        )
        page_number = parse_page(request.GET.get("page"))
        start = (page_number - 1) * pages.PER_PAGE
        found = results[start : start + pages.PER_PAGE]
        has_next = len(results) > start + pages.PER_PAGE
        total = len(results)
    else:
        total = 0
    language = _language()
    today = timezone.localdate(now)
    items = [
        {
            "found": f,
            "p": f.feature(language, today)["properties"],
            "distance": _distance(f.distance_m),
            "name": display_name(f.feature(language, today)["properties"]),
        }
        for f in found
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": {key: request.GET.get(key, "") for key in (*_SEARCH_KEYS, "near")},
        "errors": errors,
        "items": items,
        "total": total,
        "page_number": page_number,
        "has_next": has_next,
        "next_query": _with(query, "page", page_number + 1),
        "previous_query": _with(query, "page", page_number - 1),
        "has_point": search is not None and search.lat is not None,
        "near_municipality": near_municipality,
        "municipalities": municipalities,
        "categories": Category.choices,
        "spoken_languages": LanguageCode.choices,
    }
    response = render(request, "directory/list.html", context, status=400 if errors else 200)
    if params["lat"] or params["lon"] or request.user.is_authenticated:
        # A point may be where someone lives; a signed-in answer may hold a shelter's address.
        patch_cache_control(response, private=True, no_store=True)
    return response


def display_name(p: dict) -> str:
    """Return the name to show: the service's or toilet's, else the place's or organisation's."""
    return p.get("name") or p.get("location_name") or (p.get("organization") or {}).get("name", "")


def _distance(metres: float | None) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return _("%(metres)s m") % {"metres": int(round(metres, -1))}
    return _("%(km)s km") % {"km": formats.number_format(metres / 1000, 1)}


def _with(query, key: str, value) -> str:
    copy = query.copy()
    copy[key] = str(value)
    return copy.urlencode()


@require_GET
def place_detail(request, place_id: str):
    """Show one place: hours this week, open now, languages, attributes, how to get there."""
    now = timezone.now()
    found = get_place(place_id, user=viewer_of(request), at=now)
    if found is None:
        raise Http404(_("This place is not in the directory."))
    language = _language()
    today = timezone.localdate(now)
    feature = found.feature(language, today)
    p = feature["properties"]
    schedule = found.place.schedule
    context = {
        "found": found,
        "p": p,
        "name": display_name(p),
        "geometry": feature["geometry"],
        "week": pages.week_hours(schedule, now),
        "hours_known": schedule.is_known(),
        "closes_at": pages.closes_at(schedule, now) if found.open_now else None,
        "spoken": pages.language_labels(p.get("languages", [])),
        "geo_uri": (
            pages.geo_uri(found.lat, found.lon)
            if found.lat is not None and found.lon is not None
            else ""
        ),
        "toilet_attributes": [
            (_("Free of charge"), pages.tri_label(p.get("free", ""))),
            (_("Usable by women"), pages.tri_label(p.get("usable_by_women", ""))),
            (_("All-gender"), pages.tri_label(p.get("all_gender", ""))),
            (_("Urinal only"), pages.tri_label(p.get("urinal_only", ""))),
            (_("Baby changing table"), pages.tri_label(p.get("baby_change", ""))),
            (_("Wheelchair accessible"), pages.tri_label(p.get("wheelchair_accessible", ""))),
        ]
        if p["kind"] == "toilet"
        else [],
        "wheelchair_label": pages.tri_label(p.get("wheelchair_accessible", "")),
        "last_verified": date.fromisoformat(p["last_verified"]) if p.get("last_verified") else None,
    }
    response = render(request, "directory/detail.html", context)
    if found.place.confidential:
        patch_cache_control(response, private=True, no_store=True)
    return response


# -- exports -----------------------------------------------------------------------------


def _export_language(request, default: str | None):
    """Return (language or None, error response or None) from ``?lang=``."""
    lang = request.GET.get("lang", "").strip()
    if not lang:
        return default, None
    if lang == "all":
        return None, None
    if lang not in {code for code, _name in settings.LANGUAGES}:
        return None, JsonResponse(
            {"detail": _("Unknown language: give nl, fr, en, ro, bg, es, pt or all.")}, status=400
        )
    return lang, None


def _export_kind(request):
    kind = request.GET.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        return None, JsonResponse({"detail": _("kind must be “toilet” or “service”.")}, status=400)
    return kind, None


def _download(response, filename: str):
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ("Accept-Language",))
    return response


@require_GET
def export_hsds(request):
    """The directory as HSDS 3.0 in the page language or ``?lang=`` (one language a file)."""
    if request.GET.get("lang", "").strip() == "all":
        return JsonResponse(
            {"detail": _("HSDS 3.0 text is in one language: give nl, fr, en, ro, bg, es or pt.")},
            status=400,
        )
    language, error = _export_language(request, _language())
    if error:
        return error
    body = exports.dumps(hsds.document(language or _language()))
    response = _download(
        HttpResponse(body, content_type="application/json"), f"umbrella-hsds-{language}.json"
    )
    response["Content-Language"] = language
    return response


@require_GET
def export_geojson(request):
    language, error = _export_language(request, _language())
    kind, kind_error = _export_kind(request)
    if error or kind_error:
        return error or kind_error
    with translation.override(language or _language()):
        body = exports.dumps(exports.geojson(language or _language(), kind))
    return _download(
        HttpResponse(body, content_type="application/geo+json"), "umbrella-places.geojson"
    )


@require_GET
def export_csv(request):
    language, error = _export_language(request, _language())
    kind, kind_error = _export_kind(request)
    if error or kind_error:
        return error or kind_error
    with translation.override(language or _language()):
        body = exports.csv_text(language or _language(), kind)
    return _download(
        HttpResponse(body, content_type="text/csv; charset=utf-8"), "umbrella-places.csv"
    )
