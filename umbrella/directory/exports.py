"""Open-data exports of the directory: HSDS-shaped JSON, GeoJSON and CSV.

Every export carries a licence and an attribution line naming each source
its rows come from: the project's own entries (CC BY 4.0), toilets from
OpenStreetMap (ODbL 1.0, "© OpenStreetMap contributors", share-alike for a
derived database) and toilets from the City of Brussels' open data.

Exports are public files that get copied and passed on, so they always
follow the public rule, whoever asks: a confidential location (a shelter)
exports only its municipality, never coordinates, address or directions.
The GeoJSON and CSV reuse ``find_places`` and the places' own features, so
they cannot disagree with the map and ``GET /api/v1/places``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from umbrella.areas.models import name_in_language
from umbrella.directory.models import (
    CONTENT_LANGUAGES,
    Facility,
    HolidaySchedule,
    Location,
    OperatingStatus,
    Organization,
    RegularSchedule,
    Service,
    ServiceAtLocation,
)
from umbrella.directory.queries import PUBLIC, find_places

OWN = "umbrella"
OSM = "osm"
BRUSSELS = "brussels-opendata"

LICENCES = {
    OWN: "Umbrella Brussels directory entries: CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/)",
    OSM: "Toilets whose source is osm: Open Database License 1.0 "
    "(https://opendatacommons.org/licenses/odbl/1-0/); a derived database must be shared alike",
    BRUSSELS: "Toilets whose source is brussels-opendata: City of Brussels open data, under the "
    "licence stated on its dataset pages (toilettes_publiques_vbx, urinoirs-publics-vbx)",
}
ATTRIBUTIONS = {
    OWN: "Umbrella Brussels directory",
    OSM: "© OpenStreetMap contributors",
    BRUSSELS: "Ville de Bruxelles / Stad Brussel, opendata.brussels.be",
}
# Municipality names and the areas every location is stamped with.
GEOGRAPHY_ATTRIBUTION = "Areas: Brussels UrbIS © Paradigm (CIRB); neighbourhoods: IBSA/BISA"


def licence_and_attribution(sources) -> tuple[str, str]:
    """Return the licence line and the attribution line for rows from ``sources``."""
    present = [OWN, *sorted(s for s in set(sources) if s in LICENCES and s != OWN)]
    licence = "; ".join(LICENCES[s] for s in present)
    attribution = "; ".join([*(ATTRIBUTIONS[s] for s in present), GEOGRAPHY_ATTRIBUTION])
    return licence, attribution


def _facility_sources() -> set[str]:
    return set(
        Facility.objects.exclude(status=OperatingStatus.INACTIVE)
        .exclude(source="")
        .values_list("source", flat=True)
        .distinct()
    )


def _text(instance, field: str, language: str | None):
    """One language (with its fallback) as a string, or every language as an object."""
    if language:
        return instance.translated(field, language)
    return instance.translations(field)


# -- HSDS ------------------------------------------------------------------------------


def _municipality(location: Location, language: str | None) -> dict | None:
    m = location.municipality
    if m is None:
        return None
    name = (
        name_in_language(m.name_nl, m.name_fr, language)
        if language
        else {"nl": m.name_nl, "fr": m.name_fr}
    )
    return {"nis_code": m.nis_code, "name": name}


def _hsds_location(location: Location, language: str | None) -> dict:
    hidden = location.confidential
    blank = "" if language else dict.fromkeys(CONTENT_LANGUAGES, "")
    data = {
        "id": str(location.pk),
        "organization_id": str(location.organization_id) if location.organization_id else None,
        "location_type": location.kind,
        # A shelter's location is often named after its street or building.
        "name": blank if hidden else _text(location, "name", language),
        "description": blank if hidden else _text(location, "description", language),
        "transportation": blank if hidden else _text(location, "transportation", language),
        "latitude": None if hidden else location.latitude,
        "longitude": None if hidden else location.longitude,
        "addresses": []
        if hidden or not location.address
        else [
            {
                "address_1": location.address,
                "postal_code": location.postcode,
                "city": _municipality(location, language or "fr")["name"]
                if location.municipality_id
                else "",
                "state_province": "Brussels-Capital Region",
                "country": "BE",
            }
        ],
        "municipality": _municipality(location, language),
        "police_zone": location.police_zone.code if location.police_zone_id else None,
        "neighbourhood": None
        if hidden or not location.neighbourhood_id
        else location.neighbourhood.code,
        "approximate": location.approximate,
        "location_hidden": hidden,
        "wheelchair_accessible": location.wheelchair_accessible,
        "to_verify": location.to_verify,
        "last_verified": location.last_verified_on and location.last_verified_on.isoformat(),
        "demo": location.is_demo,
    }
    facility = getattr(location, "facility", None)
    if facility is not None:
        data["facility"] = {
            "kind": facility.kind,
            "status": facility.status,
            "notice": _text(facility, "notice", language),
            "free": facility.free,
            "usable_by_women": facility.usable_by_women,
            "all_gender": facility.all_gender,
            "urinal_only": facility.urinal_only,
            "baby_change": facility.baby_change,
            "manager": facility.manager,
            "manager_name": facility.manager_name,
            "source": facility.source or OWN,
            "source_id": facility.source_id,
            "to_verify": facility.to_verify,
            "last_verified": facility.last_verified_on and facility.last_verified_on.isoformat(),
            "demo": facility.is_demo,
            "regular_schedule": [_schedule(r) for r in facility.regularschedules.all()],
            "holiday_schedule": [_holiday(h) for h in facility.holidayschedules.all()],
        }
    return data


def _schedule(row: RegularSchedule) -> dict:
    return {
        "weekday": row.weekday + 1,  # ISO 8601: Monday is 1
        "opens_at": row.opens_at.strftime("%H:%M"),
        "closes_at": row.closes_at.strftime("%H:%M"),
    }


def _holiday(row: HolidaySchedule) -> dict:
    return {
        "start_date": row.starts_on.isoformat(),
        "end_date": row.ends_on.isoformat(),
        "closed": row.closed,
        "opens_at": row.opens_at and row.opens_at.strftime("%H:%M"),
        "closes_at": row.closes_at and row.closes_at.strftime("%H:%M"),
    }


def hsds(language: str | None = None, now: datetime | None = None) -> dict:
    """Return the directory as HSDS-shaped JSON; text in ``language``, or all when ``None``."""
    now = now or timezone.now()
    hours = (
        Prefetch(
            "regularschedules", queryset=RegularSchedule.objects.order_by("weekday", "opens_at")
        ),
        Prefetch("holidayschedules", queryset=HolidaySchedule.objects.order_by("starts_on")),
    )
    services = list(
        Service.objects.exclude(status=OperatingStatus.INACTIVE)
        .prefetch_related("languages", "phones")
        .order_by("pk")
    )
    service_ids = {s.pk for s in services}
    organization_ids = {s.organization_id for s in services}
    sals = list(
        ServiceAtLocation.objects.filter(service_id__in=service_ids)
        .prefetch_related(*hours)
        .order_by("pk")
    )
    location_ids = {sal.location_id for sal in sals}
    facilities = Facility.objects.exclude(status=OperatingStatus.INACTIVE)
    location_ids |= set(facilities.values_list("location_id", flat=True))
    locations = (
        Location.objects.filter(pk__in=location_ids)
        .select_related("municipality", "police_zone", "neighbourhood", "facility")
        .prefetch_related(
            Prefetch(
                "facility__regularschedules",
                queryset=RegularSchedule.objects.order_by("weekday", "opens_at"),
            ),
            Prefetch(
                "facility__holidayschedules", queryset=HolidaySchedule.objects.order_by("starts_on")
            ),
        )
        .order_by("pk")
    )
    organizations = Organization.objects.filter(pk__in=organization_ids).prefetch_related("phones")
    licence, attribution = licence_and_attribution(_facility_sources())
    return {
        "license": licence,
        "attribution": attribution,
        "generated_at": now.isoformat(timespec="seconds"),
        "language": language or list(CONTENT_LANGUAGES),
        "organizations": [
            {
                "id": str(org.pk),
                "name": org.name,
                "description": _text(org, "description", language),
                "email": org.email,
                "url": org.url,
                "phones": [{"number": p.number} for p in org.phones.all()],
                "to_verify": org.to_verify,
                "last_verified": org.last_verified_on and org.last_verified_on.isoformat(),
                "demo": org.is_demo,
            }
            for org in organizations.order_by("pk")
        ],
        "services": [
            {
                "id": str(service.pk),
                "organization_id": str(service.organization_id),
                "name": _text(service, "name", language),
                "description": _text(service, "description", language),
                "url": service.url,
                "email": service.email,
                "status": service.status,
                "notice": _text(service, "notice", language),
                "category": service.category,
                "attributes": {
                    "anonymous": service.anonymous,
                    "free": service.free,
                    "no_papers_needed": service.no_papers_needed,
                    "no_appointment_needed": service.no_appointment_needed,
                    "gender_focus": service.gender_focus,
                    "trained_non_stigmatising": service.trained_non_stigmatising,
                },
                "languages": [{"language": lang.language} for lang in service.languages.all()],
                "phones": [{"number": p.number} for p in service.phones.all()],
                "to_verify": service.to_verify,
                "last_verified": service.last_verified_on and service.last_verified_on.isoformat(),
                "demo": service.is_demo,
            }
            for service in services
        ],
        "locations": [_hsds_location(location, language) for location in locations],
        "service_at_locations": [
            {
                "id": str(sal.pk),
                "service_id": str(sal.service_id),
                "location_id": str(sal.location_id),
                "regular_schedule": [_schedule(r) for r in sal.regularschedules.all()],
                "holiday_schedule": [_holiday(h) for h in sal.holidayschedules.all()],
            }
            for sal in sals
        ],
    }


# -- GeoJSON and CSV -------------------------------------------------------------------


def _public_features(language: str, kind: str | None, now: datetime) -> list[dict]:
    today = timezone.localdate(now)
    return [found.feature(language, today) for found in find_places(kind, viewer=PUBLIC, at=now)]


def _feature_sources(features) -> set[str]:
    return {f["properties"].get("source") or OWN for f in features}


def geojson(language: str, kind: str | None = None, now: datetime | None = None) -> dict:
    """Return every public place as a GeoJSON FeatureCollection, text in ``language``."""
    now = now or timezone.now()
    features = _public_features(language, kind, now)
    licence, attribution = licence_and_attribution(_feature_sources(features))
    return {
        "type": "FeatureCollection",
        "license": licence,
        "attribution": attribution,
        "generated_at": now.isoformat(timespec="seconds"),
        "features": features,
    }


CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "organization",
    "category",
    "status",
    "address",
    "postcode",
    "municipality_nis_code",
    "municipality",
    "police_zone",
    "latitude",
    "longitude",
    "approximate",
    "location_hidden",
    "free",
    "anonymous",
    "no_papers_needed",
    "no_appointment_needed",
    "wheelchair_accessible",
    "languages",
    "phones",
    "url",
    "hours_known",
    "to_verify",
    "last_verified",
    "stale",
    "demo",
    "source",
)


# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); names and phones come from staff and open data.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Return ``value`` as a CSV cell that no spreadsheet reads as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # a number, even negative, is no formula
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    # The writer quotes a cell with "\n" (its line end) but not one with a bare
    # "\r", which a reader takes for the end of the row.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(language: str, kind: str | None = None, now: datetime | None = None) -> str:
    """Return every public place as CSV: two ``#`` lines (licence, attribution), then a header."""
    now = now or timezone.now()
    features = _public_features(language, kind, now)
    licence, attribution = licence_and_attribution(_feature_sources(features))
    out = io.StringIO()
    out.write(f"# License: {licence}\n# Attribution: {attribution}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for feature in features:
        p = feature["properties"]
        coordinates = (feature["geometry"] or {}).get("coordinates") or [None, None]
        municipality = p.get("municipality") or {}
        row = {
            **p,
            "id": feature["id"],
            "organization": (p.get("organization") or {}).get("name"),
            "municipality_nis_code": municipality.get("nis_code"),
            "municipality": municipality.get("name"),
            "latitude": coordinates[1],
            "longitude": coordinates[0],
            "source": p.get("source") or OWN,
        }
        writer.writerow([_cell(row.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
