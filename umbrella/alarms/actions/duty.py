"""Reference persons' weekly on-duty shifts: add and remove them."""

from __future__ import annotations

from datetime import time

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Membership
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import DutyShift, Weekday

# Three shifts a day is already more than a person works.
MAX_SHIFTS_PER_MEMBER = 21
EMPTY_SHIFT_MESSAGE = _("A shift must end at another time than it starts.")


class InvalidShift(AlarmError):
    default_message = EMPTY_SHIFT_MESSAGE


@transaction.atomic
def add_duty_shift(
    membership: Membership, weekday: int, starts_at: time, ends_at: time
) -> DutyShift:
    """Add a weekly shift (Brussels wall-clock time; an earlier end is the next day)."""
    starts_at = starts_at.replace(second=0, microsecond=0, tzinfo=None)
    ends_at = ends_at.replace(second=0, microsecond=0, tzinfo=None)
    if weekday not in Weekday.values:
        raise InvalidShift(_("Choose a day of the week."))
    if starts_at == ends_at:
        raise InvalidShift()
    # Lock the membership so two managers adding at once stay under the cap.
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if DutyShift.objects.filter(membership=membership).count() >= MAX_SHIFTS_PER_MEMBER:
        raise InvalidShift(
            _("A person can have at most %(count)s shifts a week.")
            % {"count": MAX_SHIFTS_PER_MEMBER}
        )
    return DutyShift.objects.create(
        membership=membership, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )


@transaction.atomic
def remove_duty_shift(shift: DutyShift) -> None:
    DutyShift.objects.filter(pk=shift.pk).delete()
