"""Raw rows for the observatory tests: alarms, check-ins, reports, deliveries, room buttons."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.accounts.models import Organisation, OrganisationKind
from umbrella.alarms.models import (
    Alarm,
    AlarmStep,
    CheckIn,
    RoomButton,
    Source,
    Status,
    StepKind,
)
from umbrella.notify.models import Delivery, Event, EventType
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
    n: int,
    when: datetime,
    municipality,
    *,
    category=None,
    guard=False,
    respond_minutes=None,
    fixed_minutes=None,
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
            fixed_at=when + timedelta(minutes=fixed_minutes) if fixed_minutes is not None else None,
        )


def deliveries(recipient, n: int, when: datetime, *, channel: str, status: str) -> None:
    """Make ``n`` attempts to deliver one alarm's event to ``recipient``, made at ``when``."""
    event = Event.objects.create(
        event_type=EventType.RAISED, alarm_id=1, tier=1, payload={}, created_at=when
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                event=event,
                recipient=recipient,
                channel=channel,
                status=status,
                created_at=when,
                next_attempt_at=when,
            )
            for _ in range(n)
        ]
    )


_keys = iter(range(10**6))


def establishments(n: int, when: datetime, *, nis: str, revoked=None) -> list[RoomButton]:
    """Make ``n`` establishments in ``nis``, each with one room button installed at ``when``."""
    buttons = []
    for _ in range(n):
        key = next(_keys)
        place = Organisation.objects.create(
            name=f"Establishment {key}", kind=OrganisationKind.ESTABLISHMENT, nis_code=nis
        )
        buttons.append(
            RoomButton.objects.create(
                establishment=place,
                room_label="1",
                device_key_hash=f"{key:064d}",
                device_key_prefix=str(key),
                created_at=when,
                revoked_at=revoked,
            )
        )
    return buttons


def button_test(button: RoomButton, when: datetime, *, acknowledged=True) -> None:
    """A test alarm from ``button`` at ``when``, acknowledged a minute later (or never)."""
    Alarm.objects.create(
        owner=None,  # a room button's alarm has no account
        source=Source.DEVICE,
        device=button,
        is_test=True,
        status=Status.RESOLVED,
        raised_at=when,
        acknowledged_at=when + timedelta(minutes=1) if acknowledged else None,
        nis_code=button.establishment.nis_code,
    )


@pytest.fixture(autouse=True)
def february_2027():
    """Mid-February 2027, the clock standing still: holds every test of a module that imports it."""
    with time_machine.travel(at(2027, 2, 15), tick=False):
        yield


def refresh() -> None:
    """Take the worker's roll-up step now, as the worker does."""
    from umbrella.observatory import actions

    actions.refresh(at(2027, 2, 15))


def values(slug: str, **query) -> dict:
    """Return a dataset's cells as ``{(period, area code): (value, suppressed)}``."""
    from umbrella.observatory import queries

    return {(c.period, c.area.code): (c.value, c.suppressed) for c in queries.table(slug, **query)}


def picture(day: datetime | None = None) -> None:
    """The first refresh of February takes January's picture, as the worker would."""
    from umbrella.observatory import actions

    day = day or at(2027, 2, 1, 0)
    with time_machine.travel(day, tick=False):
        actions.refresh(day)


def read(slug: str, **query) -> dict:
    """``values`` on mid-February 2027, read afresh (the answers kept in memory forgotten)."""
    from umbrella.observatory import queries

    with time_machine.travel(at(2027, 2, 15), tick=False):
        queries.forget()
        return values(slug, **query)
