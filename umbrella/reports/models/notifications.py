"""What was sent to bodies: one row per notification, one row per attempt."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.reports.models.bodies import Body, Channel, Contact
from umbrella.reports.models.reports import Report, ReportUpdate


class NotificationEvent(models.TextChoices):
    NEW_REPORT = "new_report", _("New report")
    REOPENED = "reopened", _("Reopened by the reporter")
    REFERRED = "referred", _("Referred to this body")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class BodyNotification(models.Model):
    """One message to one body's contact about one report, retried with backoff until sent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notifications")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="notifications")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    update = models.ForeignKey(
        ReportUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # Set when no contact row holds the address: a zone's trafficking reference e-mail.
    address = models.CharField(_("address"), max_length=500, blank=True)
    event = models.CharField(_("event"), max_length=16, choices=NotificationEvent.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    # Open311 endpoints answer with their own service_request_id.
    remote_id = models.CharField(_("id at the endpoint"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("notification to a body")
        verbose_name_plural = _("notifications to bodies")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves tasks.send_notifications: pending rows whose attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="reports_notification_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.body} ({self.get_channel_display()})"


class NotificationAttempt(models.Model):
    """One try at sending a notification, successful or not."""

    notification = models.ForeignKey(
        BodyNotification, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("time"))
    ok = models.BooleanField(_("succeeded"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("notification attempt")
        verbose_name_plural = _("notification attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notification} @ {self.at:%Y-%m-%d %H:%M:%S}"
