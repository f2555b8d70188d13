"""Reference persons' weekly shifts: who is on duty, in Brussels wall-clock time.

Routing decides at the moment a tier is reached, so each boundary is tried
one second before, at, and one second after; with night shifts crossing
midnight and on the Sundays the clocks change.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, OrganisationKind, Role
from umbrella.alarms import actions, events
from umbrella.alarms.models import AlarmRecipient, DutyShift, Source, Weekday
from umbrella.alarms.routing import on_duty_member_ids
from umbrella.alarms.tests.conftest import TIER1_DELAY

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
SECOND = timedelta(seconds=1)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


@pytest.fixture
def studio(personas):
    """An establishment with one reference person who is not switched on duty."""
    org = accounts_actions.ensure_organisation("Studio Zuid (test)", OrganisationKind.ESTABLISHMENT)
    person = accounts_actions.create_account("night-reference", Role.ESTABLISHMENT_REFERENCE)
    membership = accounts_actions.add_membership(person, org, on_duty=False)
    return org, membership


def on_duty_at(org, moment: datetime) -> bool:
    """Answer whether the studio's reference person is on duty at ``moment`` (clock there)."""
    with time_machine.travel(moment, tick=False):
        return bool(on_duty_member_ids(org.pk, timezone.now()))


def test_a_day_shift_starts_and_ends_to_the_second(studio):
    org, membership = studio
    actions.add_duty_shift(membership, Weekday.MONDAY, time(9, 0), time(17, 0))
    monday = (2026, 1, 5)  # a Monday in winter time
    assert not on_duty_at(org, local(*monday, 8, 59, 59))
    assert on_duty_at(org, local(*monday, 9, 0, 0))
    assert on_duty_at(org, local(*monday, 9, 0, 1))
    assert on_duty_at(org, local(*monday, 16, 59, 59))
    assert not on_duty_at(org, local(*monday, 17, 0, 0))
    assert not on_duty_at(org, local(*monday, 17, 0, 1))
    # Only on Mondays.
    assert not on_duty_at(org, local(2026, 1, 6, 10, 0, 0))
    assert on_duty_at(org, local(2026, 1, 12, 10, 0, 0))


def test_a_night_shift_crosses_midnight(studio):
    org, membership = studio
    actions.add_duty_shift(membership, Weekday.FRIDAY, time(22, 0), time(6, 0))
    assert not on_duty_at(org, local(2026, 1, 9, 21, 59, 59))
    assert on_duty_at(org, local(2026, 1, 9, 22, 0, 0))
    assert on_duty_at(org, local(2026, 1, 9, 23, 59, 59))
    assert on_duty_at(org, local(2026, 1, 10, 0, 0, 0))
    assert on_duty_at(org, local(2026, 1, 10, 5, 59, 59))
    assert not on_duty_at(org, local(2026, 1, 10, 6, 0, 0))
    assert not on_duty_at(org, local(2026, 1, 10, 6, 0, 1))
    # Saturday night is not Friday night.
    assert not on_duty_at(org, local(2026, 1, 10, 23, 0, 0))
    assert not on_duty_at(org, local(2026, 1, 11, 1, 0, 0))


def test_a_sunday_night_shift_ends_on_monday_morning(studio):
    org, membership = studio
    actions.add_duty_shift(membership, Weekday.SUNDAY, time(20, 0), time(2, 0))
    assert on_duty_at(org, local(2026, 1, 11, 20, 0, 0))
    assert on_duty_at(org, local(2026, 1, 12, 1, 59, 59))
    assert not on_duty_at(org, local(2026, 1, 12, 2, 0, 0))
    assert not on_duty_at(org, local(2026, 1, 11, 19, 59, 59))


def test_shifts_keep_brussels_wall_clock_on_the_spring_dst_sunday(studio):
    org, membership = studio
    # 29 March 2026: at 02:00 CET the clocks jump to 03:00 CEST.
    actions.add_duty_shift(membership, Weekday.SATURDAY, time(22, 0), time(6, 0))
    actions.add_duty_shift(membership, Weekday.SUNDAY, time(9, 0), time(10, 0))
    # The night shift: 22:00 CET (21:00 UTC) to 06:00 CEST (04:00 UTC), seven real hours.
    assert not on_duty_at(org, datetime(2026, 3, 28, 20, 59, 59, tzinfo=UTC))
    assert on_duty_at(org, datetime(2026, 3, 28, 21, 0, 0, tzinfo=UTC))
    assert on_duty_at(org, datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))  # 01:59:59 CET
    assert on_duty_at(org, datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC))  # 03:00:00 CEST
    assert on_duty_at(org, datetime(2026, 3, 29, 3, 59, 59, tzinfo=UTC))  # 05:59:59 CEST
    assert not on_duty_at(org, datetime(2026, 3, 29, 4, 0, 0, tzinfo=UTC))  # 06:00 CEST
    # The morning shift starts at 09:00 CEST, which is 07:00 UTC (not 08:00).
    assert not on_duty_at(org, datetime(2026, 3, 29, 6, 59, 59, tzinfo=UTC))
    assert on_duty_at(org, datetime(2026, 3, 29, 7, 0, 0, tzinfo=UTC))
    assert on_duty_at(org, datetime(2026, 3, 29, 7, 59, 59, tzinfo=UTC))
    assert not on_duty_at(org, datetime(2026, 3, 29, 8, 0, 0, tzinfo=UTC))


def test_shifts_keep_brussels_wall_clock_on_the_autumn_dst_sunday(studio):
    org, membership = studio
    # 25 October 2026: at 03:00 CEST the clocks go back to 02:00 CET.
    actions.add_duty_shift(membership, Weekday.SUNDAY, time(9, 0), time(10, 0))
    assert not on_duty_at(org, datetime(2026, 10, 25, 7, 59, 59, tzinfo=UTC))  # 08:59:59 CET
    assert on_duty_at(org, datetime(2026, 10, 25, 8, 0, 0, tzinfo=UTC))  # 09:00 CET
    assert not on_duty_at(org, datetime(2026, 10, 25, 9, 0, 0, tzinfo=UTC))  # 10:00 CET
    # The repeated hour: a shift ending at 02:30 covers 02:00-02:30 both times.
    actions.add_duty_shift(membership, Weekday.SUNDAY, time(1, 0), time(2, 30))
    assert on_duty_at(org, datetime(2026, 10, 25, 0, 15, 0, tzinfo=UTC))  # 02:15 CEST
    assert not on_duty_at(org, datetime(2026, 10, 25, 0, 30, 0, tzinfo=UTC))  # 02:30 CEST
    assert on_duty_at(org, datetime(2026, 10, 25, 1, 15, 0, tzinfo=UTC))  # 02:15 CET
    assert not on_duty_at(org, datetime(2026, 10, 25, 1, 30, 0, tzinfo=UTC))  # 02:30 CET


def test_the_manual_switch_or_a_shift_puts_someone_on_duty(studio):
    org, membership = studio
    actions.add_duty_shift(membership, Weekday.MONDAY, time(9, 0), time(17, 0))
    evening = local(2026, 1, 5, 20, 0, 0)
    assert not on_duty_at(org, evening)
    Membership.objects.filter(pk=membership.pk).update(on_duty=True)
    assert on_duty_at(org, evening)


def test_room_alarms_fall_back_to_every_reference_person_when_nobody_is_on_duty(studio, personas):
    org, membership = studio
    accounts_actions.add_membership(personas.responder, org, on_duty=False)
    actions.add_duty_shift(membership, Weekday.MONDAY, time(9, 0), time(17, 0))
    button, key = actions.create_room_button(org, "Room 2", timezone.now())
    with time_machine.travel(local(2026, 1, 5, 12, 0, 0), tick=False):
        alarm, _ = actions.press_room_button(key, timezone.now())
    assert set(actions.told_ids(alarm)) == {membership.user_id}
    # Closed, so the evening press raises an alarm of its own (an open one
    # would be joined).
    actions.resolve(alarm, membership.user, "test", local(2026, 1, 5, 12, 5, 0))
    with time_machine.travel(local(2026, 1, 5, 18, 0, 0), tick=False):
        evening, created = actions.press_room_button(key, timezone.now())
    assert created and evening.pk != alarm.pk
    assert set(actions.told_ids(evening)) == {membership.user_id, personas.responder.pk}


def test_an_empty_shift_is_refused(studio):
    _org, membership = studio
    with pytest.raises(actions.InvalidShift):
        actions.add_duty_shift(membership, Weekday.MONDAY, time(9, 0), time(9, 0))
    assert not DutyShift.objects.exists()


def run_due_at(at) -> int:
    count = 0
    with time_machine.travel(at, tick=False):
        while actions.process_due_deadline(timezone.now(), worker="test"):
            count += 1
    return count


def test_escalation_reads_the_rota_when_the_tier_fires(personas, circle, outreach_org, published):
    # The outreach worker is off duty when the alarm is raised, and her shift
    # starts exactly when tier 1's delay runs out: tier 2 is told then.
    Membership.objects.filter(user=personas.outreach).update(on_duty=False)
    membership = Membership.objects.get(user=personas.outreach, organisation=outreach_org)
    actions.add_duty_shift(membership, Weekday.MONDAY, time(22, 0), time(23, 0))
    raised = local(2026, 1, 5, 21, 59, 0)
    with time_machine.travel(raised, tick=False):
        alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    assert actions.told_ids(alarm) == [personas.responder.pk]
    fires = raised + timedelta(seconds=TIER1_DELAY)
    assert run_due_at(fires - SECOND) == 0
    assert run_due_at(fires) == 1
    alarm.refresh_from_db()
    assert alarm.current_tier == 2
    assert AlarmRecipient.objects.get(alarm=alarm, user=personas.outreach).tier == 2
    assert published.of(events.ESCALATED)[-1]["tier"] == 2


def test_a_shift_that_ended_before_the_tier_fires_is_not_told(
    personas, circle, outreach_org, published
):
    Membership.objects.filter(user=personas.outreach).update(on_duty=False)
    membership = Membership.objects.get(user=personas.outreach, organisation=outreach_org)
    actions.add_duty_shift(membership, Weekday.MONDAY, time(21, 0), time(22, 0))
    raised = local(2026, 1, 5, 21, 59, 0)
    with time_machine.travel(raised, tick=False):
        alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    assert run_due_at(raised + timedelta(seconds=TIER1_DELAY)) == 1
    alarm.refresh_from_db()
    assert alarm.current_tier == 1
    assert not AlarmRecipient.objects.filter(alarm=alarm, user=personas.outreach).exists()
    assert published.calls[-1]["payload"]["realert"] is True
