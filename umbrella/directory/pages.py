"""What the public pages show that the API does not: a week of hours, "closes at", labels.

Read-only helpers for ``views``; the search itself is ``find_places``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from umbrella.directory.models import LanguageCode, TriState
from umbrella.directory.opening import BRUSSELS, Schedule

PER_PAGE = 50


@dataclass(frozen=True)
class DayHours:
    day: date
    intervals: tuple[tuple[time, time], ...]
    is_today: bool
    is_exception: bool


def week_hours(schedule: Schedule, now: datetime) -> list[DayHours]:
    """Return the hours of the current week, Monday to Sunday, in Brussels time."""
    today = now.astimezone(BRUSSELS).date()
    monday = today - timedelta(days=today.weekday())
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        days.append(
            DayHours(
                day=day,
                intervals=tuple(schedule.intervals_on(day)),
                is_today=day == today,
                is_exception=schedule.covers_day(day),
            )
        )
    return days


def closes_at(schedule: Schedule, now: datetime) -> time | None:
    """Return when the place closes if it is open at ``now`` (Brussels time), else ``None``.

    ``None`` also for a place open around the clock (nothing to announce).
    """
    if schedule.temporarily_closed:
        return None
    local = now.astimezone(BRUSSELS)
    today, clock = local.date(), local.time().replace(tzinfo=None)
    for opens, closes in schedule.intervals_on(today):
        if opens < closes and opens <= clock < closes:
            return closes
        if closes < opens and clock >= opens:
            return closes
    for opens, closes in schedule.intervals_on(today - timedelta(days=1)):
        if closes < opens and clock < closes:
            return closes
    return None


def language_labels(codes) -> list[tuple[str, str]]:
    """Return ``(code, label in the active language)`` for ISO 639-1 codes."""
    labels = dict(LanguageCode.choices)
    return [(code, str(labels.get(code, code))) for code in codes]


def tri_label(value: str) -> str:
    return str(dict(TriState.choices).get(value, TriState.UNKNOWN.label))


def geo_uri(lat: float, lon: float) -> str:
    """Return a ``geo:`` URI (RFC 5870) the phone's own maps app opens; no third party."""
    return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}"
