"""Issue 15, finding 12: a confidential report does not keep a 50 m point for ever.

Before the fix a trafficking signal kept its rounded point (about 50 m, enough
to find the house) and its neighbourhood for ever. Now, once the body has the
report — a notification to a receiving body was delivered, or a staff member
opened it (an audited read) — the worker keeps only its area: the precise and
the rounded points go, the point becomes the municipality's centroid, the
neighbourhood code stays. At the report's retention (30 days after it was
fixed or closed, 180 days after submission at the latest) the neighbourhood
goes too; municipality and police zone stay for the figures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.reports import actions, tasks
from umbrella.reports.actions.maintenance import PRECISE_AFTER_CLOSE_DAYS, PRECISE_MAX_DAYS
from umbrella.reports.models import BodyNotification, Contact, Report
from umbrella.reports.models.notifications import NotificationStatus
from umbrella.reports.tests.conftest import submit
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
SIGNAL = "Young women seem to be kept in the flat and never go out alone."


@pytest.fixture
def signal(matrix):
    for body in (matrix.zone_5344, matrix.pag_asa):
        Contact.objects.create(body=body, channel="email", endpoint=f"{body.code}@example.org")
    report = submit(
        code="trafficking", description=SIGNAL, user=matrix.people.worker, wants_victim_support=True
    ).report
    report = Report.objects.select_related("municipality").get(pk=report.pk)
    assert report.confidential and report.neighbourhood_id is not None
    return report


def fresh(report: Report) -> Report:
    return Report.objects.select_related("municipality").get(pk=report.pk)


def only_the_area(report: Report) -> bool:
    m = report.municipality
    assert m is not None, "a confidential report has its municipality"
    return (
        report.precise_lat is None
        and report.precise_lon is None
        and (report.public_lat, report.public_lon) == (m.centroid_lat, m.centroid_lon)
    )


def test_the_point_stays_until_the_body_has_the_report(signal):
    assert tasks.erase_expired_details(timezone.now()) is False
    report = fresh(signal)
    assert report.precise_lat is not None
    assert (report.public_lat, report.public_lon) == (signal.public_lat, signal.public_lon)


def test_a_delivered_notification_leaves_only_the_area(signal):
    tasks.send_notifications(timezone.now())
    assert BodyNotification.objects.filter(report=signal, status=NotificationStatus.SENT).exists()
    now = timezone.now()
    assert tasks.erase_expired_details(now) is True
    report = fresh(signal)
    assert only_the_area(report)
    assert report.neighbourhood_id == signal.neighbourhood_id
    assert report.police_zone_id == signal.police_zone_id
    assert report.precise_erased_at == now
    # Idempotent.
    assert tasks.erase_expired_details(now + SECOND) is False


def test_a_staff_member_opening_it_leaves_only_the_area(client, matrix, signal):
    sign_in(client, matrix.people.police)
    assert client.get(f"/en/reports/staff/{signal.pk}/").status_code == 200
    assert not BodyNotification.objects.filter(
        report=signal, status=NotificationStatus.SENT
    ).exists()
    tasks.erase_expired_details(timezone.now())
    assert only_the_area(fresh(signal))


def test_an_ordinary_report_keeps_its_rounded_point(matrix):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    report = submit().report
    tasks.send_notifications(timezone.now())
    tasks.erase_expired_details(timezone.now())
    kept = fresh(report)
    assert kept.precise_lat is not None
    assert (kept.public_lat, kept.public_lon) == (report.public_lat, report.public_lon)


def test_the_neighbourhood_goes_at_the_retention(matrix, signal):
    tasks.send_notifications(timezone.now())
    tasks.erase_expired_details(timezone.now())
    closed = timezone.now().replace(microsecond=0)
    with time_machine.travel(closed, tick=False):
        actions.post_update(
            signal,
            author=matrix.people.police,
            text="Handled.",
            new_status="closed",
            close_reason="no_further_action",
            now=closed,
        )
    due = fresh(signal).closed_at + timedelta(days=PRECISE_AFTER_CLOSE_DAYS)
    tasks.erase_expired_details(due - SECOND)
    assert fresh(signal).neighbourhood_id is not None
    assert tasks.erase_expired_details(due) is True
    report = fresh(signal)
    assert report.neighbourhood_id is None
    assert report.municipality_id == signal.municipality_id
    assert report.police_zone_id == signal.police_zone_id
    assert only_the_area(report)


def test_never_delivered_nor_opened_it_still_goes_at_the_maximum(signal):
    due = signal.created_at + timedelta(days=PRECISE_MAX_DAYS)
    tasks.erase_expired_details(due - SECOND)
    assert fresh(signal).precise_lat is not None
    tasks.erase_expired_details(due)
    report = fresh(signal)
    assert only_the_area(report) and report.neighbourhood_id is None
