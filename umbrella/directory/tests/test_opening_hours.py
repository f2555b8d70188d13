"""Open now, in Brussels time: across midnight, across the DST changes, with exceptions."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from umbrella.directory.models import HolidaySchedule, OperatingStatus, RegularSchedule
from umbrella.directory.opening import Schedule, ScheduleException, is_open_at
from umbrella.directory.queries import find_places, is_open
from umbrella.directory.tests import factories

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = ZoneInfo("UTC")
FRI, SAT, SUN = 4, 5, 6


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


NIGHT = Schedule(weekly=((FRI, time(22), time(6)),))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 3, 6, 21, 59, 59), False),  # Friday just before
        (local(2026, 3, 6, 22, 0), True),  # Friday at opening
        (local(2026, 3, 6, 23, 59, 59), True),
        (local(2026, 3, 7, 0, 0), True),  # Saturday after midnight
        (local(2026, 3, 7, 5, 59, 59), True),
        (local(2026, 3, 7, 6, 0), False),  # closing time is excluded
        (local(2026, 3, 7, 22, 30), False),  # not Saturday night
        (local(2026, 3, 6, 3, 0), False),  # Friday morning: Thursday night has no row
    ],
)
def test_a_night_crosses_midnight(moment, expected):
    assert is_open_at(NIGHT, moment) is expected


def test_spring_forward_keeps_wall_clock_hours():
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST. Open Sundays 01:00-04:00.
    schedule = Schedule(weekly=((SUN, time(1), time(4)),))
    assert is_open_at(schedule, utc(2026, 3, 29, 0, 30)) is True  # 01:30 CET
    assert is_open_at(schedule, utc(2026, 3, 29, 1, 30)) is True  # 03:30 CEST
    assert is_open_at(schedule, utc(2026, 3, 29, 2, 0)) is False  # 04:00 CEST
    # The same UTC instant a week earlier is 03:00 CET: still open; a winter
    # offset applied blindly would say 04:00 (closed) the week after.
    assert is_open_at(schedule, utc(2026, 3, 22, 2, 30)) is True  # 03:30 CET
    assert is_open_at(schedule, utc(2026, 4, 5, 2, 30)) is False  # 04:30 CEST


def test_fall_back_counts_the_repeated_hour_twice():
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET. Open Sundays 02:00-03:00.
    schedule = Schedule(weekly=((SUN, time(2), time(3)),))
    assert is_open_at(schedule, utc(2026, 10, 25, 0, 30)) is True  # 02:30 CEST
    assert is_open_at(schedule, utc(2026, 10, 25, 1, 30)) is True  # 02:30 CET
    assert is_open_at(schedule, utc(2026, 10, 25, 2, 0)) is False  # 03:00 CET
    assert is_open_at(schedule, utc(2026, 10, 24, 23, 59)) is False  # 01:59 CEST


def test_a_night_across_the_dst_change():
    # Saturday 28 March 22:00 to Sunday 06:00, the night the clocks go forward.
    schedule = Schedule(weekly=((SAT, time(22), time(6)),))
    assert is_open_at(schedule, utc(2026, 3, 28, 21, 0)) is True  # 22:00 CET
    assert is_open_at(schedule, utc(2026, 3, 29, 3, 59)) is True  # 05:59 CEST
    assert is_open_at(schedule, utc(2026, 3, 29, 4, 0)) is False  # 06:00 CEST
    # In UTC that night lasted 7 hours, not 8: 21:00 to 04:00.
    assert is_open_at(schedule, utc(2026, 3, 29, 4, 30)) is False


def test_equal_times_mean_twenty_four_hours():
    schedule = Schedule(weekly=((FRI, time(8), time(8)),))
    assert is_open_at(schedule, local(2026, 3, 6, 8, 0)) is True
    assert is_open_at(schedule, local(2026, 3, 7, 7, 59)) is True
    assert is_open_at(schedule, local(2026, 3, 7, 8, 0)) is False


def test_unknown_hours_are_not_open():
    assert is_open_at(Schedule(), local(2026, 3, 6, 12, 0)) is None


def test_an_exception_closes_a_day_and_its_night():
    schedule = Schedule(
        weekly=((FRI, time(22), time(6)), (SAT, time(9), time(17))),
        exceptions=(ScheduleException(date(2026, 3, 6), date(2026, 3, 6), closed=True),),
    )
    assert is_open_at(schedule, local(2026, 3, 6, 23, 0)) is False
    assert is_open_at(schedule, local(2026, 3, 7, 2, 0)) is False  # the night was cancelled
    assert is_open_at(schedule, local(2026, 3, 7, 10, 0)) is True


def test_an_exception_with_special_hours_replaces_the_week():
    schedule = Schedule(
        weekly=tuple((d, time(9), time(17)) for d in range(7)),
        exceptions=(
            ScheduleException(date(2026, 12, 24), date(2026, 12, 24), False, time(9), time(12)),
        ),
    )
    assert is_open_at(schedule, local(2026, 12, 24, 11, 59)) is True
    assert is_open_at(schedule, local(2026, 12, 24, 12, 0)) is False
    assert is_open_at(schedule, local(2026, 12, 23, 16, 0)) is True


def test_temporarily_closed_is_never_open():
    schedule = Schedule(weekly=((FRI, time(0), time(0)),), temporarily_closed=True)
    assert is_open_at(schedule, local(2026, 3, 6, 12, 0)) is False


@pytest.mark.django_db
def test_rows_and_find_places_agree(personas):
    sal = factories.service(hours=[(FRI, time(22), time(6))])
    HolidaySchedule.objects.create(
        service_at_location=sal, starts_on=date(2026, 3, 13), ends_on=date(2026, 3, 13)
    )
    friday_night = local(2026, 3, 6, 23, 0)
    assert is_open(sal, friday_night) is True
    assert is_open(sal, local(2026, 3, 13, 23, 0)) is False
    assert [f.place.pk for f in find_places("service", open_now=True, at=friday_night)] == [sal.pk]
    assert find_places("service", open_now=True, at=local(2026, 3, 7, 7, 0)) == []
    # Temporarily closed: listed, never open.
    service = sal.service
    service.status = OperatingStatus.TEMPORARILY_CLOSED
    service.save()
    sal.refresh_from_db()
    assert is_open(sal, friday_night) is False
    [found] = find_places("service", at=friday_night)
    assert found.open_now is False


@pytest.mark.django_db
def test_toilet_without_hours_is_unknown_and_left_out_of_open_now():
    facility = factories.toilet(hours=())
    assert is_open(facility, local(2026, 3, 6, 12, 0)) is None
    assert find_places("toilet", open_now=True, at=local(2026, 3, 6, 12, 0)) == []
    RegularSchedule.objects.create(
        facility=facility, weekday=FRI, opens_at=time(8), closes_at=time(20)
    )
    assert len(find_places("toilet", open_now=True, at=local(2026, 3, 6, 12, 0))) == 1
