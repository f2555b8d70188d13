"""Idempotency keys: a press sent again (the app's offline queue) is one alarm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyScope(models.TextChoices):
    ALARM = "alarm", _("Alarm")
    CHECKIN = "checkin", _("Check-in")


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` a person sent with a request that created something.

    Only the key's SHA-256 digest is kept, scoped to its owner: the same key
    from someone else is another key. Kept 24 hours, then purged.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=IdempotencyScope.choices)
    key_hash = models.CharField(_("key digest"), max_length=64)
    alarm = models.ForeignKey(
        "alarms.Alarm",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alarm"),
    )
    checkin = models.ForeignKey(
        "alarms.CheckIn",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("check-in"),
    )
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            # Two requests racing with the same key: the second insert waits
            # for the first to commit, then fails, and answers the first one.
            models.UniqueConstraint(
                fields=["owner", "scope", "key_hash"], name="alarms_idempotency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} key of {self.owner_id} ({self.created_at:%Y-%m-%d %H:%M})"
