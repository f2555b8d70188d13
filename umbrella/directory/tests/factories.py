"""Small builders of directory rows for tests (and nothing else)."""

from __future__ import annotations

from datetime import time
from itertools import count

from umbrella.directory import actions
from umbrella.directory.models import (
    Category,
    Facility,
    Location,
    Organization,
    RegularSchedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)

_serial = count(1)
# Open around the clock, every day (equal times: 24 hours).
ALWAYS = tuple((d, time(0), time(0)) for d in range(7))

# Points with known areas (umbrella/areas/tests/landmarks.py has more).
SAINT_JOSSE = (50.8530, 4.3690)  # near place Saint-Josse
NORTH_STATION = (50.8602, 4.3614)
GRAND_PLACE = (50.8467, 4.3525)
UCCLE = (50.8000, 4.3400)


def organization(name: str = "", **fields) -> Organization:
    n = next(_serial)
    org = Organization(name=name or f"Organisation {n}", slug=f"org-{n}", **fields)
    actions.save_entry(org)
    return org


def location(point=SAINT_JOSSE, **fields) -> Location:
    lat, lon = point if point else (None, None)
    loc = Location(latitude=lat, longitude=lon, **fields)
    actions.save_entry(loc)
    return loc


def service(
    org=None,
    point=SAINT_JOSSE,
    *,
    hours=ALWAYS,
    languages=(),
    location_fields=None,
    **fields,
) -> ServiceAtLocation:
    org = org or organization()
    fields.setdefault("category", Category.HEALTH_TESTING)
    fields.setdefault("name_en", f"Service {next(_serial)}")
    svc = Service(organization=org, **fields)
    actions.save_entry(svc)
    for code in languages:
        ServiceLanguage.objects.create(service=svc, language=code)
    loc = location(point, organization=org, **(location_fields or {}))
    sal = ServiceAtLocation.objects.create(service=svc, location=loc)
    for weekday, opens, closes in hours:
        RegularSchedule.objects.create(
            service_at_location=sal, weekday=weekday, opens_at=opens, closes_at=closes
        )
    return sal


def toilet(
    point=SAINT_JOSSE,
    *,
    hours=ALWAYS,
    location_fields=None,
    **fields,
) -> Facility:
    loc = location(point, **(location_fields or {"name_fr": f"Toilette {next(_serial)}"}))
    facility = Facility(location=loc, **fields)
    actions.save_entry(facility)
    for weekday, opens, closes in hours:
        RegularSchedule.objects.create(
            facility=facility, weekday=weekday, opens_at=opens, closes_at=closes
        )
    return facility
