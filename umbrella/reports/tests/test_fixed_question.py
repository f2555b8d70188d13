"""The "is it fixed?" question after four weeks: by e-mail, or on the follow-up page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from umbrella.reports import actions, queries, tasks
from umbrella.reports.models import Report, ReportStatus, UpdateKind
from umbrella.reports.tests.conftest import submit

pytestmark = pytest.mark.django_db

FOUR_WEEKS = timedelta(days=28)


def test_the_question_is_not_due_before_four_weeks(matrix):
    start = timezone.now()
    report = submit(now=start).report
    assert report.fixed_question_due_at == start + FOUR_WEEKS
    just_before = start + FOUR_WEEKS - timedelta(seconds=1)
    assert not queries.fixed_question_due(report, just_before)
    assert tasks.ask_fixed_questions(just_before) is False
    assert queries.fixed_question_due(report, start + FOUR_WEEKS)


def test_with_an_email_the_question_is_sent_with_a_link_that_opens_the_report(matrix):
    start = timezone.now()
    submitted = submit(now=start, email="me@example.org", language="fr")
    with time_machine.travel(start + FOUR_WEEKS, tick=False):
        assert tasks.ask_fixed_questions(timezone.now()) is True
    message = mail.outbox[-1]
    assert message.to == ["me@example.org"]
    assert "réglé" in message.subject or "résolu" in message.subject
    link = next(word for word in message.body.split() if "/follow-up/" in word or "/suivi/" in word)
    code = link.rstrip("/").rsplit("/", 1)[-1]
    assert code != submitted.follow_up_code
    report = queries.report_for_code(code)
    assert report == submitted.report
    assert queries.report_for_code(submitted.follow_up_code) == report
    # Asked once only.
    assert tasks.ask_fixed_questions(start + FOUR_WEEKS + timedelta(days=1)) is False
    assert len(mail.outbox) == 1
    actions.answer_fixed_question(report, fixed=True, code=code)
    report.refresh_from_db()
    assert report.status == ReportStatus.FIXED and report.fixed_answer == "fixed"


def test_without_an_email_the_follow_up_page_asks(matrix):
    start = timezone.now()
    submitted = submit(now=start)
    tasks.ask_fixed_questions(start + FOUR_WEEKS)
    assert mail.outbox == []
    report = Report.objects.get(pk=submitted.report.pk)
    assert report.fixed_question_asked_at == start + FOUR_WEEKS
    assert queries.fixed_question_due(report, start + FOUR_WEEKS)
    update = actions.answer_fixed_question(
        report, fixed=False, code=submitted.follow_up_code, now=start + FOUR_WEEKS
    )
    report.refresh_from_db()
    assert update.kind == UpdateKind.FIXED_ANSWER
    assert report.status == ReportStatus.OPEN and report.fixed_answer == "not_fixed"
    assert not queries.fixed_question_due(report, start + FOUR_WEEKS + timedelta(hours=1))


def test_a_fixed_or_closed_report_is_not_asked(matrix):
    start = timezone.now()
    report = submit(now=start).report
    actions.post_update(
        report, author=matrix.people.municipality, text="Cleaned.", new_status="fixed", now=start
    )
    assert tasks.ask_fixed_questions(start + FOUR_WEEKS) is False
    report.refresh_from_db()
    assert report.fixed_question_asked_at is None
    assert not queries.fixed_question_due(report, start + FOUR_WEEKS)


def test_a_reopened_report_is_asked_four_weeks_after_reopening(matrix):
    start = timezone.now()
    submitted = submit(now=start)
    actions.post_update(
        submitted.report,
        author=matrix.people.municipality,
        text="Done.",
        new_status="fixed",
        now=start + timedelta(days=1),
    )
    reopened_at = start + timedelta(days=3)
    actions.reopen_report(
        submitted.report, text="Back again.", code=submitted.follow_up_code, now=reopened_at
    )
    report = Report.objects.get(pk=submitted.report.pk)
    assert report.fixed_question_due_at == reopened_at + FOUR_WEEKS


def test_only_the_reporter_answers(matrix):
    submitted = submit(user=matrix.people.resident)
    with pytest.raises(actions.ReportInvalid):
        actions.answer_fixed_question(submitted.report, fixed=True, code="wrong")
    with pytest.raises(actions.ReportInvalid):
        actions.answer_fixed_question(submitted.report, fixed=True, user=matrix.people.worker)
    actions.answer_fixed_question(submitted.report, fixed=True, user=matrix.people.resident)
    with pytest.raises(actions.ReportInvalid):
        actions.answer_fixed_question(submitted.report, fixed=True, user=matrix.people.resident)
