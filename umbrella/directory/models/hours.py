"""Weekly opening hours and their exceptions, in Brussels wall-clock time.

Hours belong to a service at a location or to a facility (exactly one).
A row closing at or before its opening time closes the next day (a night
that crosses midnight); opening and closing at the same time means open for
24 hours from then. A place without any row has unknown hours: it is never
reported open.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.directory.models.locations import Facility, ServiceAtLocation


class Weekday(models.IntegerChoices):
    # Python's datetime.weekday() numbering: Monday is 0.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


_ONE_OWNER = Q(service_at_location__isnull=False, facility__isnull=True) | Q(
    service_at_location__isnull=True, facility__isnull=False
)


class HoursOwner(models.Model):
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("service at a location"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("facility"),
    )

    class Meta:
        abstract = True


class RegularSchedule(HoursOwner):
    """Open every ``weekday`` from ``opens_at`` to ``closes_at`` (HSDS ``regular_schedule``)."""

    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(
        _("closes"),
        help_text=_("At or before the opening time: closes the next day."),
    )

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=_ONE_OWNER, name="directory_regular_one_owner"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="directory_regular_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class HolidaySchedule(HoursOwner):
    """An exception from ``starts_on`` to ``ends_on`` included: closed, or other hours.

    On the days it covers it replaces the weekly hours (HSDS ``holiday_schedule``).
    """

    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"))
    closed = models.BooleanField(_("closed"), default=True)
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=_ONE_OWNER, name="directory_holiday_one_owner"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="directory_holiday_dates"
            ),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="directory_holiday_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"
