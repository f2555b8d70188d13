"""Read-only questions about training: progress, certificates, coverage.

Other apps ask these (the directory label asks ``certified_share``); ``now``
is computed by the caller and passed in, so the figures are testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from umbrella.accounts.models import Membership, Organisation
from umbrella.training.models import Attempt, Certificate, Course, Module
from umbrella.training.models.courses import STIGMA_COURSE_SLUG


@dataclass(frozen=True)
class Share:
    """``certified`` of ``staff`` members hold a valid certificate."""

    certified: int
    staff: int

    @property
    def percent(self) -> float | None:
        return None if self.staff == 0 else 100.0 * self.certified / self.staff


# --- Certificates -------------------------------------------------------------


def valid_certificates(at: datetime, course: Course | None = None) -> QuerySet[Certificate]:
    """Return certificates valid at ``at``: issued, not yet lapsed, not revoked."""
    qs = Certificate.objects.filter(issued_at__lte=at, valid_until__gt=at).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=at)
    )
    if course is not None:
        qs = qs.filter(course=course)
    return qs


def stigma_course() -> Course | None:
    return Course.objects.filter(slug=STIGMA_COURSE_SLUG).first()


def certificate_by_code(code: str) -> Certificate | None:
    """Return the certificate with this code (as printed: any case, spaces or dashes)."""
    normalised = normalise_code(code)
    if not normalised:
        return None
    return Certificate.objects.select_related("course").filter(code=normalised).first()


def normalise_code(code: str) -> str:
    """Return the stored form of a certificate code typed or scanned by a person."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    # Crockford base32 reads I and L as 1, O as 0.
    return cleaned.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))[:32]


def current_certificate(user, course: Course, at: datetime) -> Certificate | None:
    """Return the person's certificate of ``course`` valid at ``at`` lasting longest."""
    return valid_certificates(at, course).filter(user=user).order_by("-valid_until").first()


# --- Coverage -----------------------------------------------------------------


def staff_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """Return the organisation's active memberships (the member's account is active)."""
    return Membership.objects.filter(organisation=organisation, user__is_active=True)


def certified_share(organisation: Organisation, at: datetime | None = None) -> Share:
    """Return how many of the organisation's active members hold a certificate of
    the stigma course that is valid (not expired, not revoked) at ``at`` (default now)."""
    at = at or timezone.now()
    members = staff_memberships(organisation).values("user_id")
    staff = members.count()
    course = stigma_course()
    if course is None or staff == 0:
        return Share(certified=0, staff=staff)
    certified = (
        valid_certificates(at, course)
        .filter(user_id__in=members)
        .values("user_id")
        .distinct()
        .count()
    )
    return Share(certified=certified, staff=staff)


# --- Progress -----------------------------------------------------------------


def course_modules(course: Course) -> QuerySet[Module]:
    return course.modules.filter(retired=False).order_by("position")


def passed_module_ids(user, course: Course, since: datetime | None = None) -> set[int]:
    """Return the ids of the course's modules whose quiz the person passed (since ``since``)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    qs = Attempt.objects.filter(user=user, module__course=course, passed=True)
    if since is not None:
        qs = qs.filter(finished_at__gte=since)
    return set(qs.values_list("module_id", flat=True))


def completion_window_start(user, course: Course, at: datetime) -> datetime | None:
    """Return since when passed quizzes count towards a (new) certificate.

    Without a certificate, every passed quiz counts. A holder whose refresher is
    due takes the quizzes again: only attempts since the refresher became due
    count towards the next certificate.
    """
    cert = current_certificate(user, course, at)
    if cert is None:
        return None
    return cert.refresher_due_at


def is_course_complete(user, course: Course, since: datetime | None = None) -> bool:
    """Answer whether every module (not retired) has a passed quiz (since ``since``)."""
    module_ids = set(course_modules(course).values_list("pk", flat=True))
    return bool(module_ids) and module_ids <= passed_module_ids(user, course, since)


def expiring_within(at: datetime, days: int = 60) -> QuerySet[Certificate]:
    return valid_certificates(at).filter(valid_until__lte=at + timedelta(days=days))
