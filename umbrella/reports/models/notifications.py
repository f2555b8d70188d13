"""What was sent to bodies: one row per notification, one row per attempt."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.core.outbox import Backoff, Outbox
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
            # Serves NOTIFICATIONS.claim: pending rows whose attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="reports_notification_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.body} ({self.get_channel_display()})"


# The outbox of notifications to bodies (core/outbox.py): a claim moves the due time
# five minutes ahead, so a worker that dies while sending leaves the row to be taken
# again then; a failure is retried on the same row after 1, 2, 4 … minutes (at most
# 6 hours), 8 attempts in all, each recorded as a ``NotificationAttempt``.
NOTIFICATIONS = Outbox(
    "reports.notifications",
    "reports.BodyNotification",
    waiting={"status": NotificationStatus.PENDING},
    due="next_attempt_at",
    lease=timedelta(minutes=5),
    backoff=Backoff(base=timedelta(seconds=60), attempts=8, cap=timedelta(hours=6)),
    related=("report", "report__category", "body", "contact", "update"),
)


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
