"""The status transition table, transition by transition, and what each update records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.reports import actions, queries
from umbrella.reports.actions.updates import TRANSITIONS
from umbrella.reports.models import (
    BodyNotification,
    Contact,
    Report,
    ReportStatus,
    UpdateKind,
)
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db

S = ReportStatus
ALL = [s.value for s in S]
ALLOWED = sorted((f, t) for f, targets in TRANSITIONS.items() for t in targets)
FORBIDDEN = sorted((f, t) for f in ALL for t in ALL if t not in TRANSITIONS[f] and t != f)


def put_in(report: Report, status: str) -> Report:
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


def extra(to_status: str, matrix) -> dict:
    if to_status == S.CLOSED:
        return {"close_reason": "duplicate"}
    if to_status == S.REFERRED:
        return {"referred_to": matrix.schaerbeek_body}
    return {}


def test_the_table_has_every_status():
    assert set(TRANSITIONS) == set(ALL)


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition(matrix, from_status, to_status):
    report = put_in(submit().report, from_status)
    officer = matrix.people.municipality
    update = actions.post_update(
        report, author=officer, text="Noted.", new_status=to_status, **extra(to_status, matrix)
    )
    report.refresh_from_db()
    assert report.status == to_status
    assert (update.from_status, update.to_status) == (from_status, to_status)
    assert update.body == matrix.saint_josse
    if to_status == S.CLOSED:
        assert report.close_reason == "duplicate" and report.closed_at is not None
    if to_status == S.FIXED:
        assert report.fixed_at is not None
    if to_status == S.REFERRED:
        assert report.referred_to == matrix.schaerbeek_body
        assert report.body == matrix.schaerbeek_body
        assert update.kind == UpdateKind.REFERRAL


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_forbidden_transition(matrix, from_status, to_status):
    report = put_in(submit().report, from_status)
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.post_update(
            report,
            author=matrix.people.municipality,
            text="Trying.",
            new_status=to_status,
            **extra(to_status, matrix),
        )
    assert caught.value.errors["new_status"]
    report.refresh_from_db()
    assert report.status == from_status
    assert not report.updates.exists()


def test_closing_needs_a_reason_and_referring_needs_a_body(matrix):
    report = submit().report
    officer = matrix.people.municipality
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.post_update(report, author=officer, text="", new_status=S.CLOSED)
    assert "close_reason" in caught.value.errors
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.post_update(report, author=officer, text="", new_status=S.REFERRED)
    assert "referred_to" in caught.value.errors
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.post_update(
            report, author=officer, text="", new_status=S.REFERRED, referred_to=matrix.saint_josse
        )
    assert "referred_to" in caught.value.errors


def test_an_empty_update_is_refused(matrix):
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.post_update(submit().report, author=matrix.people.municipality, text="  ")
    assert caught.value.errors["text"]


def test_only_staff_of_a_receiving_body_may_update(matrix):
    report = submit().report
    for person in (matrix.schaerbeek, matrix.people.police, matrix.people.resident):
        with pytest.raises(actions.ReportInvalid):
            actions.post_update(report, author=person, text="Not mine.", new_status=S.FIXED)
    assert report.updates.count() == 0


def test_the_first_update_sets_the_first_response_time(matrix):
    now = timezone.now()
    report = submit(now=now).report
    actions.post_update(
        report, author=matrix.people.municipality, text="Seen.", now=now + timedelta(hours=5)
    )
    actions.post_update(
        report, author=matrix.people.municipality, text="Again.", now=now + timedelta(hours=9)
    )
    report.refresh_from_db()
    assert report.first_response_at == now + timedelta(hours=5)


def test_a_private_update_is_not_in_the_public_history(matrix):
    report = submit().report
    actions.post_update(report, author=matrix.people.municipality, text="Internal.", public=False)
    actions.post_update(report, author=matrix.people.municipality, text="We are on it.")
    assert [u.text for u in queries.public_updates(report)] == ["We are on it."]
    assert [u.text for u in queries.all_updates(report)] == ["Internal.", "We are on it."]


def test_referral_hands_the_report_to_the_other_body_and_notifies_it(matrix):
    Contact.objects.create(body=matrix.schaerbeek_body, channel="email", endpoint="s@example.org")
    report = submit().report
    actions.post_update(
        report,
        author=matrix.people.municipality,
        text="This is across the border.",
        new_status=S.REFERRED,
        referred_to=matrix.schaerbeek_body,
    )
    assert queries.can_update(matrix.schaerbeek, report)
    notification = BodyNotification.objects.get(body=matrix.schaerbeek_body)
    assert notification.event == "referred"
    actions.post_update(report, author=matrix.schaerbeek, text="Done.", new_status=S.FIXED)
    report.refresh_from_db()
    assert report.status == S.FIXED


@pytest.mark.parametrize("from_status", [S.FIXED, S.CLOSED])
def test_the_reporter_reopens_a_fixed_or_closed_report_with_the_code(matrix, from_status):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="sj@example.org")
    submitted = submit()
    report = put_in(submitted.report, from_status)
    update = actions.reopen_report(report, text="Still there.", code=submitted.follow_up_code)
    report.refresh_from_db()
    assert report.status == S.OPEN and update.kind == UpdateKind.REOPENED
    assert update.public
    assert BodyNotification.objects.filter(event="reopened", body=matrix.saint_josse).exists()


@pytest.mark.parametrize("from_status", [S.SUBMITTED, S.OPEN, S.IN_PROGRESS, S.REFERRED])
def test_an_open_report_cannot_be_reopened(matrix, from_status):
    submitted = submit()
    report = put_in(submitted.report, from_status)
    assert not queries.can_reopen(report)
    with pytest.raises(actions.ReportInvalid):
        actions.reopen_report(report, text="Again.", code=submitted.follow_up_code)


def test_only_the_reporter_reopens(matrix):
    submitted = submit(user=matrix.people.resident)
    report = put_in(submitted.report, S.FIXED)
    with pytest.raises(actions.ReportInvalid):
        actions.reopen_report(report, text="Me too.", code="a-wrong-code")
    with pytest.raises(actions.ReportInvalid):
        actions.reopen_report(report, text="Me too.", user=matrix.people.worker)
    with pytest.raises(actions.ReportInvalid) as caught:
        actions.reopen_report(report, text="", user=matrix.people.resident)
    assert caught.value.errors["text"]
    actions.reopen_report(report, text="Not fixed.", user=matrix.people.resident)
    report.refresh_from_db()
    assert report.status == S.OPEN
