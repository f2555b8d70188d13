"""The services' monthly picture: how the directory and the training stand at the moment
it is taken (``actions.refresh`` takes one as each month ends; ``services`` publishes it)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from django.utils import timezone

from umbrella.areas.models import PoliceZone

Key = tuple[str, str, int]  # (measure, nis_code, bucket), as in actions

NIGHT_HOUR = 2
PICTURE_TAKEN = "services.picture"
MUNICIPAL_TOILETS_TAKEN = "toilets.municipality.picture"


def _nights(now: datetime) -> list[datetime]:
    """Return 2 a.m. (Brussels time) on each of the seven nights after ``now``."""
    local = timezone.localtime(now)
    first = local.date() + timedelta(days=1)
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(first + timedelta(days=d), time(NIGHT_HOUR), tzinfo=zone) for d in range(7)
    ]


def services_picture(now: datetime) -> Counter[Key]:
    """Count what the services' figures count, as the directory and the training stand now."""
    from umbrella.directory.indicators import VISIBLE_SEX_WORK_NEIGHBOURHOODS
    from umbrella.directory.models import (
        Facility,
        FacilityKind,
        OperatingStatus,
        Service,
        ServiceAtLocation,
        TraffickingReference,
    )
    from umbrella.directory.queries import is_open
    from umbrella.training.courses import queries as training

    tallies: Counter[Key] = Counter()
    visible = {c for codes in VISIBLE_SEX_WORK_NEIGHBOURHOODS.values() for c in codes}
    toilets = (
        Facility.objects.filter(
            kind=FacilityKind.TOILET, status=OperatingStatus.ACTIVE, is_demo=False
        )
        .select_related("location__neighbourhood", "location__municipality")
        .prefetch_related("regularschedules", "holidayschedules")
    )
    nights = _nights(now)
    for toilet in toilets:
        neighbourhood, municipality = toilet.location.neighbourhood, toilet.location.municipality
        at_night = all(is_open(toilet, night) for night in nights)
        # Every toilet of the region, by municipality (per 10,000 residents)...
        nis = municipality.nis_code if municipality else ""
        tallies[("toilets.municipality.in_service", nis, -1)] += 1
        tallies[("toilets.municipality.night", nis, -1)] += 1 if at_night else 0
        # ... and those in a neighbourhood where sex work is visible, by neighbourhood.
        if neighbourhood is None or neighbourhood.code not in visible:
            continue
        code = str(neighbourhood.code)
        tallies[("toilets.in_service", code, -1)] += 1
        if at_night:
            tallies[("toilets.night", code, -1)] += 1
    labelled = Service.objects.filter(
        trained_non_stigmatising=True, status=OperatingStatus.ACTIVE, is_demo=False
    ).values_list("pk", flat=True)
    places: dict[int, str] = {}  # service → the municipality of its first location
    for service, nis in (
        ServiceAtLocation.objects.filter(service__in=labelled)
        .order_by("pk")
        .values_list("service_id", "location__municipality__nis_code")
    ):
        if nis:
            places.setdefault(service, nis)
    for service in labelled:
        tallies[("services.label", places.get(service, ""), -1)] += 1
    referenced = set(
        TraffickingReference.objects.filter(is_demo=False).values_list(
            "police_zone__code", flat=True
        )
    )
    for zone in PoliceZone.objects.values_list("code", flat=True):
        tallies[("zones.reference", zone, -1)] += 1 if zone in referenced else 0
    for organisation in training.ocmw_cpas():
        cover = training.organisation_coverage(organisation, now)
        nis = organisation.nis_code
        tallies[("training.ocmw.certified", nis, -1)] += cover.certified
        tallies[("training.ocmw.uncertified", nis, -1)] += cover.staff - cover.certified
    for organisation, cover in training.regional_coverage(now):
        if "actiris" in organisation.name.lower():
            tallies[("training.actiris.certified", "", -1)] += cover.certified
            tallies[("training.actiris.uncertified", "", -1)] += cover.staff - cover.certified
    tallies = +tallies  # no zero rows: an absent tally is a zero
    tallies[(PICTURE_TAKEN, "", -1)] = 1  # so a month whose every count is 0 still has one
    # Toilets by municipality are counted since December 2026: their own mark, so that an
    # older picture (without them) is not read as "no toilets".
    tallies[(MUNICIPAL_TOILETS_TAKEN, "", -1)] = 1
    return tallies


SERVICE_MEASURES = (
    PICTURE_TAKEN,
    "toilets.in_service",
    "toilets.night",
    MUNICIPAL_TOILETS_TAKEN,
    "toilets.municipality.in_service",
    "toilets.municipality.night",
    "services.label",
    "zones.reference",
    "training.ocmw.certified",
    "training.ocmw.uncertified",
    "training.actiris.certified",
    "training.actiris.uncertified",
)
