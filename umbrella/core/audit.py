"""The audit log: every read of sensitive data leaves one row."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from umbrella.core.models import AuditAction, AuditEntry


@transaction.atomic
def record_read(actor, obj: models.Model, reason: str, now: datetime | None = None) -> AuditEntry:
    """Record that ``actor`` read the details of ``obj`` for ``reason``."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.READ,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        at=now or timezone.now(),
        detail=reason[:500],
    )


def reads_of(obj: models.Model):
    """Return the audit entries for reads of ``obj``, oldest first."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("at")
