"""What raises an alarm besides the app button: room buttons and check-in timers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedTextField


class RoomButton(models.Model):
    """A fixed button in a room of an establishment, calling a URL with its device key.

    Only the SHA-256 digest of the key is stored (the key is a long random
    string, so a plain digest is enough and allows one indexed lookup), plus a
    short prefix so the establishment can tell its buttons apart.
    """

    establishment = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="room_buttons",
        verbose_name=_("establishment"),
    )
    room_label = models.CharField(_("room"), max_length=100)
    device_key_hash = models.CharField(max_length=64, unique=True)
    device_key_prefix = models.CharField(_("key starts with"), max_length=12)
    test_mode = models.BooleanField(
        _("test mode"),
        default=False,
        help_text=_("Presses raise test alarms: marked as tests and counted apart."),
    )
    created_at = models.DateTimeField(_("created at"))
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("room button")
        verbose_name_plural = _("room buttons")
        ordering = ["establishment", "room_label"]

    def __str__(self) -> str:
        return f"{self.room_label} ({self.establishment})"

    def is_active(self) -> bool:
        return self.revoked_at is None


class CheckInStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    EXPIRED = "expired", _("Expired: alarm raised")
    CANCELLED = "cancelled", _("Cancelled")


class CheckIn(models.Model):
    """A timer a sex worker starts before a meeting; if she does not say "done" in time
    (plus the grace period), an alarm is raised for her."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("sex worker"),
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    grace_seconds = models.PositiveIntegerField(_("grace in seconds"), default=120)
    status = models.CharField(
        _("status"), max_length=16, choices=CheckInStatus.choices, default=CheckInStatus.RUNNING
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    # The worker used her duress PIN to say "done": it looks done to her.
    concealed_from_owner = models.BooleanField(_("hidden from the sex worker"), default=False)
    # She said "I'm safe" after the timer ran out and her circle was told.
    safe_at = models.DateTimeField(_("said safe at"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-started_at"]
        indexes = [
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(status=CheckInStatus.RUNNING),
                name="alarms_checkin_running",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in #{self.pk} of {self.owner}"

    def expires_at(self) -> datetime:
        """Return when the alarm is raised: the due time plus the grace period."""
        return self.due_at + timedelta(seconds=self.grace_seconds)

    def is_running(self) -> bool:
        return self.status == CheckInStatus.RUNNING
