"""Raw rows for the observatory tests: alarms, check-ins and reports, made in bulk."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from umbrella.alarms.models import Alarm, AlarmStep, CheckIn, Source, Status, StepKind
from umbrella.reports.models import Category, Report

SAINT_JOSSE, SCHAERBEEK, BRUSSELS_CITY = "21014", "21015", "21004"


def at(year: int, month: int, day: int = 10, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def alarms(owner, n: int, when: datetime, *, nis: str = SAINT_JOSSE, ack_seconds=None, **fields):
    """Make ``n`` alarms raised at ``when`` (acknowledged after ``ack_seconds`` if given)."""
    made = Alarm.objects.bulk_create(
        [
            Alarm(
                owner=owner,
                source=fields.get("source", Source.APP),
                status=fields.get("status", Status.RESOLVED),
                is_test=fields.get("is_test", False),
                is_duress=fields.get("is_duress", False),
                raised_at=when,
                acknowledged_at=when + timedelta(seconds=ack_seconds)
                if ack_seconds is not None
                else None,
                nis_code=nis,
            )
            for _ in range(n)
        ]
    )
    if fields.get("escalated"):
        AlarmStep.objects.bulk_create(
            [
                AlarmStep(alarm=a, kind=StepKind.ESCALATED, at=when + timedelta(seconds=90), tier=1)
                for a in made
            ]
        )
    return made


def checkins(owner, n: int, when: datetime, status) -> None:
    CheckIn.objects.bulk_create(
        [
            CheckIn(owner=owner, started_at=when, due_at=when + timedelta(hours=1), status=status)
            for _ in range(n)
        ]
    )


def reports(
    n: int, when: datetime, municipality, *, category=None, guard=False, respond_minutes=None
):
    category = category or Category.objects.first()
    for _ in range(n):
        Report.objects.create(
            category=category,
            public_lat=50.85,
            public_lon=4.37,
            municipality=municipality,
            police_zone=municipality.police_zone if municipality else None,
            guard_flagged=guard,
            created_at=when,
            status_changed_at=when,
            updated_at=when,
            first_response_at=when + timedelta(minutes=respond_minutes)
            if respond_minutes is not None
            else None,
        )
