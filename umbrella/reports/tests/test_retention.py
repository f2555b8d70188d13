"""What is erased when: precise points and e-mail addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.reports import actions, tasks
from umbrella.reports.actions.maintenance import PRECISE_AFTER_CLOSE_DAYS, PRECISE_MAX_DAYS
from umbrella.reports.models import Report
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db


def test_precise_point_and_email_are_erased_thirty_days_after_fixing(matrix):
    start = timezone.now()
    report = submit(now=start, email="me@example.org").report
    actions.post_update(
        report, author=matrix.people.municipality, text="Done.", new_status="fixed", now=start
    )
    due = start + timedelta(days=PRECISE_AFTER_CLOSE_DAYS)
    assert tasks.erase_expired_details(due - timedelta(seconds=1)) is False
    assert tasks.erase_expired_details(due) is True
    report = Report.objects.get(pk=report.pk)
    assert report.precise_lat is None and report.precise_lon is None and report.email == ""
    assert report.precise_erased_at == due
    # The public point stays, and is what remains of the location.
    assert (report.lat, report.lon) == (report.public_lat, report.public_lon)


def test_an_open_report_keeps_its_point_until_the_maximum(matrix):
    start = timezone.now()
    report = submit(now=start).report
    assert tasks.erase_expired_details(start + timedelta(days=PRECISE_MAX_DAYS - 1)) is False
    assert Report.objects.get(pk=report.pk).precise_lat is not None
    assert tasks.erase_expired_details(start + timedelta(days=PRECISE_MAX_DAYS)) is True
    assert Report.objects.get(pk=report.pk).precise_lat is None
