"""An alarm, the people it reached, its timeline and its deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedFloatField, EncryptedTextField


class Source(models.TextChoices):
    APP = "app", _("Panic button in the app")
    DEVICE = "device", _("Room button")
    CHECKIN = "checkin", _("Expired check-in")
    DURESS = "duress", _("Duress code")


class Status(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")
    # Nobody resolved or cancelled it within ALARM_AUTO_CLOSE_DAYS: the worker
    # closed it so its precise data can be erased (docs/privacy.md).
    CLOSED = "closed", _("Closed by retention")


OPEN_STATUSES = (Status.RAISED, Status.ACKNOWLEDGED)
# The outcome stored when she resolves her check-in's alarm herself ("I'm safe", late).
OUTCOME_SAFE_BY_OWNER = "safe_by_owner"


class Alarm(models.Model):
    """A call for help, from the moment it is raised until it is resolved or cancelled.

    ``owner`` is the sex worker who raised it (empty for a room button: the
    room, not an account, raised it). Precise location, note and outcome are
    encrypted at rest; an alarm still open after ``ALARM_AUTO_CLOSE_DAYS`` is
    closed by the worker, and they are erased ``ALARM_ERASE_AFTER_DAYS`` after
    the alarm was resolved, cancelled or closed (``actions.retention``); the
    coarse areas stay for the evaluation statistics.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("sex worker"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RAISED
    )
    is_test = models.BooleanField(_("test alarm"), default=False)
    is_duress = models.BooleanField(_("duress"), default=False)
    # The owner used her duress PIN: her own screens show "cancelled" or
    # "done" while responders see the alarm going on, marked duress.
    concealed_from_owner = models.BooleanField(_("hidden from the sex worker"), default=False)
    # The last tier told; 0 while nobody could be reached yet.
    current_tier = models.PositiveSmallIntegerField(_("current tier"), default=0)

    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed by retention at"), null=True, blank=True)

    device = models.ForeignKey(
        "alarms.RoomButton",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("room button"),
    )
    checkin = models.ForeignKey(
        "alarms.CheckIn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("check-in"),
    )

    latitude = EncryptedFloatField(_("latitude"), null=True, blank=True)
    longitude = EncryptedFloatField(_("longitude"), null=True, blank=True)
    accuracy = EncryptedFloatField(_("accuracy in metres"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    nis_code = models.CharField(_("municipality NIS code"), max_length=5, blank=True)
    zone_code = models.CharField(_("police zone code"), max_length=4, blank=True)
    neighbourhood_code = models.CharField(_("neighbourhood code"), max_length=16, blank=True)
    location_erased_at = models.DateTimeField(_("location erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at"]
        indexes = [
            # Serves the retention job: resolved_at < cutoff AND location_erased_at IS NULL.
            models.Index(
                fields=["resolved_at"],
                condition=Q(location_erased_at__isnull=True),
                name="alarms_alarm_retention",
            ),
            # Serves the room-button dedupe: device = … (AND status open) ORDER BY raised_at.
            models.Index(fields=["device", "raised_at"], name="alarms_alarm_device_recent"),
        ]

    def __str__(self) -> str:
        return f"alarm #{self.pk} ({self.get_source_display()}, {self.get_status_display()})"

    def is_open(self) -> bool:
        """Answer whether someone still has to act on the alarm."""
        return self.status in OPEN_STATUSES

    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def status_for(self, viewer) -> str:
        """Return the status ``viewer`` may see: a duress alarm looks cancelled to its owner."""
        if self.concealed_from_owner and viewer is not None and viewer.pk == self.owner_id:
            return Status.CANCELLED
        return self.status

    def seconds_to_acknowledge(self) -> float | None:
        """Return the time from trigger to first acknowledgement: the headline figure."""
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.raised_at).total_seconds()


class AlarmRecipient(models.Model):
    """One person an alarm was routed to: when they were told, and when they saw it.

    A person may read an alarm's details only if they have a row here (or own it).
    """

    alarm = models.ForeignKey(
        Alarm, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("alarm")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alarm_routings",
        verbose_name=_("responder"),
    )
    tier = models.PositiveSmallIntegerField(_("tier"))
    told_at = models.DateTimeField(_("told at"))
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm recipient")
        verbose_name_plural = _("alarm recipients")
        ordering = ["told_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alarm", "user"], name="alarms_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for alarm #{self.alarm_id}"


class StepKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated to the next tier")
    REALERTED = "realerted", _("Alerted again")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")
    DURESS = "duress", _("Duress code used")
    LOCATION_ERASED = "location_erased", _("Precise location erased")
    CLOSED = "closed", _("Closed by retention")


class AlarmStep(models.Model):
    """One step in an alarm's timeline, written in the transaction that took it."""

    alarm = models.ForeignKey(
        Alarm, on_delete=models.CASCADE, related_name="steps", verbose_name=_("alarm")
    )
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("at"))
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    recipient_count = models.PositiveIntegerField(_("people told"), default=0)

    class Meta:
        verbose_name = _("alarm step")
        verbose_name_plural = _("alarm steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M:%S}"


class DeadlineKind(models.TextChoices):
    ESCALATE = "escalate", _("Escalate to the next tier")
    REALERT = "realert", _("Alert the last tier again")
    CHECKIN_EXPIRY = "checkin_expiry", _("Check-in expiry")
    CHECKIN_REMINDER = "checkin_reminder", _("Check-in reminder")


class Deadline(models.Model):
    """A moment at which the worker must do something, kept in the database.

    A worker claims a due row (``claimed_by`` and ``lease_until``), then takes
    the step and sets ``done_at`` in one transaction, so the step happens once;
    a claim whose lease ran out (its worker died) is taken over by another.
    """

    alarm = models.ForeignKey(
        Alarm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("alarm"),
    )
    checkin = models.ForeignKey(
        "alarms.CheckIn",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("check-in"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeadlineKind.choices)
    # The tier the alarm is expected to be in when the deadline fires; a step
    # for a tier the alarm has left is stale and does nothing.
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempt = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at"]
        indexes = [
            # Serves claim_due_deadline() and next_due_at():
            # done_at IS NULL AND due_at <= now ORDER BY due_at.
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True),
                name="alarms_deadline_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(alarm__isnull=False) | Q(checkin__isnull=False),
                name="alarms_deadline_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%H:%M:%S}"

    def is_due(self, now) -> bool:
        return self.done_at is None and self.due_at <= now
