"""Read-only questions about reports. The interface the pages, the API and other apps use.

Lookups
    ``report_by_id(pk)`` (no permission check: for a page that already holds
    proof, such as the thank-you page's session), ``report_for_code(code)``
    (the follow-up code or the e-mailed question code → ``Report | None``),
    ``report_of_reporter(user, pk)``, ``reports_of_reporter(user)``.

Public side (never confidential, never held by the guard)
    ``public_reports(*, status=None, category=None, municipality=None, body=None,
    open_only=False)`` → a QuerySet, newest first (``category``: a
    ``Category`` or its code; ``municipality``: a ``Municipality`` or NIS code);
    ``public_report(public_id)``; ``public_location(report)`` → ``PublicLocation``
    (rounded point, neighbourhood and municipality names);
    ``public_updates(report)``; ``public_photo(report)``;
    ``likely_duplicates(category, lat, lon, now)`` (same category, 50 m, 7 days);
    ``body_stats(body)`` → ``BodyStats``; ``municipality_comparison()`` → the 19
    municipality bodies with their ``BodyStats``; ``nearest_toilets(lat, lon)``.

Authorisation
    ``can_view(user, report)``, ``can_update(user, report)``,
    ``can_reopen(report)``, ``fixed_question_due(report, now)``,
    ``inbox_for(user)`` and ``moderation_queue_for(user)`` (QuerySets, or
    ``None`` when the person is no body's staff / no moderator),
    ``all_updates(report)`` (for those who ``can_view``). A page that shows a
    confidential report in full records the read with
    ``umbrella.core.audit.record_read``; ``read_report(user, report, reason)``
    does both the check and the record.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from umbrella.accounts.models import Role
from umbrella.areas.models import Municipality, name_in_language
from umbrella.reports.access import _organisation_ids, acting_bodies
from umbrella.reports.actions.common import bodies_of, hash_code, round_point
from umbrella.reports.actions.moderation import may_moderate
from umbrella.reports.actions.updates import ASKABLE, REOPENABLE
from umbrella.reports.models import (
    Body,
    BodyKind,
    Category,
    FixedAnswer,
    ModerationStatus,
    Report,
    ReportPhoto,
    ReportStatus,
)

DUPLICATE_RADIUS_M = 50
DUPLICATE_DAYS = 7
OPEN_STATUSES = (
    ReportStatus.SUBMITTED,
    ReportStatus.OPEN,
    ReportStatus.IN_PROGRESS,
    ReportStatus.REFERRED,
)
METRES_PER_DEGREE_LAT = 111_195.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the distance in metres between two nearby points (equirectangular)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return math.hypot(x, y) * 6_371_008.8


# --- lookups -----------------------------------------------------------------


def _with_relations(queryset: QuerySet) -> QuerySet:
    # The areas' boundaries are large GeoJSON texts no report page needs.
    return queryset.select_related(
        "category", "body", "municipality", "neighbourhood", "police_zone"
    ).defer("municipality__geometry", "neighbourhood__geometry", "police_zone__geometry")


def report_by_id(pk: int) -> Report | None:
    """Return the report with this id, whoever may see it: check before showing it."""
    return _with_relations(Report.objects.filter(pk=pk)).first()


def report_for_code(code: str | None) -> Report | None:
    """Return the report this follow-up (or e-mailed question) code opens, or ``None``."""
    if not code or len(code) > 100:
        return None
    digest = hash_code(code)
    return _with_relations(
        Report.objects.filter(Q(follow_up_hash=digest) | Q(question_code_hash=digest))
    ).first()


def report_of_reporter(user, pk: int) -> Report | None:
    """Return the signed-in reporter's own report ``pk``, or ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _with_relations(Report.objects.filter(pk=pk, reporter=user)).first()


def reports_of_reporter(user) -> QuerySet:
    """Return the signed-in person's own reports, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    return _with_relations(Report.objects.filter(reporter=user))


# --- public side ---------------------------------------------------------------


def public_reports(
    *,
    status: str | None = None,
    category: Category | str | None = None,
    municipality: Municipality | str | None = None,
    body: Body | None = None,
    open_only: bool = False,
) -> QuerySet:
    """Return the public reports, newest first, filtered as asked."""
    queryset = _with_relations(Report.objects.filter(is_public=True)).defer(
        "description", "email", "precise_lat", "precise_lon"
    )
    if status:
        queryset = queryset.filter(status=status)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if category:
        queryset = (
            queryset.filter(category=category)
            if isinstance(category, Category)
            else queryset.filter(category__code=category)
        )
    if municipality:
        queryset = (
            queryset.filter(municipality=municipality)
            if isinstance(municipality, Municipality)
            else queryset.filter(municipality__nis_code=municipality)
        )
    if body is not None:
        queryset = queryset.filter(body=body)
    return queryset.order_by("-created_at", "-id")


def public_report(public_id: str) -> Report | None:
    """Return the report of ``public_id`` if public, else ``None`` (never a confidential one)."""
    return _with_relations(Report.objects.filter(public_id=public_id, is_public=True)).first()


@dataclass(frozen=True)
class PublicLocation:
    """Where a report is, as the public may know it: about 50 m, and the area names."""

    lat: float
    lon: float
    neighbourhood: str
    municipality: str


def public_location(report: Report) -> PublicLocation:
    """Return the report's public location (rounded to about 50 m)."""
    neighbourhood = report.neighbourhood.name if report.neighbourhood else ""
    municipality = report.municipality.name if report.municipality else ""
    return PublicLocation(report.public_lat, report.public_lon, neighbourhood, municipality)


def public_updates(report: Report) -> QuerySet:
    """Return the report's public updates, oldest first."""
    return (
        report.updates.filter(public=True)
        .select_related("body", "referred_to")
        .order_by("created_at", "id")
    )


def all_updates(report: Report) -> QuerySet:
    """Return every update of the report, oldest first (for those who ``can_view`` it)."""
    return report.updates.select_related("body", "referred_to", "author").order_by(
        "created_at", "id"
    )


def public_photo(report: Report) -> ReportPhoto | None:
    """Return the report's photo if staff confirmed it shows nobody and the report is public."""
    if not report.is_public:
        return None
    return ReportPhoto.objects.filter(report=report, public=True).first()


def likely_duplicates(
    category: Category, lat: float, lon: float, now: datetime, limit: int = 5
) -> list[Report]:
    """Return public reports of the same category within 50 m submitted in the last 7 days."""
    if category is None or category.confidential:
        return []
    # Box on the public point (it is off by up to ~35 m), exact distance on the precise one.
    slack = DUPLICATE_RADIUS_M + 40
    dlat = slack / METRES_PER_DEGREE_LAT
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = _with_relations(
        Report.objects.filter(
            is_public=True,
            category=category,
            created_at__gte=now - timedelta(days=DUPLICATE_DAYS),
            created_at__lte=now,
            public_lat__range=(lat - dlat, lat + dlat),
            public_lon__range=(lon - dlon, lon + dlon),
        )
    ).order_by("-created_at")[:50]
    found = [r for r in candidates if distance_m(lat, lon, r.lat, r.lon) <= DUPLICATE_RADIUS_M]
    return found[:limit]


@dataclass(frozen=True)
class BodyStats:
    """A body's public figures (non-confidential reports only)."""

    open_reports: int
    reports: int
    median_first_response: timedelta | None
    median_to_fixed: timedelta | None

    @property
    def median_first_response_days(self) -> float | None:
        return _days(self.median_first_response)

    @property
    def median_to_fixed_days(self) -> float | None:
        return _days(self.median_to_fixed)


def _days(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 86400, 1)


def _median(deltas: list[timedelta]) -> timedelta | None:
    if not deltas:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in deltas))


def body_stats(body: Body) -> BodyStats:
    """Return ``body``'s open reports, median time to first response and to fixed."""
    rows = list(
        Report.objects.filter(body=body, confidential=False)
        .exclude(moderation_status=ModerationStatus.PENDING)
        .values_list("status", "created_at", "first_response_at", "fixed_at")
    )
    open_count = sum(1 for status, *_ in rows if status in OPEN_STATUSES)
    first = [response - created for _, created, response, _f in rows if response]
    fixed = [
        fixed_at - created
        for status, created, _r, fixed_at in rows
        if fixed_at and status == ReportStatus.FIXED
    ]
    return BodyStats(open_count, len(rows), _median(first), _median(fixed))


@dataclass(frozen=True)
class ComparisonRow:
    body: Body
    stats: BodyStats


def municipality_comparison() -> list[ComparisonRow]:
    """Return the 19 municipality bodies side by side (by NIS code), each with its figures."""
    bodies = Body.objects.filter(kind=BodyKind.MUNICIPALITY).select_related("municipality")
    return [
        ComparisonRow(body, body_stats(body))
        for body in sorted(bodies, key=lambda b: b.municipality.nis_code if b.municipality else "")
    ]


def nearest_toilets(lat: float, lon: float, limit: int = 3) -> list:
    """Return the nearest public toilets (``directory`` results), nearest first."""
    from umbrella.directory.queries import find_places

    return find_places("toilet", lat=lat, lon=lon, limit=limit)


# --- authorisation ------------------------------------------------------------


def can_view(user, report: Report) -> bool:
    """Answer whether ``user`` may read the whole report (text, precise point, history).

    The reporter (by account) and the authorised staff of a body that received
    it; for a confidential report routed to a police zone, only its
    trafficking reference persons. Platform administrators read ordinary
    reports, never confidential ones. The public reads ``public_report``.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if report.reporter_id is not None and report.reporter_id == user.pk:
        return True
    if acting_bodies(user, report):
        return True
    if report.confidential:
        return False
    return bool(user.is_superuser or may_moderate(user) and report.guard_flagged)


def can_update(user, report: Report) -> bool:
    """Answer whether ``user`` may post updates and change the status (body staff only)."""
    return bool(acting_bodies(user, report))


def read_report(user, report: Report, reason: str) -> bool:
    """Answer ``can_view``; when yes and the report is confidential, record the read."""
    if not can_view(user, report):
        return False
    if report.confidential:
        from umbrella.core.audit import record_read

        record_read(user, report, reason)
    return True


def can_reopen(report: Report) -> bool:
    """Answer whether the reporter may reopen the report now."""
    return report.status in REOPENABLE


def fixed_question_due(report: Report, now: datetime) -> bool:
    """Answer whether the follow-up page should ask "is it fixed?" now."""
    if report.fixed_answer == FixedAnswer.FIXED or report.status not in ASKABLE:
        return False
    if report.fixed_answered_at is not None and (
        report.fixed_question_asked_at is None
        or report.fixed_answered_at >= report.fixed_question_asked_at
    ):
        return False
    if report.fixed_question_asked_at is not None:
        return True
    return report.fixed_question_due_at is not None and report.fixed_question_due_at <= now


def _reference_zone_bodies(user, organisation_ids: set[int]) -> list[int]:
    """Return the police-zone bodies whose trafficking reference is this person's organisation."""
    if user.role != Role.POLICE_REFERENCE or not organisation_ids:
        return []
    from umbrella.directory.models import TraffickingReference

    zone_ids = TraffickingReference.objects.filter(
        accounts_organisation_id__in=organisation_ids
    ).values_list("police_zone_id", flat=True)
    return list(
        Body.objects.filter(kind=BodyKind.POLICE_ZONE, police_zone_id__in=zone_ids).values_list(
            "pk", flat=True
        )
    )


def inbox_for(user) -> QuerySet | None:
    """Return the reports this person may act on, newest first; ``None`` if no body's staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    bodies = bodies_of(user)
    reference_bodies = _reference_zone_bodies(user, _organisation_ids(user))
    if not bodies and not reference_bodies:
        return None
    body_ids = [b.pk for b in bodies]
    ordinary = Q(confidential=False, deliveries_to__body_id__in=body_ids)
    confidential_bodies = [
        b.pk for b in bodies if b.kind != BodyKind.POLICE_ZONE or user.role == Role.POLICE_REFERENCE
    ] + reference_bodies
    confidential = Q(confidential=True, deliveries_to__body_id__in=confidential_bodies)
    ids = Report.objects.filter(ordinary | confidential).values("pk")
    return _with_relations(Report.objects.filter(pk__in=ids)).order_by("-created_at", "-id")


def moderation_queue_for(user) -> QuerySet | None:
    """Return the reports held by the guard, oldest first; ``None`` if not a moderator."""
    if not may_moderate(user):
        return None
    return _with_relations(
        Report.objects.filter(moderation_status=ModerationStatus.PENDING)
    ).order_by("created_at", "id")


def public_name(body: Body | None, language: str | None = None) -> str:
    """Return a body's name in ``language`` (Open311 ``agency_responsible``)."""
    if body is None:
        return ""
    return body.translated("name", language)


__all__ = [
    "BodyStats",
    "ComparisonRow",
    "PublicLocation",
    "acting_bodies",
    "all_updates",
    "body_stats",
    "can_reopen",
    "can_update",
    "can_view",
    "distance_m",
    "fixed_question_due",
    "inbox_for",
    "likely_duplicates",
    "moderation_queue_for",
    "municipality_comparison",
    "name_in_language",
    "nearest_toilets",
    "public_location",
    "public_name",
    "public_photo",
    "public_report",
    "public_reports",
    "public_updates",
    "read_report",
    "report_by_id",
    "report_for_code",
    "report_of_reporter",
    "reports_of_reporter",
    "round_point",
]
