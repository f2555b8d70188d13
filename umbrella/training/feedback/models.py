"""Sex workers' anonymous feedback on how a directory service treated them.

A row holds the three answers, an optional free text (encrypted, moderated
before anyone reads it), the service and the **week** of the visit, nothing
else: no account, no address, no browser, no time of day. A visit date to
the minute plus a service can identify a person (the staff on duty remember
who came at 14:05), so the row keeps only the Monday of the ISO week
(Brussels time), and the primary key is a random UUID so that not even the
order of the rows tells when within the week an answer came.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedTextField

__all__ = ["Respect", "ServiceFeedback", "TextStatus", "YesNo"]

# The longest free text accepted (characters).
TEXT_MAX_LENGTH = 2000


class Respect(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class TextStatus(models.TextChoices):
    """Where the free text stands; a rejected text is erased, only its status stays."""

    NONE = "none", _("No free text")
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ServiceFeedback(models.Model):
    """One anonymous answer about one directory service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.CASCADE,
        related_name="training_feedback",
        verbose_name=_("service"),
    )
    # The Monday of the visit's ISO week in Brussels time; never a finer time.
    week_of = models.DateField(_("week of"))
    respect = models.CharField(_("treated with respect"), max_length=8, choices=Respect.choices)
    real_name = models.CharField(
        _("had to give the real name"), max_length=8, choices=YesNo.choices
    )
    refused = models.CharField(_("was refused"), max_length=8, choices=YesNo.choices)
    text = EncryptedTextField(_("free text"), blank=True)
    text_status = models.CharField(
        _("free text status"), max_length=16, choices=TextStatus.choices, default=TextStatus.NONE
    )

    class Meta:
        verbose_name = _("service feedback")
        verbose_name_plural = _("service feedback")
        ordering = ["-week_of", "id"]
        permissions = [("moderate_feedback", _("Can moderate the free texts of service feedback"))]
        indexes = [
            # Aggregates and the label: "answers about these services in these weeks".
            models.Index(fields=["service", "week_of"], name="training_feedback_service"),
            # The moderation queue: "texts waiting for a moderator".
            models.Index(fields=["text_status"], name="training_feedback_status"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} · {self.week_of:%G-W%V}"
