"""Who is told of a recommendation's changes: followers, e-mail followers, notices.

A signed-in person follows a recommendation (``Follower``); the public asks
for e-mails with a double opt-in (``EmailFollower``). Each change of a
followed recommendation is a ``Notice`` per follower: an e-mail the worker
sends (with retries), or a line on the person's "followed recommendations"
page when she has no address.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from umbrella.consultation.tracker.models import Recommendation, RecommendationChange
from umbrella.core.crypto import EncryptedTextField
from umbrella.core.outbox import Backoff, Outbox

__all__ = [
    "EmailFollower",
    "Follower",
    "NOTICES",
    "Notice",
    "NoticeChannel",
    "NoticeStatus",
]


class Follower(models.Model):
    """A signed-in person who follows a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=_("recommendation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_recommendations",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("since"))
    # The language the person used when she last chose to follow (the accounts keep none):
    # her e-mail notices are written in it.
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "user"], name="consultation_follower_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.recommendation_id}"


class EmailFollower(models.Model):
    """A member of the public who asked for an e-mail on a recommendation's updates.

    The address is encrypted at rest; ``address_digest`` (a keyed hash of the
    lower-cased address) finds a second request for the same address without
    decrypting every row. Nothing is sent before the link in the confirmation
    e-mail is followed (double opt-in). The confirmation and unsubscribe links
    carry a signed token (``django.core.signing``), so no secret is stored.
    """

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="email_followers",
        verbose_name=_("recommendation"),
    )
    address = EncryptedTextField(_("e-mail address"))
    address_digest = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("asked"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail follower")
        verbose_name_plural = _("e-mail followers")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "address_digest"],
                name="consultation_emailfollower_unique",
            )
        ]

    def __str__(self) -> str:
        return f"e-mail follower {self.pk} → {self.recommendation_id}"

    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class NoticeChannel(models.TextChoices):
    SITE = "site", _("On the site")
    EMAIL = "email", _("E-mail")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    READ = "read", pgettext_lazy("notice status", "Read")


class Notice(models.Model):
    """A follower told of one change: a row per follower, sent by e-mail when one is known.

    A signed-in follower without an e-mail address reads her notices on the
    "followed recommendations" page (channel ``site``).
    """

    change = models.ForeignKey(
        RecommendationChange,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("change"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    email_follower = models.ForeignKey(
        EmailFollower,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("e-mail follower"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=NoticeChannel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    # Serves NOTICES.claim: channel = email AND status = queued AND due_at <= now.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice to a follower")
        verbose_name_plural = _("notices to followers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="queued", channel="email"),
                name="consultation_notice_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, email_follower__isnull=True)
                | Q(user__isnull=True, email_follower__isnull=False),
                name="consultation_notice_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.channel}, {self.status})"


# The outbox of e-mail notices (core/outbox.py): a claim moves the due time five
# minutes ahead and counts the attempt, so a worker that dies while sending leaves
# the notice to be taken again then; a failure is retried on the same row after
# 2, 4, 8 … minutes, 5 attempts in all (``following/notices.py``).
NOTICES = Outbox(
    "consultation.notices",
    "consultation.Notice",
    waiting={"status": NoticeStatus.QUEUED, "channel": NoticeChannel.EMAIL},
    due="due_at",
    lease=timedelta(minutes=5),
    on_claim={"attempts": F("attempts") + 1},
    backoff=Backoff(base=timedelta(minutes=2), attempts=5),
    related=("change__recommendation", "change__decision", "user", "email_follower"),
)
