"""Validation against Open Referral's HSDS 3.0 schemas, and a directory to validate.

The schemas are the official ones (``hsds-3.0/``, CC BY-SA 4.0, see its
README), read with Draft 2020-12 and every ``$ref`` between the files
resolved (they refer to each other by file name); formats (``uuid``,
``email``, ``uri``, ``date``, ``date-time``) are checked, not only noted.
"""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from umbrella.directory.models import (
    Category,
    HolidaySchedule,
    LanguageCode,
    LocationKind,
    OperatingStatus,
    Phone,
    TriState,
)
from umbrella.directory.tests import factories

SCHEMAS = Path(__file__).parent / "hsds-3.0"
TABLES = {
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
}
CONTENT = ("nl", "fr", "en")


def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted(SCHEMAS.glob("*.json"))
        if path.name != "openapi.json"
    ]
    return Registry().with_resources(resources)


FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    # jsonschema checks "uri" only with the rfc3987 package: an absolute URI here.
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value


REGISTRY = _registry()
VALIDATORS = {
    name: Draft202012Validator(REGISTRY.contents(name), registry=REGISTRY, format_checker=FORMATS)
    for name in set(TABLES.values())
}


def problems(schema: str, objects) -> list[str]:
    """Return every validation error of ``objects`` against ``schema``, with where it is."""
    return [
        f"{schema} {item.get('id')} {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for item in objects
        for e in VALIDATORS[schema].iter_errors(item)
    ]


def document_problems(body: dict) -> list[str]:
    out = []
    for table, schema in TABLES.items():
        out += problems(schema, body[table])
    return out


def build_directory() -> dict:
    """Return a small directory with every shape the HSDS export meets."""
    org = factories.organization(
        "Clinic org",
        description_fr="Clinique",
        description_en="Clinic",
        url="https://clinic.example.org/",
        email="info@clinic.example.org",
    )
    Phone.objects.create(organization=org, number="+32 2 000 00 01", description_en="Desk")
    clinic = factories.service(
        org,
        factories.NORTH_STATION,
        name_nl="Kliniek",
        name_fr="Clinique",
        name_en="Clinic",
        notice_en="Closed on Friday afternoon",
        no_papers_needed=True,
        url="https://clinic.example.org/tests",
        languages=[LanguageCode.RO, LanguageCode.BG],
        hours=[(0, time(9), time(17)), (4, time(22), time(6))],
        location_fields={
            "address": "Rue du Nord 1",
            "postcode": "1210",
            "wheelchair_accessible": TriState.YES,
            "transportation_fr": "Métro Rogier",
        },
        last_verified_on=date(2025, 3, 1),
    )
    Phone.objects.create(service=clinic.service, number="+32 2 000 00 02")
    HolidaySchedule.objects.create(
        service_at_location=clinic, starts_on=date(2025, 12, 24), ends_on=date(2025, 12, 26)
    )
    HolidaySchedule.objects.create(
        service_at_location=clinic,
        starts_on=date(2025, 12, 31),
        ends_on=date(2025, 12, 31),
        closed=False,
        opens_at=time(10),
        closes_at=time(14),
    )
    shelter = factories.service(
        None,
        (50.8550, 4.3700),
        category=Category.HOUSING,
        name_en="Night shelter",
        location_fields={
            "confidential": True,
            "name_en": "Secret house",
            "address": "Secret street 1",
            "transportation_en": "Bus 61 to the hidden stop",
        },
    )
    helpline = factories.service(
        org, None, name_en="Helpline", location_fields={"kind": LocationKind.VIRTUAL}
    )
    toilet = factories.toilet(
        factories.GRAND_PLACE,
        free=TriState.YES,
        baby_change=TriState.NO,
        manager_name="Ville de Bruxelles",
        notice_fr="Fermé pour travaux le lundi",
        source="osm",
        source_id="node/123",
    )
    gone = factories.service(org, factories.UCCLE, name_en="Gone", status=OperatingStatus.INACTIVE)
    return {
        "org": org,
        "clinic": clinic,
        "shelter": shelter,
        "helpline": helpline,
        "toilet": toilet,
        "gone": gone,
    }


def by_id(items) -> dict:
    return {item["id"]: item for item in items}


def attributes_of(item) -> dict:
    return {a["taxonomy_term"]["code"]: a.get("value") for a in item.get("attributes", [])}
