"""Read-only questions about training: progress, certificates, coverage.

Other apps ask these (the directory label asks ``certified_share``); ``now``
is computed by the caller and passed in, so the figures are testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from umbrella.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind
from umbrella.training.courses.models import (
    STIGMA_COURSE_SLUG,
    Attempt,
    Certificate,
    Cohort,
    CohortMember,
    Course,
    Module,
)


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
    return cleaned.translate(str.maketrans("ILO", "110"))[:32]


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


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    passed: bool
    best_score: int | None
    attempts: int


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    modules: list[ModuleProgress]
    certificate: Certificate | None
    refresher_due: bool

    @property
    def passed_count(self) -> int:
        return sum(m.passed for m in self.modules)

    @property
    def complete(self) -> bool:
        return bool(self.modules) and self.passed_count == len(self.modules)


def course_progress(user, course: Course, at: datetime) -> CourseProgress:
    """Return the person's progress through ``course`` at ``at``.

    A module counts as passed when a quiz was passed in the current completion
    window (after the refresher became due, for a holder who must refresh).
    """
    modules = list(course_modules(course))
    certificate = current_certificate(user, course, at) if user.is_authenticated else None
    refresher_due = certificate is not None and certificate.is_refresher_due_at(at)
    since = certificate.refresher_due_at if certificate is not None and refresher_due else None
    passed = passed_module_ids(user, course, since)
    stats: dict[int, tuple[int, int | None]] = {}
    if user.is_authenticated:
        for module_id, score in Attempt.objects.filter(
            user=user, module__course=course, finished_at__isnull=False
        ).values_list("module_id", "score"):
            count, best = stats.get(module_id, (0, None))
            stats[module_id] = (count + 1, score if best is None else max(best, score or 0))
    return CourseProgress(
        course=course,
        modules=[
            ModuleProgress(
                module=m,
                passed=m.pk in passed,
                best_score=stats.get(m.pk, (0, None))[1],
                attempts=stats.get(m.pk, (0, None))[0],
            )
            for m in modules
        ],
        certificate=certificate,
        refresher_due=refresher_due,
    )


def courses_for_learners() -> QuerySet[Course]:
    """Return the courses with at least one module, for the course list and the API."""
    return Course.objects.filter(modules__retired=False).distinct().order_by("slug")


def user_certificates(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course").order_by("-issued_at")


def open_attempt(user, module: Module) -> Attempt | None:
    """Return the person's unfinished attempt at the module's quiz, if any."""
    return (
        Attempt.objects.filter(user=user, module=module, finished_at__isnull=True)
        .order_by("-started_at")
        .first()
    )


# --- Cohorts and enrolment ------------------------------------------------------


@dataclass(frozen=True)
class MemberStatus:
    """Where a cohort member stands: done (a valid certificate), overdue, or still to do."""

    user: object
    certificate: Certificate | None
    passed_modules: int
    overdue: bool


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    certified: bool
    overdue: bool


def is_overdue(cohort: Cohort, certified: bool, at: datetime) -> bool:
    """A member is overdue once the deadline's day has passed without a valid certificate."""
    return not certified and timezone.localdate(at) > cohort.deadline


def user_cohorts(user, at: datetime) -> list[CohortRow]:
    rows = []
    for membership in (
        CohortMember.objects.filter(user=user)
        .select_related("cohort__organisation", "cohort__course")
        .order_by("cohort__deadline")
    ):
        cohort = membership.cohort
        certified = current_certificate(user, cohort.course, at) is not None
        rows.append(CohortRow(cohort, certified, is_overdue(cohort, certified, at)))
    return rows


def managed_organisations(user) -> QuerySet[Organisation]:
    """Return the organisations where the person is a manager (the training admin)."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.MANAGER
    ).order_by("name")


def is_manager(user, organisation: Organisation) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(
            user=user, organisation=organisation, role=MembershipRole.MANAGER
        ).exists()
    )


def cohort_members(cohort: Cohort, at: datetime) -> list[MemberStatus]:
    modules = set(course_modules(cohort.course).values_list("pk", flat=True))
    rows = []
    for member in cohort.members.select_related("user").order_by("user__username"):
        certificate = current_certificate(member.user, cohort.course, at)
        passed = len(modules & passed_module_ids(member.user, cohort.course))
        rows.append(
            MemberStatus(
                user=member.user,
                certificate=certificate,
                passed_modules=passed,
                overdue=is_overdue(cohort, certificate is not None, at),
            )
        )
    return rows


# --- Coverage per organisation, municipality and region -------------------------

EXPIRING_DAYS = 60
# The public coverage page shows no figure about fewer staff than this: "0 of 1"
# would tell anyone whether one named person at a small service is trained.
MIN_STAFF_SHOWN = 5


def is_small(staff: int) -> bool:
    """Answer whether a count of staff is too small to publish figures about (1 to 4)."""
    return 0 < staff < MIN_STAFF_SHOWN


@dataclass(frozen=True)
class Coverage:
    """Staff, how many hold a valid certificate, how many of those expire soon."""

    staff: int
    certified: int
    expiring: int

    @property
    def percent(self) -> float | None:
        return None if self.staff == 0 else round(100.0 * self.certified / self.staff, 1)

    @property
    def shown(self) -> bool:
        """Whether the public page may show this organisation's figures (5 staff or more)."""
        return self.staff >= MIN_STAFF_SHOWN

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.staff + other.staff,
            self.certified + other.certified,
            self.expiring + other.expiring,
        )


EMPTY = Coverage(0, 0, 0)


def small_staff(parts) -> int:
    """Return the staff of the parts whose figures are withheld (1 to 4 staff each)."""
    return sum(c.staff for c in parts if is_small(c.staff))


def total_is_shown(total: Coverage, withheld: int) -> bool:
    """Answer whether a total may be published next to the parts that are shown.

    The total minus the parts shown gives the withheld parts together: the total
    is published only when those number 0 or at least ``MIN_STAFF_SHOWN`` staff.
    """
    return total.staff >= MIN_STAFF_SHOWN and not is_small(withheld)


def organisation_coverage(organisation: Organisation, at: datetime) -> Coverage:
    """Return the organisation's coverage at ``at`` for the stigma course.

    ``expiring``: members whose valid certificates all lapse within 60 days
    (someone who already renewed is not counted).
    """
    share = certified_share(organisation, at)
    course = stigma_course()
    if course is None or share.certified == 0:
        return Coverage(share.staff, share.certified, 0)
    members = staff_memberships(organisation).values("user_id")
    horizon = at + timedelta(days=EXPIRING_DAYS)
    valid = valid_certificates(at, course).filter(user_id__in=members)
    lasting = valid.filter(valid_until__gt=horizon).values("user_id")
    expiring = valid.exclude(user_id__in=lasting).values("user_id").distinct().count()
    return Coverage(share.staff, share.certified, expiring)


def public_services() -> QuerySet[Organisation]:
    """Return the OCMW/CPAS, Actiris and other public services (with or without a municipality)."""
    return Organisation.objects.filter(kind=OrganisationKind.PUBLIC_SERVICE)


@dataclass(frozen=True)
class MunicipalityCoverage:
    nis_code: str
    name: str
    organisations: list[tuple[Organisation, Coverage]]
    total: Coverage

    @property
    def withheld(self) -> int:
        """Staff of this municipality's organisations whose figures are withheld."""
        return small_staff(c for _o, c in self.organisations)

    @property
    def total_shown(self) -> bool:
        return total_is_shown(self.total, self.withheld)


def municipality_coverage(at: datetime) -> list[MunicipalityCoverage]:
    """Return, per municipality (NIS code), each public service's coverage and the total."""
    from umbrella.areas.models import Municipality

    local = public_services().exclude(nis_code="")
    names = {
        m.nis_code: m.name
        for m in Municipality.objects.only("nis_code", "name_nl", "name_fr").filter(
            nis_code__in=local.values("nis_code")
        )
    }
    by_code: dict[str, list[tuple[Organisation, Coverage]]] = {}
    for organisation in local.order_by("nis_code", "name"):
        by_code.setdefault(organisation.nis_code, []).append(
            (organisation, organisation_coverage(organisation, at))
        )
    return [
        MunicipalityCoverage(
            nis_code=code,
            name=names.get(code, code),
            organisations=organisations,
            total=sum((c for _o, c in organisations), EMPTY),
        )
        for code, organisations in sorted(by_code.items())
    ]


def regional_coverage(at: datetime) -> list[tuple[Organisation, Coverage]]:
    """Return the coverage of the public services of the whole region (no municipality),
    such as Actiris."""
    return [
        (organisation, organisation_coverage(organisation, at))
        for organisation in public_services().filter(nis_code="").order_by("name")
    ]


def region_coverage(at: datetime) -> Coverage:
    """Return the coverage of every public service of the region together."""
    return sum(
        (organisation_coverage(o, at) for o in public_services()),
        EMPTY,
    )


def region_withheld(
    municipalities: list[MunicipalityCoverage], regional: list[tuple[Organisation, Coverage]]
) -> int:
    """Return the staff that the region's total would reveal once the figures shown are
    subtracted: the withheld organisations of municipalities whose total is withheld too,
    and the withheld regional services."""
    hidden = sum(row.withheld for row in municipalities if not row.total_shown)
    return hidden + small_staff(c for _o, c in regional)


def ocmw_cpas() -> QuerySet[Organisation]:
    """Return the OCMW/CPAS among the public services.

    Organisations have no sub-kind: an OCMW/CPAS is a public service with a
    municipality whose name says OCMW or CPAS (as every one of the 19 does).
    """
    return (
        public_services()
        .exclude(nis_code="")
        .filter(Q(name__icontains="OCMW") | Q(name__icontains="CPAS"))
    )
