"""The moderation queue of reports held by the anti-targeting guard, and photo review."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umbrella.reports import routing
from umbrella.reports.actions.common import bodies_of, public_data_changed
from umbrella.reports.actions.errors import NON_FIELD, ReportInvalid
from umbrella.reports.actions.notifying import queue_notifications
from umbrella.reports.models import (
    CloseReason,
    ModerationStatus,
    NotificationEvent,
    Report,
    ReportPhoto,
    ReportRecipient,
    ReportStatus,
    ReportUpdate,
    UpdateKind,
)


def may_moderate(user) -> bool:
    """Answer whether ``user`` moderates held reports (staff of a mediating body, or an admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(body.mediates for body in bodies_of(user))


def _held(report: Report, by) -> Report:
    if not may_moderate(by):
        raise ReportInvalid.one(NON_FIELD, _("Only moderators can do this."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.moderation_status != ModerationStatus.PENDING:
        raise ReportInvalid.one(NON_FIELD, _("This report is no longer waiting for moderation."))
    return report


def release_from_moderation(
    report: Report, *, by, route_to_police: bool = False, now: datetime | None = None
) -> Report:
    """Release a held report: route it normally, never to the police unless the moderator says so.

    The mediating bodies keep it; the bodies of its category's routing receive
    it and are notified; it becomes public (unless confidential) and open.
    """
    now = now or timezone.now()
    with transaction.atomic():
        report = _held(report, by)
        found = routing.route(
            report.category,
            nis_code=report.municipality.nis_code if report.municipality else None,
            zone_code=report.police_zone.code if report.police_zone else None,
            wants_police=report.wants_police,
            wants_victim_support=report.wants_victim_support,
            exclude_police=not route_to_police,
        )
        known = set(report.deliveries_to.values_list("body_id", flat=True))
        new_bodies = [body for body, _ in found.recipients if body.pk not in known]
        ReportRecipient.objects.bulk_create(
            ReportRecipient(report=report, body=body, reason=reason, created_at=now)
            for body, reason in found.recipients
            if body.pk not in known
        )
        from_status = report.status
        report.moderation_status = ModerationStatus.RELEASED
        report.is_public = not report.confidential
        if found.lead is not None:
            report.body = found.lead
        if report.status == ReportStatus.SUBMITTED:
            report.status = ReportStatus.OPEN
            report.status_changed_at = now
        report.updated_at = now
        report.save()
        ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.MODERATION,
            author=by,
            public=False,
            from_status=from_status,
            to_status=report.status if report.status != from_status else "",
            created_at=now,
        )
        queue_notifications(report, new_bodies, NotificationEvent.NEW_REPORT, now=now)
        public_data_changed()
    return report


def dismiss_from_moderation(
    report: Report, *, by, text: str = "", now: datetime | None = None
) -> Report:
    """Close a held report without routing it (it was about people's presence only)."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _held(report, by)
        from_status = report.status
        report.moderation_status = ModerationStatus.DISMISSED
        report.is_public = False
        report.status = ReportStatus.CLOSED
        report.close_reason = CloseReason.NO_FURTHER_ACTION
        report.closed_at = now
        report.status_changed_at = now
        report.updated_at = now
        report.fixed_question_due_at = None
        report.save()
        ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.MODERATION,
            author=by,
            text=(text or "").strip()[:5000],
            public=False,
            from_status=from_status,
            to_status=ReportStatus.CLOSED,
            close_reason=CloseReason.NO_FURTHER_ACTION,
            created_at=now,
        )
        public_data_changed()
    return report


@transaction.atomic
def review_photo(photo: ReportPhoto, *, by, shows_nobody: bool, now: datetime | None = None):
    """Record a staff member's check of a photo: published only if it shows nobody."""
    now = now or timezone.now()
    ReportPhoto.objects.filter(pk=photo.pk).update(
        public=bool(shows_nobody), reviewed_by=by, reviewed_at=now
    )
    public_data_changed()
    photo.refresh_from_db()
    return photo
