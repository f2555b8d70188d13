"""Reference persons' on-duty schedule: weekly shifts in Brussels wall-clock time.

A membership of an establishment (or of a support organisation whose
on-duty team is a tier of someone's circle) may have weekly shifts. A member
is on duty when the manual switch (``Membership.on_duty``) is on, or when one
of her shifts covers the moment the alarm reaches her organisation.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Shifts are wall-clock times in Brussels: "Mondays 22:00 to 06:00" stays
# 22:00 to 06:00 on the Sundays the clocks change, whatever UTC says.
DUTY_TIME_ZONE = ZoneInfo("Europe/Brussels")


class Weekday(models.IntegerChoices):
    # Python's datetime.weekday() numbering: Monday is 0.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DutyShift(models.Model):
    """A weekly shift of one member: on ``weekday`` from ``starts_at`` to ``ends_at``.

    An end earlier than the start means the shift ends the next day (a night
    shift crossing midnight). The start is included, the end is not.
    """

    membership = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("membership"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(
        _("until"), help_text=_("Earlier than the start: the shift ends the next day.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("on-duty shift")
        verbose_name_plural = _("on-duty shifts")
        ordering = ["membership", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(starts_at=F("ends_at")),
                name="alarms_dutyshift_not_empty",
                violation_error_message=_("A shift must end at another time than it starts."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="alarms_dutyshift_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.describe()}"

    def describe(self) -> str:
        """Return the shift in plain language, in the active language."""
        values = {
            "day": self.get_weekday_display(),
            "start": self.starts_at.strftime("%H:%M"),
            "end": self.ends_at.strftime("%H:%M"),
        }
        if self.crosses_midnight():
            return gettext("%(day)s from %(start)s to %(end)s the next day") % values
        return gettext("%(day)s from %(start)s to %(end)s") % values

    def crosses_midnight(self) -> bool:
        return self.ends_at < self.starts_at

    def covers(self, moment: datetime) -> bool:
        """Answer whether the shift covers ``moment`` (an aware datetime), in Brussels time."""
        local = moment.astimezone(DUTY_TIME_ZONE)
        return covers_wall_clock(
            self.weekday, self.starts_at, self.ends_at, local.weekday(), local.time()
        )


def covers_wall_clock(weekday: int, start: time, end: time, day: int, at: time) -> bool:
    """Answer whether a weekly shift (weekday, start, end) covers wall-clock ``day`` ``at``."""
    at = at.replace(tzinfo=None)
    if start < end:
        return day == weekday and start <= at < end
    # Crosses midnight: the evening of ``weekday`` and the morning after.
    return (day == weekday and at >= start) or (day == (weekday + 1) % 7 and at < end)
