"""The figures the consultation tracker reads from reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from umbrella.core.indicators import registered
from umbrella.reports import actions, indicators
from umbrella.reports.tests.conftest import SCHAERBEEK, submit

pytestmark = pytest.mark.django_db


def answer(report, person, at, status=None):
    actions.post_update(report, author=person, text="Seen.", new_status=status, now=at)


def test_the_indicators_are_registered():
    keys = set(registered())
    assert {
        "reports.median_first_response_municipalities",
        "reports.median_time_to_fixed_municipalities",
        "reports.municipalities_answering",
    } <= keys


def test_median_first_response_and_time_to_fixed(matrix):
    now = timezone.now()
    officer = matrix.people.municipality
    hours = [1, 2, 3, 4, 10]
    for n, h in enumerate(hours):
        start = now - timedelta(days=20 + n)
        report = submit(now=start, client_key=f"k{n}").report
        answer(report, officer, start + timedelta(hours=h), status="fixed")
    # A confidential report never counts.
    secret = submit(code="trafficking", description="A girl is forced to work here.").report
    answer(secret, matrix.people.police, secret.created_at + timedelta(days=30))
    figure = indicators.median_first_response(now)
    assert figure.value == 3 * 3600 and figure.unit == "seconds"
    assert "5" in figure.note
    assert indicators.median_time_to_fixed(now).value == 3 * 3600


def test_too_few_reports_are_not_shown(matrix):
    now = timezone.now()
    report = submit(now=now - timedelta(days=2)).report
    answer(report, matrix.people.municipality, now - timedelta(days=1))
    figure = indicators.median_first_response(now)
    assert figure.value is None and figure.note


def test_municipalities_answering(matrix):
    now = timezone.now()
    ours = submit(now=now - timedelta(days=3)).report
    theirs = submit(now=now - timedelta(days=3), lat=SCHAERBEEK[0], lon=SCHAERBEEK[1]).report
    answer(ours, matrix.people.municipality, now - timedelta(days=2))
    figure = indicators.municipalities_answering(now)
    assert (figure.value, figure.denominator) == (1, 19)
    answer(theirs, matrix.schaerbeek, now - timedelta(days=1))
    assert indicators.municipalities_answering(now).value == 2
    # Twelve months later, neither counts.
    assert indicators.municipalities_answering(now + timedelta(days=400)).value == 0
