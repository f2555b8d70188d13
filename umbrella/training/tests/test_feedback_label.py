"""The label rule at each boundary, and its wiring to certificates, feedback and the directory."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from umbrella.directory.models import ChangeLogEntry, Service
from umbrella.training.courses.queries import Share
from umbrella.training.feedback import actions as feedback_actions
from umbrella.training.feedback.actions import refresh_directory_labels
from umbrella.training.feedback.queries import FeedbackTally, label_decisions, label_rule, week_of
from umbrella.training.tests import feedback_factories as make

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=BRUSSELS)
LAST_WEEK = week_of(NOW) - timedelta(weeks=1)


def good(n=10, *, respect_yes=None, respect_partly=0, real_name_yes=0, refused_yes=0):
    """Return a tally of ``n`` answers: all "yes" to respect unless told otherwise."""
    respect_yes = n - respect_partly if respect_yes is None else respect_yes
    return FeedbackTally(
        answers=n,
        respect_yes=respect_yes,
        respect_partly=respect_partly,
        respect_no=n - respect_yes - respect_partly,
        real_name_yes=real_name_yes,
        refused_yes=refused_yes,
    )


TRAINED = Share(certified=8, staff=10)


def rule(share=TRAINED, tally=None, anonymity_promised=False):
    return label_rule(share, tally or good(), anonymity_promised=anonymity_promised)


def test_80_percent_of_staff_certified_earns_it_79_does_not():
    assert rule(Share(certified=80, staff=100))
    assert not rule(Share(certified=79, staff=100))
    assert rule(Share(certified=4, staff=5))
    assert not rule(Share(certified=3, staff=4))  # 75 %


def test_no_staff_no_label():
    assert not rule(Share(certified=0, staff=0))


def test_fewer_than_5_answers_block_the_label_even_if_all_are_good():
    assert not rule(tally=good(4))
    assert rule(tally=good(5))
    assert not rule(tally=FeedbackTally())


def test_respect_80_percent_yes_earns_it_below_does_not_and_partly_is_not_yes():
    assert rule(tally=good(10, respect_yes=8, respect_partly=2))
    assert not rule(tally=good(10, respect_yes=7, respect_partly=3))
    assert not rule(tally=good(100, respect_yes=79))
    assert rule(tally=good(100, respect_yes=80))


def test_refused_at_most_10_percent():
    assert rule(tally=good(10, refused_yes=1))
    assert not rule(tally=good(10, refused_yes=2))
    assert not rule(tally=good(100, refused_yes=11))


def test_real_name_counts_only_where_the_directory_promises_anonymity():
    tally = good(10, real_name_yes=2)
    assert not rule(tally=tally, anonymity_promised=True)
    assert rule(tally=good(10, real_name_yes=1), anonymity_promised=True)
    # A CPAS may need an identity by law: the answer does not decide its label.
    assert rule(tally=tally, anonymity_promised=False)


@pytest.mark.django_db
def test_the_query_wires_certificates_and_published_feedback():
    org = make.accounts_organisation()
    make.staff(org, total=5, certified=4, at=NOW)
    svc = make.service(org)
    other = make.service(org)
    make.answers(svc, LAST_WEEK, 5)
    make.answers(other, LAST_WEEK, 4)
    make.answers(other, week_of(NOW), 1)  # this week: not counted yet
    decisions = {d.service_id: d for d in label_decisions(NOW)}
    assert decisions[svc.pk].labelled
    assert not decisions[other.pk].labelled


@pytest.mark.django_db
def test_a_service_without_an_accounts_organisation_gets_no_label():
    svc = make.service(None)
    make.answers(svc, LAST_WEEK, 10)
    assert not {d.service_id: d for d in label_decisions(NOW)}[svc.pk].labelled


@pytest.mark.django_db
def test_refresh_sets_and_clears_the_directory_flag_through_the_change_log():
    org = make.accounts_organisation()
    make.staff(org, total=5, certified=4, at=NOW)
    svc = make.service(org)
    make.answers(svc, LAST_WEEK, 5)
    assert refresh_directory_labels(NOW) == [svc.pk]
    svc.refresh_from_db()
    assert svc.trained_non_stigmatising
    assert svc.trained_on == NOW.date()
    assert ChangeLogEntry.objects.filter(
        object_id=str(svc.pk), field="trained_non_stigmatising", new_value="True"
    ).exists()
    # Nothing changes the second time.
    assert refresh_directory_labels(NOW) == []
    # Three refusals in the week after: 3 of 8 is over 10 %.
    make.answers(svc, week_of(NOW), 3, refused="yes")
    next_week = NOW + timedelta(days=7)
    assert refresh_directory_labels(next_week) == [svc.pk]
    svc.refresh_from_db()
    assert not svc.trained_non_stigmatising
    assert svc.trained_on is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_change_the_directory_once(monkeypatch):
    org = make.accounts_organisation()
    make.staff(org, total=5, certified=4, at=NOW)
    svc = make.service(org)
    make.answers(svc, LAST_WEEK, 5)
    decide = feedback_actions.label_decisions
    both_decided = threading.Barrier(2)

    def decided_together(*args):
        decisions = decide(*args)
        # On PostgreSQL both have read that the flag is off before either writes. SQLite's
        # writers take the lock at BEGIN: the second reads after the first has committed.
        if connection.vendor == "postgresql":
            both_decided.wait(timeout=10)
        return decisions

    monkeypatch.setattr(feedback_actions, "label_decisions", decided_together)
    start = threading.Barrier(2)
    changed: list[list[int]] = []

    def refresh():
        try:
            start.wait(timeout=10)
            changed.append(refresh_directory_labels(NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(changed) == [[], [svc.pk]]
    assert (
        ChangeLogEntry.objects.filter(
            object_id=str(svc.pk), field="trained_non_stigmatising", new_value="True"
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_the_label_lapses_with_the_certificates():
    org = make.accounts_organisation()
    make.staff(org, total=5, certified=5, at=NOW)  # valid for 700 days
    svc = make.service(org)
    make.answers(svc, LAST_WEEK, 5)
    refresh_directory_labels(NOW)
    assert Service.objects.get(pk=svc.pk).trained_non_stigmatising
    # 700 days on, the certificates have lapsed (and the answers left the window).
    refresh_directory_labels(NOW + timedelta(days=701))
    assert not Service.objects.get(pk=svc.pk).trained_non_stigmatising


@pytest.mark.django_db
def test_the_worker_refreshes_the_labels():
    import umbrella.training.tasks  # noqa: F401 -- as the worker's autodiscovery does
    from umbrella.core.worker import registered_tasks

    task = registered_tasks()["umbrella.training.feedback.tasks.refresh_labels"]
    org = make.accounts_organisation()
    make.staff(org, total=1, certified=1, at=NOW)
    svc = make.service(org)
    make.answers(svc, LAST_WEEK, 5)
    assert task(NOW) is False  # it rests after one pass
    assert Service.objects.get(pk=svc.pk).trained_non_stigmatising


@pytest.mark.django_db
def test_answers_that_left_the_window_are_deleted_by_the_worker():
    import umbrella.training.tasks  # noqa: F401
    from umbrella.core.worker import registered_tasks
    from umbrella.training.feedback.queries import published_weeks
    from umbrella.training.models import ServiceFeedback

    first, _last = published_weeks(NOW)
    svc = make.service()
    make.answers(svc, first, 2, text="still counted")
    make.answers(svc, first - timedelta(weeks=1), 3, text="no longer counted")
    registered_tasks()["umbrella.training.feedback.tasks.refresh_labels"](NOW)
    assert ServiceFeedback.objects.count() == 2
    assert {f.text for f in ServiceFeedback.objects.all()} == {"still counted"}
