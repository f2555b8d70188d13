"""Events (the stream's persisted log), push subscriptions, contact points and deliveries.

notify knows nothing of the alarms app's models: an event carries the alarm's
id as a plain integer and its JSON payload, so either app can change its
tables without a migration in the other.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedTextField
from umbrella.core.outbox import Backoff, Outbox
from umbrella.notify import conf


class EventType(models.TextChoices):
    RAISED = "alarm.raised", _("Alarm raised")
    ESCALATED = "alarm.escalated", _("Alarm escalated")
    ACKNOWLEDGED = "alarm.acknowledged", _("Alarm acknowledged")
    RESOLVED = "alarm.resolved", _("Alarm resolved")
    CANCELLED = "alarm.cancelled", _("Alarm cancelled")
    # Her own check-in's due time came: a push to her phone, no alarm (yet).
    CHECKIN_REMINDER = "checkin.reminder", _("Check-in reminder")


class Event(models.Model):
    """One event of the live stream; its id is the SSE ``id:`` a client replays from."""

    # BigAutoField: the id is the public, monotonic stream position. Commit
    # order equals id order because publish() serialises inserts (see
    # actions._serialise_event_ids), so "id > N" never skips a late commit.
    id = models.BigAutoField(primary_key=True)
    event_type = models.CharField(_("type"), max_length=32, choices=EventType.choices)
    # A plain integer, not a foreign key: alarms depends on notify, not the reverse.
    # Empty for a check-in reminder, which is about no alarm.
    alarm_id = models.BigIntegerField(_("alarm"), db_index=True, null=True, blank=True)
    # Null for a room button's alarm (no account) and for a duress alarm
    # hidden from its owner (her stream may be watched by the person she fears).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alarm owner"),
    )
    tier = models.PositiveSmallIntegerField(_("tier"))
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            # Replay for the owner: "events of owner U with id > N ORDER BY id".
            models.Index(fields=["owner", "id"], name="notify_event_owner_id"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.event_type} alarm {self.alarm_id}"


class EventRecipient(models.Model):
    """A person allowed to receive an event on the stream."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("event recipient")
        verbose_name_plural = _("event recipients")
        constraints = [
            # (user, event) in this order: its index serves the replay query
            # "events for recipient U with event_id > N ORDER BY event_id".
            models.UniqueConstraint(fields=["user", "event"], name="notify_recipient_user_event"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.event_id}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (one per browser, owned by its last signed-in user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("person"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=2000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("auth secret"), max_length=100)
    # The language of the page that subscribed: push texts are written in it.
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"

    def subscription_info(self) -> dict:
        """Return the dictionary pywebpush expects."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class ContactKind(models.TextChoices):
    SMS = "sms", _("Text message")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("E-mail")


class ContactPoint(models.Model):
    """A phone number or e-mail address where a responder wants to be alerted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_points",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    # Encrypted at rest: a responder's phone number or address is personal data.
    value = EncryptedTextField(_("number or address"))
    language = models.CharField(_("language"), max_length=8, default="en")
    # Only verified points receive alarms: a mistyped number must not get
    # someone else's alarm texts. The code is stored hashed.
    verified = models.BooleanField(_("verified"), default=False)
    verification_hash = models.CharField(max_length=128, blank=True, editable=False)
    verification_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class CodeSent(models.Model):
    """One verification message sent to a number or address, counted against the limits.

    Kept apart from the contact point, so removing a point and adding it again
    does not reset the count. Only a keyed digest of the target is stored.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person"),
    )
    target_digest = models.CharField(_("target digest"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        verbose_name = _("verification message sent")
        verbose_name_plural = _("verification messages sent")

    def __str__(self) -> str:
        return f"{self.kind} code at {self.sent_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    WEBPUSH = "webpush", _("Web Push")
    SMS = "sms", _("Text message")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Handed to a console provider (a local install): written to the log, not sent.
    CONSOLE = "console", _("Not sent (console)")
    FAILED = "failed", _("Failed")
    # Not sent: the alarm was acknowledged, resolved or cancelled first.
    SUPERSEDED = "superseded", _("No longer needed")


class Delivery(models.Model):
    """One attempt to deliver an event to one recipient on one channel.

    A failed attempt stays as it is; the retry is a new row with
    ``attempt + 1``, so the history of every attempt is kept. An attempt
    still queued when its alarm is taken (acknowledged, resolved, cancelled)
    becomes ``superseded`` and is never sent.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Where to: SET_NULL so that removing a dead subscription keeps the history.
    push_subscription = models.ForeignKey(
        PushSubscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("due"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # DELIVERIES.claim: "status = queued AND next_attempt_at <= now
            # ORDER BY next_attempt_at".
            models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due"),
            # DELIVERIES.expire: "status = sending AND lease_until < now".
            models.Index(fields=["status", "lease_until"], name="notify_delivery_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.attempt} → {self.recipient_id}: {self.status}"


# The alarm path's outbox (core/outbox.py): a claim marks the row ``sending`` by one
# worker until ``lease_until``; its outcome counts only while that worker holds it,
# and the row of a worker that died is taken back once (``actions.expire_leases``).
# A retry is a new row with ``attempt + 1`` (``actions.record_failure``).
DELIVERIES = Outbox(
    "notify.deliveries",
    "notify.Delivery",
    waiting={"status": DeliveryStatus.QUEUED},
    due="next_attempt_at",
    held={"status": DeliveryStatus.SENDING},
    lease_until="lease_until",
    owner="claimed_by",
    lease=lambda: timedelta(seconds=conf.lease_seconds()),
    backoff=Backoff(
        base=lambda: timedelta(seconds=conf.retry_base_seconds()), attempts=conf.max_attempts
    ),
    related=("event", "push_subscription", "contact_point", "recipient"),
    wake="deliveries",
)
