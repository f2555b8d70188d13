"""The observatory's open data (mounted at /api/v1/ in umbrella/api/v1.py; docs/observatory.md).

- ``GET /api/v1/statistics``: the datasets, with their method notes;
- ``GET /api/v1/statistics/catalog.jsonld``: the DCAT-AP catalogue for the
  regional and federal open-data portals;
- ``GET /api/v1/statistics/{dataset}?period=&by=&from=&to=``: one protected
  table as JSON, or CSV with ``Accept: text/csv`` or ``?format=csv``.
Every answer carries the licence (CC BY 4.0) and the attribution.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date

from cachetools import LRUCache
from django.conf import settings
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import P, QueryEx, Router, Status

from umbrella.areas.schemas import Error
from umbrella.core.opendata import csv_text
from umbrella.observatory import queries, schemas
from umbrella.observatory.models import Tally

router = Router()

CSV = "text/csv"
JSON_LD = "application/ld+json"
MAX_AGE_SECONDS = 3600
CSV_COLUMNS = ("period", "area_kind", "area_code", "area_name", "value", "suppressed")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4]))?$")


# Answers kept per roll-up generation and month, so a request for the same table
# only costs a lookup: (generation, year, month, what) -> (body, content type, file name).
# The least recently asked goes first when full: emptying it all at once made
# every answer, the catalogue's too, a miss at the same moment.
MAX_ANSWERS = 4000
_answers: LRUCache[tuple, tuple[bytes, str, str | None]] = LRUCache(maxsize=MAX_ANSWERS)
_answers_lock = threading.Lock()  # a read moves the answer up: reads change the cache too


def forget() -> None:
    """Drop the answers kept in memory (tests; the generation key does it otherwise)."""
    with _answers_lock:
        _answers.clear()


def _answer(what: tuple, build) -> HttpResponse:
    today = timezone.localdate()
    key = (queries.generation(), today.year, today.month, translation.get_language(), *what)
    with _answers_lock:
        found = _answers.get(key)
    if found is None:
        found = build()
        with _answers_lock:
            _answers[key] = found
    body, content_type, filename = found
    response = HttpResponse(body, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _public(response)


def _license() -> str:
    return f"{schemas.LICENSE} ({schemas.LICENSE_URL})"


def _url(path: str) -> str:
    return f"{settings.SITE_URL}/api/v1/statistics{path}"


def _dataset_dict(ds) -> dict:
    return {
        "id": ds.slug,
        "title": str(ds.title),
        "description": str(ds.description),
        "method": str(ds.method),
        "unit": ds.unit,
        "group": ds.group,
        "levels": list(ds.levels),
        "periods": list(ds.periods),
        "url": _url(f"/{ds.slug}"),
        "csv_url": _url(f"/{ds.slug}?format=csv"),
    }


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    patch_vary_headers(response, ("Accept", "Accept-Language"))
    response["Link"] = f'<{schemas.LICENSE_URL}>; rel="license"'
    return response


@router.get(
    "/statistics",
    response=schemas.StatisticsIndex,
    url_name="statistics_index",
    summary="The observatory's datasets",
)
def statistics(request: HttpRequest):
    """List every published dataset with its method note and the addresses of its data."""

    def build():
        body = {
            "license": _license(),
            "attribution": schemas.ATTRIBUTION,
            "catalog": _url("/catalog.jsonld"),
            "datasets": [_dataset_dict(ds) for ds in queries.datasets()],
        }
        return json.dumps(body, ensure_ascii=False).encode(), "application/json", None

    return _answer(("index",), build)


def _in_languages(text) -> list[dict]:
    values = []
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            values.append({"@language": language, "@value": str(text)})
    return values


def catalog() -> dict:
    """Return the DCAT-AP catalogue of the datasets, as JSON-LD."""
    span = Tally.objects.aggregate(first=Min("month"), last=Max("month"))
    publisher = {"@type": "foaf:Agent", "foaf:name": "Umbrella Brussels"}
    license_ = {"@id": schemas.LICENSE_URL, "@type": "dct:LicenseDocument"}
    spatial = {"@id": "http://data.europa.eu/nuts/code/BE10", "@type": "dct:Location"}
    formats = "http://publications.europa.eu/resource/authority/file-type/"
    temporal: dict[str, str | dict[str, str]] = {"@type": "dct:PeriodOfTime"}
    if span["first"]:
        temporal["dcat:startDate"] = {"@value": span["first"].isoformat(), "@type": "xsd:date"}
        temporal["dcat:endDate"] = {"@value": span["last"].isoformat(), "@type": "xsd:date"}
    datasets = []
    for ds in queries.datasets():
        distributions = [
            {
                "@id": _url(f"/{ds.slug}{suffix}"),
                "@type": "dcat:Distribution",
                "dct:title": f"{ds.slug} ({kind})",
                "dcat:accessURL": {"@id": _url(f"/{ds.slug}{suffix}")},
                "dcat:downloadURL": {"@id": _url(f"/{ds.slug}{suffix}")},
                "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
                "dct:format": {"@id": formats + kind},
                "dct:license": license_,
                "dct:rights": schemas.ATTRIBUTION,
            }
            for suffix, kind, media in (
                ("", "JSON", "application/json"),
                ("?format=csv", "CSV", CSV),
            )
        ]
        datasets.append(
            {
                "@id": _url(f"/{ds.slug}"),
                "@type": "dcat:Dataset",
                "dct:identifier": ds.slug,
                "dct:title": _in_languages(ds.title),
                "dct:description": _in_languages(ds.description),
                "dct:provenance": {
                    "@type": "dct:ProvenanceStatement",
                    "rdfs:label": str(ds.method),
                },
                "dct:publisher": publisher,
                "dct:license": license_,
                "dct:temporal": temporal,
                "dct:spatial": spatial,
                "dct:accrualPeriodicity": {
                    "@id": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
                },
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"
                },
                "dcat:keyword": [ds.group, ds.unit],
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": _url("/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": _in_languages(_("Umbrella Brussels observatory")),
        "dct:description": _in_languages(
            _(
                "Figures on the panic button, liveability reports and services for sex workers "
                "in the Brussels-Capital Region, with cells under 10 hidden."
            )
        ),
        "dct:publisher": publisher,
        "dct:license": license_,
        "dct:rights": schemas.ATTRIBUTION,
        "dct:language": [
            {"@id": f"http://publications.europa.eu/resource/authority/language/{code}"}
            for code in ("NLD", "FRA", "ENG")
        ],
        "dct:spatial": spatial,
        "foaf:homepage": {"@id": f"{settings.SITE_URL}/en/observatory/"},
        "dcat:dataset": datasets,
    }


@router.get(
    "/statistics/catalog.jsonld",
    response={200: dict},
    url_name="statistics_catalog",
    openapi_extra={"responses": {200: {"content": {JSON_LD: {"schema": {"type": "object"}}}}}},
    summary="The DCAT-AP catalogue of the observatory's datasets",
)
def statistics_catalog(request: HttpRequest):
    """Return the DCAT-AP catalogue (JSON-LD): datasets, distributions, licence, coverage."""
    return _answer(
        ("catalog",), lambda: (json.dumps(catalog(), ensure_ascii=False).encode(), JSON_LD, None)
    )


def _first_day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    match = _PERIOD.match(text.strip())
    try:
        if match is None:
            raise ValueError
        year, month, day, quarter = match.groups()
        if quarter:
            return date(int(year), 3 * int(quarter) - 2, 1)
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise queries.BadQuery(
            _(
                "“%(field)s” must be a date (2026-11-01), a month (2026-11), "
                "a quarter (2026-Q4) or a year (2026)."
            )
            % {"field": field}
        ) from None


def _refusal(message: str, field: str = ""):
    return Status(422, {"detail": message, "errors": [{"field": field, "message": message}]})


def _csv(ds, cells, period: str, by: str) -> str:
    rows = (
        (cell.period, cell.area.kind, cell.area.code, cell.area.name, cell.value, cell.suppressed)
        for cell in cells
    )
    return csv_text(
        CSV_COLUMNS,
        rows,
        licence=_license(),
        attribution=schemas.ATTRIBUTION,
        notes=[f"Dataset: {ds.title} ({ds.slug}, {ds.unit}, {period}, {by})"],
    )


@router.get(
    "/statistics/{dataset}",
    response={200: schemas.StatisticsTable, 404: Error, 422: Error},
    url_name="statistics_table",
    openapi_extra={"responses": {200: {"content": {CSV: {"schema": {"type": "string"}}}}}},
    summary="One dataset's protected table, as JSON or CSV",
)
def statistics_table(
    request: HttpRequest,
    dataset: str,
    period: QueryEx[str | None, P(description="`month` (default), `quarter` or `year`.")] = None,
    by: QueryEx[
        str | None,
        P(
            description="`region` (default), `police_zone` or `municipality`; `neighbourhood` "
            "or `body` for the figures published only that way (their default)."
        ),
    ] = None,
    start: QueryEx[
        str | None,
        P(alias="from", description="First period: `2026-01`, `2026-Q1`, `2026` or a date."),
    ] = None,
    end: QueryEx[str | None, P(alias="to", description="Last period, in the same forms.")] = None,
    format: QueryEx[str | None, P(description="`csv` for CSV; JSON otherwise.")] = None,
):
    """Answer one table: a row per period and area, hidden cells with ``value: null`` and
    ``suppressed: true``. CSV with ``Accept: text/csv`` or ``format=csv``."""
    try:
        ds = queries.dataset(dataset)
    except queries.UnknownDataset:
        return Status(404, {"detail": _("No dataset has this name.")})
    # A figure published only per neighbourhood (the services') answers those by default.
    period, by = period or "month", by or ("region" if "region" in ds.levels else ds.levels[0])
    if format not in (None, "", "csv", "json"):
        return _refusal(_("“format” must be csv or json."), "format")
    try:
        first, last = _first_day(start, "from"), _first_day(end, "to")
        queries.check(ds, period=period, by=by, start=first, end=last)
    except queries.BadQuery as refusal:
        return _refusal(str(refusal))

    def cells():
        return queries.table(dataset, period=period, by=by, start=first, end=last)

    wants_csv = format == "csv" or (
        not format and CSV in request.headers.get("Accept", "").split(";")[0]
    )
    if wants_csv:
        return _answer(
            (dataset, period, by, first, last, "csv"),
            lambda: (
                _csv(ds, cells(), period, by).encode(),
                f"{CSV}; charset=utf-8",
                f"{ds.slug}-{period}-{by}.csv",
            ),
        )
    return _answer(
        (dataset, period, by, first, last, "json"),
        lambda: (_json(ds, cells(), period, by), "application/json", None),
    )


def _json(ds, cells, period: str, by: str) -> bytes:
    body = {
        "dataset": ds.slug,
        "title": str(ds.title),
        "unit": ds.unit,
        "period": period,
        "by": by,
        "license": _license(),
        "attribution": schemas.ATTRIBUTION,
        "rows": [
            {
                "period": c.period,
                "area": {"kind": c.area.kind, "code": c.area.code, "name": c.area.name},
                "value": c.value,
                "suppressed": c.suppressed,
            }
            for c in cells
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()
