"""Read-only questions about service feedback: tallies, suppressed summaries, the label rule.

Three layers, so the rules can be tested on their own:

- ``tallies(service_ids, now)``: the raw counts per service (never shown as they are);
- ``summarise(tally)``: what may be shown, with **small-count suppression**;
- ``label_rule(share, tally, anonymity_promised=…)``: the label, a pure function;
  ``label_decisions(now)`` wires it to the real inputs (T1's ``certified_share``).

Only **published** answers count: those of the 52 ISO weeks that ended before
the current one. An answer of this week is not counted until the week is
over, so staff cannot watch the figures move after a visit and tell who
answered what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from umbrella.accounts.models import Organisation
from umbrella.training.feedback.models import Respect, ServiceFeedback, TextStatus, YesNo

# Any figure based on fewer answers than this is suppressed.
MIN_ANSWERS = 5
# How many ended weeks the aggregates and the label look back on.
WINDOW_WEEKS = 52
# What the directory's admin says about the label: it is computed, not typed.
LABEL_SOURCE_HELP = gettext_lazy(
    "Set every hour by the training app: on when at least 80 per cent of the service's "
    "organisation's staff hold a valid certificate and the sex workers' feedback is good "
    "(see docs/training.md); off otherwise. It cannot be changed by hand."
)
LABEL_DATE_HELP = gettext_lazy("The day the training app last gave the service the label.")
# The label's thresholds, in percent (see label_rule and docs/training.md).
LABEL_MIN_CERTIFIED = 80
LABEL_MIN_RESPECT_YES = 80
LABEL_MAX_REFUSED = 10
LABEL_MAX_REAL_NAME = 10


def week_of(now: datetime) -> date:
    """Return the Monday of the ISO week of ``now``, in Brussels time."""
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def published_weeks(now: datetime) -> tuple[date, date]:
    """Return ``(first, last)`` Mondays of the weeks whose answers count at ``now``."""
    current = week_of(now)
    return current - timedelta(weeks=WINDOW_WEEKS), current - timedelta(weeks=1)


def published(now: datetime) -> QuerySet[ServiceFeedback]:
    first, last = published_weeks(now)
    return ServiceFeedback.objects.filter(week_of__gte=first, week_of__lte=last)


# --- Tallies ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackTally:
    """Raw counts of a service's published answers. Never shown as they are."""

    answers: int = 0
    respect_yes: int = 0
    respect_partly: int = 0
    respect_no: int = 0
    real_name_yes: int = 0
    refused_yes: int = 0


def tallies(service_ids: Iterable[int], now: datetime) -> dict[int, FeedbackTally]:
    """Return the tally of every service in ``service_ids`` (an empty tally when none)."""
    ids = list(service_ids)
    rows = (
        published(now)
        .filter(service_id__in=ids)
        .values("service_id")
        .annotate(
            answers=Count("pk"),
            respect_yes=Count("pk", filter=Q(respect=Respect.YES)),
            respect_partly=Count("pk", filter=Q(respect=Respect.PARTLY)),
            respect_no=Count("pk", filter=Q(respect=Respect.NO)),
            real_name_yes=Count("pk", filter=Q(real_name=YesNo.YES)),
            refused_yes=Count("pk", filter=Q(refused=YesNo.YES)),
        )
        .order_by()
    )
    found = {
        row["service_id"]: FeedbackTally(
            answers=row["answers"],
            respect_yes=row["respect_yes"],
            respect_partly=row["respect_partly"],
            respect_no=row["respect_no"],
            real_name_yes=row["real_name_yes"],
            refused_yes=row["refused_yes"],
        )
        for row in rows
    }
    return {pk: found.get(pk, FeedbackTally()) for pk in ids}


def tally(service_id: int, now: datetime) -> FeedbackTally:
    return tallies([service_id], now)[service_id]


# --- What may be shown: small-count suppression -------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One answer's count and share of a question, or ``None`` for both when suppressed."""

    value: str
    count: int | None
    share: float | None  # 0..1

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)


@dataclass(frozen=True)
class Breakdown:
    cells: tuple[Cell, ...]

    @property
    def suppressed(self) -> bool:
        return any(cell.count is None for cell in self.cells)

    def cell(self, value: str) -> Cell:
        return next(cell for cell in self.cells if cell.value == value)


@dataclass(frozen=True)
class FeedbackSummary:
    """What may be shown of a service's feedback: ``answers`` is ``None`` below 5."""

    answers: int | None
    respect: Breakdown
    real_name: Breakdown
    refused: Breakdown

    @property
    def enough(self) -> bool:
        return self.answers is not None


def suppress(counts: dict[str, int]) -> dict[str, int | None]:
    """Return the counts of one question that may be shown; ``None`` where suppressed.

    The total is shown beside them, so hiding a small cell is not enough: the
    hidden cells add up to total minus the shown ones. Every cell from 1 to 4
    is hidden, then the smallest shown cells join them until the hidden ones
    add up to 0 or at least ``MIN_ANSWERS``. Every figure that can be read
    or worked out from the result is then 0 or based on at least 5 answers.
    """
    total = sum(counts.values())
    if total < MIN_ANSWERS:
        return dict.fromkeys(counts)
    hidden = {value for value, count in counts.items() if 0 < count < MIN_ANSWERS}
    order = sorted(counts, key=lambda value: counts[value])  # stable: ties keep choice order
    while 0 < sum(counts[value] for value in hidden) < MIN_ANSWERS:
        hidden.add(next(value for value in order if value not in hidden))
    return {value: None if value in hidden else count for value, count in counts.items()}


def _breakdown(counts: dict[str, int], total: int) -> Breakdown:
    shown = suppress(counts)
    return Breakdown(
        tuple(
            Cell(value, count, None if count is None else count / total)
            for value, count in shown.items()
        )
    )


def summarise(tally: FeedbackTally) -> FeedbackSummary:
    """Return what may be shown of ``tally``: nothing at all below ``MIN_ANSWERS`` answers."""
    n = tally.answers
    return FeedbackSummary(
        answers=n if n >= MIN_ANSWERS else None,
        respect=_breakdown(
            {
                Respect.YES: tally.respect_yes,
                Respect.PARTLY: tally.respect_partly,
                Respect.NO: tally.respect_no,
            },
            n,
        ),
        real_name=_breakdown(
            {YesNo.YES: tally.real_name_yes, YesNo.NO: n - tally.real_name_yes}, n
        ),
        refused=_breakdown({YesNo.YES: tally.refused_yes, YesNo.NO: n - tally.refused_yes}, n),
    )


# --- The label --------------------------------------------------------------------------


def label_rule(share, tally: FeedbackTally, *, anonymity_promised: bool) -> bool:
    """Answer whether a service earns "trained for a non-stigmatising approach".

    ``share`` is T1's ``Share(certified, staff)`` of the service's organisation.
    All of these must hold (integer arithmetic: no rounding at the boundaries):

    - staff: at least one member, and at least 80 % hold a valid certificate;
    - feedback: at least 5 published answers (too few answers block the label:
      it says sex workers found the service good, which cannot be said yet);
    - at least 80 % answered "yes" to "treated with respect" ("partly" is not yes);
    - at most 10 % were refused;
    - at most 10 % had to give their real name, for a service the directory lists
      as anonymous only: elsewhere the law may require an identity (social
      integration income), so the answer is shown to the organisation but does
      not decide the label.
    """
    if share.staff <= 0 or 100 * share.certified < LABEL_MIN_CERTIFIED * share.staff:
        return False
    n = tally.answers
    if n < MIN_ANSWERS:
        return False
    if 100 * tally.respect_yes < LABEL_MIN_RESPECT_YES * n:
        return False
    if 100 * tally.refused_yes > LABEL_MAX_REFUSED * n:
        return False
    return not (anonymity_promised and 100 * tally.real_name_yes > LABEL_MAX_REAL_NAME * n)


@dataclass(frozen=True)
class LabelDecision:
    service_id: int
    labelled: bool  # what the rule says now
    shown: bool  # what the directory shows now


def label_decisions(now: datetime, services=None) -> list[LabelDecision]:
    """Return the rule's answer for every service (or those of ``services``) at ``now``."""
    from umbrella.directory.models import Service
    from umbrella.training.courses.queries import certified_share

    qs = services if services is not None else Service.objects.all()
    rows = list(
        qs.select_related("organization").only(
            "pk",
            "anonymous",
            "trained_non_stigmatising",
            "organization__accounts_organisation_id",
        )
    )
    counts = tallies((s.pk for s in rows), now)
    shares: dict[int | None, object] = {}
    decisions = []
    for service in rows:
        org_id = service.organization.accounts_organisation_id
        if org_id not in shares:
            shares[org_id] = (
                certified_share(Organisation.objects.get(pk=org_id), at=now)
                if org_id is not None
                else _NO_STAFF
            )
        labelled = label_rule(
            shares[org_id], counts[service.pk], anonymity_promised=service.anonymous
        )
        decisions.append(LabelDecision(service.pk, labelled, service.trained_non_stigmatising))
    return decisions


@dataclass(frozen=True)
class _NoStaff:
    certified: int = 0
    staff: int = 0


_NO_STAFF = _NoStaff()


# --- Who reads what ---------------------------------------------------------------------


def is_moderator(user) -> bool:
    """Answer whether ``user`` moderates the free texts: an administrator, or a staff-role
    account given the ``training.moderate_feedback`` permission (so 2FA applies)."""
    from umbrella.accounts.models import Role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.is_staff_role() and user.has_perm("training.moderate_feedback")


def pending_texts() -> QuerySet[ServiceFeedback]:
    """Return the free texts waiting for a moderator, oldest week first."""
    return (
        ServiceFeedback.objects.filter(text_status=TextStatus.PENDING)
        .select_related("service__organization")
        .order_by("week_of", "id")
    )


def services_of_member(user):
    """Return the directory services of the organisations ``user`` is a member of."""
    from umbrella.directory.models import Service

    if not getattr(user, "is_authenticated", False):
        return Service.objects.none()
    return (
        Service.objects.filter(organization__accounts_organisation__memberships__user=user)
        .select_related("organization")
        .distinct()
        .order_by("organization__name", "name_en", "pk")
    )


def approved_texts(service_id: int, now: datetime) -> list[ServiceFeedback]:
    """Return the approved texts of a service's published answers, in no telling order.

    Empty while the service has fewer than ``MIN_ANSWERS`` published answers: a
    text is then one among at least five, not the only answer of a week.
    Ordered by the random id, so the order says nothing of when they came.
    """
    answers = published(now).filter(service_id=service_id)
    if answers.count() < MIN_ANSWERS:
        return []
    return list(answers.filter(text_status=TextStatus.APPROVED).order_by("id"))
