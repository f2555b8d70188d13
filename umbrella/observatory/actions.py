"""Refreshing the roll-up: only the months whose rows changed since the last refresh.

Each source (alarms, check-ins, reports) keeps a watermark. A refresh asks
which months hold a row created or changed since the watermark (less a
safety overlap, for transactions that committed late), rebuilds exactly
those months' tallies from the raw rows, and moves the watermark. A month
is rebuilt whole, so a refresh is idempotent and a median stays exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from umbrella.alarms.models import Alarm, AlarmStep, CheckIn
from umbrella.alarms.models.alarm import Source, Status, StepKind
from umbrella.alarms.models.triggers import CheckInStatus
from umbrella.observatory.datasets import minutes_bucket, seconds_bucket
from umbrella.observatory.models import Tally, Watermark
from umbrella.reports.models import Report
from umbrella.reports.models.bodies import CategoryGroup

# Rows committed up to this long after their timestamp are still caught.
OVERLAP = timedelta(minutes=10)
SOURCE_MEASURE = {Source.APP: "alarms.app", Source.DEVICE: "alarms.device"}
SOURCE_MEASURE[Source.CHECKIN] = "alarms.checkin"

Key = tuple[str, str, int]  # (measure, nis_code, bucket)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    end = datetime(following.year, following.month, 1, tzinfo=zone)
    return start, end


def _months(queryset, field: str) -> set[date]:
    return {d for d in queryset.dates(field, "month")}


# --- alarms -------------------------------------------------------------------------------


def _alarm_months(since: datetime | None) -> set[date]:
    alarms = Alarm.objects.all()
    if since is None:
        return _months(alarms, "raised_at")
    changed = alarms.filter(
        Q(raised_at__gte=since)
        | Q(acknowledged_at__gte=since)
        | Q(resolved_at__gte=since)
        | Q(cancelled_at__gte=since)
        | Q(closed_at__gte=since)
    )
    stepped = alarms.filter(pk__in=AlarmStep.objects.filter(at__gte=since).values("alarm_id"))
    return _months(changed, "raised_at") | _months(stepped, "raised_at")


def _alarm_tallies(start: datetime, end: datetime) -> Counter[Key]:
    tallies: Counter[Key] = Counter()
    escalated = set(
        AlarmStep.objects.filter(
            kind=StepKind.ESCALATED, alarm__raised_at__gte=start, alarm__raised_at__lt=end
        ).values_list("alarm_id", flat=True)
    )
    rows = Alarm.objects.filter(raised_at__gte=start, raised_at__lt=end).values_list(
        "pk", "nis_code", "source", "is_test", "is_duress", "status", "raised_at", "acknowledged_at"
    )
    for pk, nis, source, is_test, is_duress, status, raised, acknowledged in rows.iterator(5000):
        if is_test:
            tallies[("alarms.test", nis, -1)] += 1
            continue
        if is_duress or source == Source.DURESS:
            tallies[("alarms.duress", nis, -1)] += 1
            continue
        tallies[(SOURCE_MEASURE.get(source, "alarms.app"), nis, -1)] += 1
        seconds = (acknowledged - raised).total_seconds() if acknowledged else None
        if seconds is not None:
            tallies[("ack.count", nis, -1)] += 1
            tallies[("ack.seconds", nis, seconds_bucket(seconds))] += 1
        within = seconds is not None and seconds <= 60
        tallies[("ack.within60" if within else "ack.later", nis, -1)] += 1
        if pk in escalated:
            tallies[("alarms.escalated", nis, -1)] += 1
        if status == Status.RESOLVED:
            tallies[("outcome.resolved", nis, -1)] += 1
        elif status == Status.CANCELLED:
            tallies[("outcome.cancelled", nis, -1)] += 1
    return tallies


ALARM_MEASURES = (
    "alarms.test",
    "alarms.duress",
    *SOURCE_MEASURE.values(),
    "ack.count",
    "ack.seconds",
    "ack.within60",
    "ack.later",
    "alarms.escalated",
    "outcome.resolved",
    "outcome.cancelled",
)

# --- check-ins ----------------------------------------------------------------------------


def _checkin_months(since: datetime | None) -> set[date]:
    checkins = CheckIn.objects.all()
    if since is None:
        return _months(checkins, "started_at")
    changed = checkins.filter(
        Q(started_at__gte=since) | Q(ended_at__gte=since) | Q(due_at__gte=since - timedelta(days=1))
    )
    return _months(changed, "started_at")


def _checkin_tallies(start: datetime, end: datetime) -> Counter[Key]:
    tallies: Counter[Key] = Counter()
    statuses = CheckIn.objects.filter(started_at__gte=start, started_at__lt=end).values_list(
        "status", flat=True
    )
    for status in statuses.iterator(5000):
        tallies[("checkins.started", "", -1)] += 1
        if status == CheckInStatus.DONE:
            tallies[("checkins.done", "", -1)] += 1
        elif status == CheckInStatus.EXPIRED:
            tallies[("checkins.expired", "", -1)] += 1
    return tallies


CHECKIN_MEASURES = ("checkins.started", "checkins.done", "checkins.expired")

# --- reports ------------------------------------------------------------------------------


def _report_months(since: datetime | None) -> set[date]:
    reports = Report.objects.all()
    if since is not None:
        reports = reports.filter(updated_at__gte=since)
    return _months(reports, "created_at")


def _report_tallies(start: datetime, end: datetime) -> Counter[Key]:
    tallies: Counter[Key] = Counter()
    rows = Report.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "municipality__nis_code",
        "category__group",
        "guard_flagged",
        "created_at",
        "first_response_at",
    )
    for nis, group, flagged, created, responded in rows.iterator(5000):
        nis = nis or ""
        tallies[("reports.all", nis, -1)] += 1
        if group == CategoryGroup.SAFETY:
            tallies[("reports.safety", nis, -1)] += 1
        tallies[("reports.guard" if flagged else "reports.unflagged", nis, -1)] += 1
        if responded is not None:
            minutes = (responded - created).total_seconds() / 60
            tallies[("reports.responded", nis, -1)] += 1
            tallies[("reports.response_minutes", nis, minutes_bucket(minutes))] += 1
    return tallies


REPORT_MEASURES = (
    "reports.all",
    "reports.safety",
    "reports.guard",
    "reports.unflagged",
    "reports.responded",
    "reports.response_minutes",
)

Source_ = tuple[
    Callable[[datetime | None], set[date]],
    Callable[[datetime, datetime], Counter[Key]],
    Iterable[str],
]
SOURCES: dict[str, Source_] = {
    "alarms": (_alarm_months, _alarm_tallies, ALARM_MEASURES),
    "checkins": (_checkin_months, _checkin_tallies, CHECKIN_MEASURES),
    "reports": (_report_months, _report_tallies, REPORT_MEASURES),
}


def rebuild_month(source: str, month: date) -> int:
    """Replace one month's tallies of ``source`` with a count of its raw rows."""
    _dirty, tally, measures = SOURCES[source]
    start, end = _month_bounds(month)
    tallies = tally(start, end)
    with transaction.atomic():
        Tally.objects.filter(measure__in=measures, month=month).delete()
        Tally.objects.bulk_create(
            [
                Tally(measure=m, month=month, nis_code=nis, bucket=bucket, count=count)
                for (m, nis, bucket), count in tallies.items()
            ],
            batch_size=2000,
        )
    return len(tallies)


def refresh(now: datetime) -> bool:
    """Fold every row changed since the last refresh into the roll-up; answer whether any did."""
    did = False
    for source, (dirty, _tally, _measures) in SOURCES.items():
        mark = Watermark.objects.filter(source=source).first()
        since = mark.refreshed_until - OVERLAP if mark else None
        months = sorted(dirty(since))
        for month in months:
            rebuild_month(source, month)
        if mark is None:
            Watermark.objects.create(source=source, refreshed_until=now, generation=1)
        else:
            mark.refreshed_until = now
            mark.generation += 1 if months else 0
            mark.save(update_fields=["refreshed_until", "generation"])
        did = did or bool(months)
    return did
