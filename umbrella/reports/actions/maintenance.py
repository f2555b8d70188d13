"""The worker's steps: the "is it fixed?" question, and erasing what is no longer needed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from umbrella.core.models import AuditEntry
from umbrella.reports.actions.common import new_code
from umbrella.reports.actions.updates import ASKABLE
from umbrella.reports.models import BodyNotification, Report, ReportStatus
from umbrella.reports.models.notifications import NotificationStatus

logger = logging.getLogger(__name__)

# Precise points are kept this long after a report is fixed or closed (the
# body may need to find the place again when it is reopened), and at most
# PRECISE_MAX_DAYS after submission whatever its status.
PRECISE_AFTER_CLOSE_DAYS = 30
PRECISE_MAX_DAYS = 180


def follow_up_url(code: str, language: str) -> str:
    """Return the absolute follow-up URL for ``code`` in ``language``."""
    base = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        try:
            path = reverse("reports:follow_up", kwargs={"code": code})
        except NoReverseMatch:
            path = f"/{language}/reports/follow-up/{code}/"
    return base + path


def ask_fixed_question(report_id: int, now: datetime) -> bool:
    """Ask one report's reporter "is it fixed?" if due; answer whether it was asked.

    With an e-mail address, the reporter gets an e-mail with a link carrying a
    fresh question code (the follow-up code is kept only as a digest). Without
    one, the follow-up page shows the question (``queries.fixed_question_due``).
    """
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(
                pk=report_id,
                fixed_question_asked_at__isnull=True,
                fixed_question_due_at__lte=now,
                status__in=ASKABLE,
            )
            .first()
        )
        if report is None:
            return False
        code = None
        if report.email:
            code, report.question_code_hash = new_code()
        report.fixed_question_asked_at = now
        report.save(update_fields=["fixed_question_asked_at", "question_code_hash"])
        email, language = report.email, report.language
    if code and email:
        with translation.override(language):
            subject = gettext("Is the problem you reported fixed?")
            body = gettext(
                "Four weeks ago you reported a problem in Brussels (report %(number)s). "
                "Is it fixed now? Answer, or reopen it, here:\n\n%(url)s\n\n"
                "You receive this e-mail because you gave your address with the report. "
                "No one else sees it."
            ) % {"number": report.pk, "url": follow_up_url(code, language)}
        try:
            send_mail(subject, body, None, [email])
        except Exception:
            logger.exception("reports: could not e-mail the 'is it fixed?' question")
    return True


def due_questions(now: datetime, limit: int = 50) -> list[int]:
    """Return the ids of reports whose "is it fixed?" question is due."""
    return list(
        Report.objects.filter(
            fixed_question_due_at__lte=now,
            fixed_question_asked_at__isnull=True,
            status__in=ASKABLE,
        )
        .order_by("fixed_question_due_at")
        .values_list("id", flat=True)[:limit]
    )


def _area_only(report: Report) -> tuple[float, float]:
    """Return the point a confidential report keeps: its municipality's centroid.

    Less than the neighbourhood, which stays as a code: a 50 m point of a
    trafficking signal could betray the house. Without a municipality (outside
    the region) the rounded point is all there is, and it stays.
    """
    m = report.municipality
    if m is None:
        return report.public_lat, report.public_lon
    return m.centroid_lat, m.centroid_lon


def _received() -> Q:
    """Match reports a body has: a notification delivered, or a staff read audited."""
    delivered = BodyNotification.objects.filter(
        report=OuterRef("pk"), status=NotificationStatus.SENT
    )
    opened = AuditEntry.objects.filter(
        object_type=Report._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        actor__isnull=False,
    )
    return Q(Exists(delivered)) | Q(Exists(opened))


@transaction.atomic
def coarsen_received_confidential(now: datetime, limit: int = 200) -> int:
    """Keep only the area of confidential reports once their body has them; return how many.

    "Has them": a notification to a receiving body was delivered, or a staff
    member opened the report (an audited read). Then the precise point and the
    rounded 50 m point go: the report keeps its neighbourhood, police zone and
    municipality, and the municipality's centroid as its point.
    """
    rows = list(
        Report.objects.filter(confidential=True, precise_erased_at__isnull=True)
        .filter(_received())
        .select_related("municipality")
        .order_by("pk")[:limit]
    )
    for report in rows:
        report.public_lat, report.public_lon = _area_only(report)
        report.precise_lat = report.precise_lon = None
        report.precise_erased_at = now
        report.save(
            update_fields=[
                "public_lat",
                "public_lon",
                "precise_lat",
                "precise_lon",
                "precise_erased_at",
            ]
        )
    return len(rows)


def _past_retention(now: datetime) -> Q:
    after_close = now - timedelta(days=PRECISE_AFTER_CLOSE_DAYS)
    return (
        Q(created_at__lte=now - timedelta(days=PRECISE_MAX_DAYS))
        | Q(status=ReportStatus.FIXED, fixed_at__lte=after_close)
        | Q(status=ReportStatus.CLOSED, closed_at__lte=after_close)
    )


@transaction.atomic
def erase_confidential_areas(now: datetime, limit: int = 200) -> int:
    """Erase the neighbourhood of confidential reports past their retention; return how many.

    The municipality and police zone stay for the figures; the point is the
    municipality's centroid.
    """
    rows = list(
        Report.objects.filter(confidential=True, neighbourhood__isnull=False)
        .filter(_past_retention(now))
        .select_related("municipality")
        .order_by("pk")[:limit]
    )
    for report in rows:
        report.public_lat, report.public_lon = _area_only(report)
        report.neighbourhood = None
        report.save(update_fields=["public_lat", "public_lon", "neighbourhood"])
    return len(rows)


@transaction.atomic
def erase_expired(now: datetime, limit: int = 200) -> int:
    """Erase precise points and e-mail addresses past their retention; return how many reports.

    Kept: the public point (rounded to about 50 m), category, status, dates
    and the text. Erased: the precise point and the reporter's e-mail, 30
    days after the report was fixed or closed, and 180 days after
    submission at the latest.
    """
    ids = list(
        Report.objects.filter(precise_erased_at__isnull=True)
        .filter(_past_retention(now))
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    return Report.objects.filter(id__in=ids).update(
        precise_lat=None, precise_lon=None, email="", precise_erased_at=now
    )
