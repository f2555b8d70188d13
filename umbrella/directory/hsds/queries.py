"""Which directory rows HSDS publishes, and how to load them in a fixed number of queries."""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch, QuerySet

from umbrella.directory.models import (
    Facility,
    HolidaySchedule,
    Location,
    OperatingStatus,
    Organization,
    RegularSchedule,
    Service,
    ServiceAtLocation,
)


def _hours() -> tuple[Prefetch, Prefetch]:
    return (
        Prefetch(
            "regularschedules", queryset=RegularSchedule.objects.order_by("weekday", "opens_at")
        ),
        Prefetch("holidayschedules", queryset=HolidaySchedule.objects.order_by("starts_on")),
    )


def public_services() -> QuerySet[Service]:
    """Return the services the directory publishes (not those no longer offered)."""
    return (
        Service.objects.exclude(status=OperatingStatus.INACTIVE)
        .select_related("organization")
        .prefetch_related("languages", "phones")
        .order_by("pk")
    )


def public_service_at_locations() -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.exclude(service__status=OperatingStatus.INACTIVE)
        .select_related("service")
        .prefetch_related(*_hours())
        .order_by("pk")
    )


def public_organizations() -> QuerySet[Organization]:
    """Return the organisations that offer at least one published service."""
    offering = Service.objects.exclude(status=OperatingStatus.INACTIVE).values("organization_id")
    return Organization.objects.filter(pk__in=offering).prefetch_related("phones").order_by("pk")


def public_locations() -> QuerySet[Location]:
    """Return the locations of published services and of toilets still in use."""
    of_services = public_service_at_locations().values("location_id")
    of_toilets = Facility.objects.exclude(status=OperatingStatus.INACTIVE).values("location_id")
    return with_location_details(
        Location.objects.filter(models.Q(pk__in=of_services) | models.Q(pk__in=of_toilets))
    ).order_by("pk")


def with_location_details(locations: QuerySet[Location]) -> QuerySet[Location]:
    return locations.select_related(
        "municipality", "police_zone", "neighbourhood", "facility"
    ).prefetch_related(
        Prefetch(
            "facility__regularschedules",
            queryset=RegularSchedule.objects.order_by("weekday", "opens_at"),
        ),
        Prefetch(
            "facility__holidayschedules", queryset=HolidaySchedule.objects.order_by("starts_on")
        ),
    )
