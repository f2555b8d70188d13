"""Is a place open at a given moment? Computed in Brussels wall-clock time.

Hours are wall-clock times: "09:00–17:00" stays 09:00–17:00 on the Sundays
the clocks change, whatever UTC says, so the moment is converted to
Europe/Brussels and compared with naive times. A row closing at or before its
opening closes the next day (so a night from Friday 22:00 to 06:00 also
covers Saturday morning); equal times mean 24 hours from the opening. An
exception (holiday, special hours) replaces the weekly hours of the days it
covers, including the part of a night that spills into the next morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


@dataclass(frozen=True, slots=True)
class ScheduleException:
    starts_on: date
    ends_on: date
    closed: bool
    opens_at: time | None = None
    closes_at: time | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly hours ``(weekday, opens, closes)``, exceptions and the temporary-closure flag."""

    weekly: tuple[tuple[int, time, time], ...] = ()
    exceptions: tuple[ScheduleException, ...] = field(default_factory=tuple)
    temporarily_closed: bool = False

    def is_known(self) -> bool:
        return bool(self.weekly)

    def intervals_on(self, day: date) -> list[tuple[time, time]]:
        """Return the ``(opens, closes)`` rows that start on ``day``."""
        for exception in self.exceptions:
            if exception.starts_on <= day <= exception.ends_on:
                if exception.closed or exception.opens_at is None or exception.closes_at is None:
                    return []
                return [(exception.opens_at, exception.closes_at)]
        weekday = day.weekday()
        return [(opens, closes) for wd, opens, closes in self.weekly if wd == weekday]

    def covers_day(self, day: date) -> bool:
        return any(e.starts_on <= day <= e.ends_on for e in self.exceptions)


def is_open_at(schedule: Schedule, at: datetime) -> bool | None:
    """Answer whether the schedule is open at the aware moment ``at``; ``None`` when unknown."""
    if schedule.temporarily_closed:
        return False
    return is_open_on(schedule, *wall_clock(at))


def wall_clock(at: datetime) -> tuple[date, date, time]:
    """Return (today, yesterday, time of day) in Brussels for the aware moment ``at``."""
    local = at.astimezone(BRUSSELS)
    today = local.date()
    return today, today - timedelta(days=1), local.time().replace(tzinfo=None)


def is_open_on(schedule: Schedule, today: date, yesterday: date, now: time) -> bool | None:
    """Answer ``is_open_at`` for a moment already turned into Brussels wall-clock time."""
    if schedule.temporarily_closed:
        return False
    if not schedule.is_known() and not (
        schedule.covers_day(today) or schedule.covers_day(yesterday)
    ):
        return None
    for opens, closes in schedule.intervals_on(today):
        if opens < closes:
            if opens <= now < closes:
                return True
        elif now >= opens:
            return True
    # Last night's rows that close this morning (or 24-hour rows from yesterday).
    return any(
        closes <= opens and now < closes for opens, closes in schedule.intervals_on(yesterday)
    )


def schedule_from_rows(regular, holidays, temporarily_closed: bool = False) -> Schedule:
    """Build a ``Schedule`` from ``RegularSchedule`` and ``HolidaySchedule`` rows."""
    return Schedule(
        weekly=tuple((r.weekday, r.opens_at, r.closes_at) for r in regular),
        exceptions=tuple(
            ScheduleException(h.starts_on, h.ends_on, h.closed, h.opens_at, h.closes_at)
            for h in sorted(holidays, key=lambda h: (h.starts_on, h.pk or 0))
        ),
        temporarily_closed=temporarily_closed,
    )
