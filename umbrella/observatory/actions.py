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
from django.db.models import Count, Max, Q
from django.utils import timezone

from umbrella.alarms.models import Alarm, AlarmStep, CheckIn, RoomButton
from umbrella.alarms.models.alarm import Source, Status, StepKind
from umbrella.alarms.models.triggers import CheckInStatus
from umbrella.areas.models import Population
from umbrella.notify.models import Channel, Delivery, DeliveryStatus
from umbrella.observatory.datasets import minutes_bucket, seconds_bucket
from umbrella.observatory.models import Cube, Tally, Watermark
from umbrella.observatory.pictures import SERVICE_MEASURES, services_picture
from umbrella.reports.models import Report
from umbrella.reports.models.bodies import CategoryGroup

# Rows committed up to this long after their timestamp are still caught.
OVERLAP = timedelta(minutes=10)
SOURCE_MEASURE: dict[str, str] = {Source.APP: "alarms.app", Source.DEVICE: "alarms.device"}
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


def _month_of(moment: datetime) -> date:
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def _months_between(first: date, last: date) -> list[date]:
    months = []
    while first <= last:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


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
    if since is not None and Tally.objects.filter(measure=BODY_MARK).exists():
        reports = reports.filter(updated_at__gte=since)
    # else: a roll-up from before the per-body measures: every month is read once more.
    return _months(reports, "created_at")


def _report_tallies(start: datetime, end: datetime) -> Counter[Key]:
    tallies: Counter[Key] = Counter()
    rows = Report.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "municipality__nis_code",
        "category__group",
        "guard_flagged",
        "created_at",
        "first_response_at",
        "fixed_at",
        "body_id",
    )
    for nis, group, flagged, created, responded, fixed, body in rows.iterator(5000):
        nis = nis or ""
        # Per body (the one the report is routed to), keyed by its id; "" before routing.
        lead = "" if body is None else str(body)
        tallies[(BODY_MARK, lead, -1)] += 1
        tallies[("reports.all", nis, -1)] += 1
        if group == CategoryGroup.SAFETY:
            tallies[("reports.safety", nis, -1)] += 1
        tallies[("reports.guard" if flagged else "reports.unflagged", nis, -1)] += 1
        if responded is not None:
            minutes = (responded - created).total_seconds() / 60
            tallies[("reports.responded", nis, -1)] += 1
            tallies[("reports.response_minutes", nis, minutes_bucket(minutes))] += 1
            tallies[("reports.body.responded", lead, -1)] += 1
            tallies[("reports.body.response_minutes", lead, minutes_bucket(minutes))] += 1
        if fixed is not None:
            minutes = (fixed - created).total_seconds() / 60
            tallies[("reports.fixed", nis, -1)] += 1
            tallies[("reports.fixed_minutes", nis, minutes_bucket(minutes))] += 1
            tallies[("reports.body.fixed", lead, -1)] += 1
            tallies[("reports.body.fixed_minutes", lead, minutes_bucket(minutes))] += 1
    return tallies


# Reports per body: every month with reports has one, so a roll-up without any was made
# before the per-body measures existed and ``_report_months`` reads every month again.
BODY_MARK = "reports.body.all"


REPORT_MEASURES = (
    "reports.all",
    "reports.safety",
    "reports.guard",
    "reports.unflagged",
    "reports.responded",
    "reports.response_minutes",
    "reports.fixed",
    "reports.fixed_minutes",
    BODY_MARK,
    "reports.body.responded",
    "reports.body.response_minutes",
    "reports.body.fixed",
    "reports.body.fixed_minutes",
)

# --- deliveries ---------------------------------------------------------------------------


def _delivery_months(since: datetime | None) -> set[date]:
    deliveries = Delivery.objects.all()
    if since is None:
        return _months(deliveries, "created_at")
    # A failure sets no time of its own: it happens when the attempt is due, or
    # when its lease runs out.
    changed = deliveries.filter(
        Q(created_at__gte=since)
        | Q(sent_at__gte=since)
        | Q(next_attempt_at__gte=since)
        | Q(lease_until__gte=since)
    )
    return _months(changed, "created_at")


def _delivery_tallies(start: datetime, end: datetime) -> Counter[Key]:
    tallies: Counter[Key] = Counter()
    rows = Delivery.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "channel", "status"
    )
    for channel, status in rows.iterator(5000):
        if status == DeliveryStatus.SENT:
            tallies[(f"deliveries.{channel}.sent", "", -1)] += 1
        elif status == DeliveryStatus.FAILED:
            tallies[(f"deliveries.{channel}.failed", "", -1)] += 1
        else:  # not needed any more, still waiting, or only logged (a local install)
            tallies[(f"deliveries.{channel}.other", "", -1)] += 1
    return tallies


DELIVERY_OUTCOMES = ("sent", "failed", "other")
DELIVERY_MEASURES = tuple(
    f"deliveries.{channel}.{outcome}" for channel in Channel.values for outcome in DELIVERY_OUTCOMES
)

# --- establishments' room buttons ---------------------------------------------------------

TESTED_WITHIN = timedelta(days=30)


def _establishment_months(since: datetime | None) -> set[date]:
    """Every complete month since the first room button: each is a picture at its end.

    A picture depends on rows of any date (a button revoked, a test
    acknowledged, a row back-dated), and there are few establishments, so
    every refresh recomputes every month and ``refresh`` writes only what
    differs. The running month is left out: it is not published, and its
    picture is taken once it has ended.
    """
    first = RoomButton.objects.order_by("created_at").values_list("created_at", flat=True).first()
    current = _month_of(timezone.now())
    if first is None or _month_of(first) >= current:
        return set()
    last = date(current.year - (current.month == 1), (current.month - 2) % 12 + 1, 1)
    return set(_months_between(_month_of(first), last))


def _establishment_pictures(months: list[date]) -> dict[date, Counter[Key]]:
    buttons = list(
        RoomButton.objects.values_list(
            "establishment_id", "establishment__nis_code", "created_at", "revoked_at"
        )
    )
    tests: dict[int, list[datetime]] = {}
    acknowledged = Alarm.objects.filter(
        is_test=True, device__isnull=False, acknowledged_at__isnull=False
    ).values_list("device__establishment_id", "acknowledged_at")
    for establishment, at in acknowledged.iterator(5000):
        if at is not None:  # always: the filter keeps acknowledged tests
            tests.setdefault(establishment, []).append(at)
    pictures = {}
    for month in months:
        _start, end = _month_bounds(month)
        live = {
            place: nis or ""
            for place, nis, created, revoked in buttons
            if created < end and (revoked is None or revoked >= end)
        }
        tallies: Counter[Key] = Counter()
        for place, nis in live.items():
            tested = any(end - TESTED_WITHIN <= at < end for at in tests.get(place, ()))
            measure = "establishments.tested" if tested else "establishments.untested"
            tallies[(measure, nis, -1)] += 1
        pictures[month] = tallies
    return pictures


def _establishment_tallies(start: datetime, end: datetime) -> Counter[Key]:
    month = _month_of(start)
    return _establishment_pictures([month])[month]


ESTABLISHMENT_MEASURES = (
    "establishments.tested",
    "establishments.untested",
)


def _previous_month(moment: datetime) -> date:
    current = _month_of(moment)
    return date(current.year - (current.month == 1), (current.month - 2) % 12 + 1, 1)


def _no_months(since: datetime | None) -> set[date]:
    return set()


def _take_picture(mark: Watermark | None, now: datetime) -> bool:
    """Take the services' picture of the month that just ended, once; answer whether taken."""
    start, _end = _month_bounds(_month_of(now))
    if mark is not None and mark.refreshed_until >= start:
        return False  # taken already this month
    _write_month(SERVICE_MEASURES, _previous_month(now), services_picture(now))
    return True


Source_ = tuple[
    Callable[[datetime | None], set[date]],
    Callable[[datetime, datetime], Counter[Key]],
    Iterable[str],
]
SOURCES: dict[str, Source_] = {
    "alarms": (_alarm_months, _alarm_tallies, ALARM_MEASURES),
    "checkins": (_checkin_months, _checkin_tallies, CHECKIN_MEASURES),
    "reports": (_report_months, _report_tallies, REPORT_MEASURES),
    "deliveries": (_delivery_months, _delivery_tallies, DELIVERY_MEASURES),
    "establishments": (_establishment_months, _establishment_tallies, ESTABLISHMENT_MEASURES),
    "services": (_no_months, lambda start, end: Counter(), SERVICE_MEASURES),
    # Residents recorded by an operator (areas.Population): the rates per 10,000 residents
    # divide the services' pictures by them when the cubes are computed. ``last_id`` holds
    # ``_population_print()``, so a row recorded, replaced or deleted is a new generation.
    "population": (_no_months, lambda start, end: Counter(), ()),
}
# Each source's raw rows and the field that dates them: a row with an id above
# the watermark's ``last_id`` is new, whatever its date says.
# source → the model of its rows and the date field that puts a row in a month
ROWS: dict[str, tuple[type[Alarm] | type[CheckIn] | type[Report] | type[Delivery], str]] = {
    "alarms": (Alarm, "raised_at"),
    "checkins": (CheckIn, "started_at"),
    "reports": (Report, "created_at"),
    "deliveries": (Delivery, "created_at"),
}


def _population_print() -> int:
    """Return a number that changes when a population row is recorded, replaced or deleted."""
    found = Population.objects.aggregate(rows=Count("pk"), last=Max("recorded_at"))
    last = int(found["last"].timestamp()) if found["last"] else 0
    return found["rows"] * 10**10 + last


def _write_month(measures: Iterable[str], month: date, tallies: Counter[Key]) -> None:
    with transaction.atomic():
        Tally.objects.filter(measure__in=measures, month=month).delete()
        Tally.objects.bulk_create(
            [
                Tally(measure=m, month=month, nis_code=nis, bucket=bucket, count=count)
                for (m, nis, bucket), count in tallies.items()
            ],
            batch_size=2000,
        )


def rebuild_month(source: str, month: date) -> int:
    """Replace one month's tallies of ``source`` with a count of its raw rows."""
    if source == "services":
        return 0  # a picture of the past cannot be taken again
    _dirty, tally, measures = SOURCES[source]
    start, end = _month_bounds(month)
    tallies = tally(start, end)
    _write_month(measures, month, tallies)
    return len(tallies)


def _refresh_pictures(months: set[date]) -> bool:
    """Recompute the establishments' monthly pictures; write (and answer True) only changes."""
    measures = ESTABLISHMENT_MEASURES
    pictures = _establishment_pictures(sorted(months))
    stored: dict[date, Counter[Key]] = {}
    for m, month, nis, bucket, count in Tally.objects.filter(measure__in=measures).values_list(
        "measure", "month", "nis_code", "bucket", "count"
    ):
        stored.setdefault(month, Counter())[(m, nis, bucket)] = count
    changed = False
    for month in set(stored) | set(pictures):
        picture = pictures.get(month, Counter())
        if stored.get(month, Counter()) != picture:
            _write_month(measures, month, picture)
            changed = True
    return changed


def refresh(now: datetime) -> bool:
    """Fold every row changed since the last refresh into the roll-up; answer whether any did."""
    did = False
    for source, (dirty, _tally, _measures) in SOURCES.items():
        mark = Watermark.objects.filter(source=source).first()
        since = mark.refreshed_until - OVERLAP if mark else None
        last_id = mark.last_id if mark else 0
        top = last_id
        if source == "establishments":
            changed = _refresh_pictures(dirty(since))
        elif source == "services":
            changed = _take_picture(mark, now)
        elif source == "population":  # no tallies: a new generation recomputes the rates
            top = _population_print()
            changed = mark is None or top != last_id
        else:
            model, field = ROWS[source]
            top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            months = dirty(since)
            if since is not None and top > last_id:  # back-dated rows: new ids, old dates
                months |= _months(model.objects.filter(pk__gt=last_id, pk__lte=top), field)
            for month in sorted(months):
                rebuild_month(source, month)
            changed = bool(months)
        if mark is None:
            Watermark.objects.create(source=source, refreshed_until=now, generation=1, last_id=top)
        else:
            mark.refreshed_until = now
            mark.last_id = top
            mark.generation += 1 if changed else 0
            mark.save(update_fields=["refreshed_until", "generation", "last_id"])
        did = did or changed
    return did


def publish(today: date) -> int:
    """Compute and store every dataset's protected cube for the current generation and month.

    Run by the worker right after ``refresh``, so the first request after a
    change reads a stored cube instead of running the disclosure control.
    Older cubes are deleted. Answers how many cubes were computed.
    """
    from umbrella.observatory import queries  # queries reads the roll-up this module writes

    current = queries.generation()
    month = date(today.year, today.month, 1)
    have = set(Cube.objects.filter(generation=current, month=month).values_list("slug", flat=True))
    computed = 0
    for ds in queries.datasets():
        if ds.slug not in have:
            queries.published_cube(ds, today)
            computed += 1
    Cube.objects.exclude(generation=current, month=month).delete()
    return computed
