"""State changes of service feedback: a sex worker's answer, moderation, the directory label."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from umbrella.core.audit import record_read
from umbrella.training.feedback.models import ServiceFeedback, TextStatus
from umbrella.training.feedback.queries import label_decisions, published_weeks, week_of


@transaction.atomic
def submit_feedback(
    service, *, respect: str, real_name: str, refused: str, text: str, now: datetime
) -> ServiceFeedback:
    """Record one anonymous answer about ``service``: the answers and the week, nothing else.

    The caller passes no request, no user and no address on purpose: none of
    them can end up in the row.
    """
    text = (text or "").strip()
    return ServiceFeedback.objects.create(
        service=service,
        week_of=week_of(now),
        respect=respect,
        real_name=real_name,
        refused=refused,
        text=text,
        text_status=TextStatus.PENDING if text else TextStatus.NONE,
    )


@transaction.atomic
def approve_text(feedback: ServiceFeedback, moderator) -> bool:
    """Let the service's organisation read the free text; False if it was not pending."""
    return (
        ServiceFeedback.objects.filter(pk=feedback.pk, text_status=TextStatus.PENDING).update(
            text_status=TextStatus.APPROVED
        )
        == 1
    )


@transaction.atomic
def reject_text(feedback: ServiceFeedback, moderator) -> bool:
    """Erase the free text (the answers stay); False if it was not pending."""
    return (
        ServiceFeedback.objects.filter(pk=feedback.pk, text_status=TextStatus.PENDING).update(
            text_status=TextStatus.REJECTED, text=""
        )
        == 1
    )


@transaction.atomic
def read_texts(actor, feedbacks, reason: str, now: datetime | None = None) -> None:
    """Record in the audit log that ``actor`` is shown these free texts."""
    now = now or timezone.now()
    for feedback in feedbacks:
        if feedback.text:
            record_read(actor, feedback, reason, now=now)


@transaction.atomic
def refresh_directory_labels(now: datetime, services=None) -> list[int]:
    """Set or clear the directory's "trained for a non-stigmatising approach" on every
    service whose label rule answer changed; return the ids of the services changed.

    Saved through the directory's own ``save_entry``: the change is logged and the
    directory's revision bumped, so pages, ``GET /api/v1/places`` and the exports agree.
    """
    from umbrella.directory.actions import save_entry
    from umbrella.directory.models import Service

    wanted = {
        d.service_id: d.labelled for d in label_decisions(now, services) if d.labelled != d.shown
    }
    changed = []
    # Locked and compared again: a concurrent refresh may have set it meanwhile.
    for service in Service.objects.filter(pk__in=list(wanted)).select_for_update().order_by("pk"):
        labelled = wanted[service.pk]
        if service.trained_non_stigmatising == labelled:
            continue
        service.trained_non_stigmatising = labelled
        service.trained_on = timezone.localdate(now) if labelled else None
        save_entry(service, now=now)
        changed.append(service.pk)
    return changed


@transaction.atomic
def forget_old_feedback(now: datetime) -> int:
    """Delete the answers (and texts) no figure counts any more; return how many.

    An answer leaves the 52-week window for good, so it is kept no longer.
    """
    first, _last = published_weeks(now)
    deleted, _per_model = ServiceFeedback.objects.filter(week_of__lt=first).delete()
    return deleted
