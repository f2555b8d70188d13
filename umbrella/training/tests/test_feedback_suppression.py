"""Small-count suppression: no figure based on fewer than 5 answers can be read or worked out."""

from datetime import date, datetime
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from umbrella.training.feedback.queries import (
    MIN_ANSWERS,
    FeedbackTally,
    published_weeks,
    summarise,
    suppress,
    tally,
    week_of,
)
from umbrella.training.tests import feedback_factories as make

BRUSSELS = ZoneInfo("Europe/Brussels")


def _tally(n, yes=None, partly=0, real_name=0, refused=0):
    yes = n - partly if yes is None else yes
    return FeedbackTally(
        answers=n,
        respect_yes=yes,
        respect_partly=partly,
        respect_no=n - yes - partly,
        real_name_yes=real_name,
        refused_yes=refused,
    )


def test_four_answers_show_nothing_at_all():
    summary = summarise(_tally(4))
    assert summary.answers is None
    assert not summary.enough
    for breakdown in (summary.respect, summary.real_name, summary.refused):
        assert all(cell.count is None and cell.share is None for cell in breakdown.cells)


def test_five_answers_show_the_total_and_the_shares():
    summary = summarise(_tally(5))
    assert summary.answers == 5
    assert summary.respect.cell("yes").count == 5
    assert summary.respect.cell("yes").percent == 100
    assert summary.respect.cell("no").count == 0
    assert summary.refused.cell("no").count == 5
    assert summary.refused.cell("yes").count == 0


def test_a_single_small_cell_hides_the_whole_breakdown_of_a_yes_no_question():
    # 8 not refused, 2 refused: showing "8" would give "2" away as 10 - 8.
    summary = summarise(_tally(10, refused=2))
    assert summary.answers == 10
    assert summary.refused.cell("yes").count is None
    assert summary.refused.cell("no").count is None
    assert summary.refused.cell("no").share is None
    # The other questions, with no small cell, are shown.
    assert summary.real_name.cell("no").count == 10


def test_two_small_cells_adding_up_to_five_stay_hidden_the_large_one_is_shown():
    shown = suppress({"yes": 10, "partly": 4, "no": 1})
    assert shown == {"yes": 10, "partly": None, "no": None}


def test_small_cells_adding_up_to_less_than_five_take_the_next_cell_with_them():
    # 10 yes, 0 partly, 3 no: hiding "no" alone leaves 13 - 10 - 0 = 3.
    assert suppress({"yes": 10, "partly": 0, "no": 3}) == dict.fromkeys(("yes", "partly", "no"))
    assert suppress({"yes": 6, "partly": 2, "no": 2}) == dict.fromkeys(("yes", "partly", "no"))


def test_no_breakdown_of_up_to_20_answers_gives_a_small_count_away():
    """Every combination of answers: each figure shown, and each figure worked out as the
    total minus the shown cells, is 0 or at least 5; a total under 5 shows nothing."""
    for yes, partly, no in product(range(21), repeat=3):
        counts = {"yes": yes, "partly": partly, "no": no}
        total = yes + partly + no
        shown = suppress(counts)
        if total < MIN_ANSWERS:
            assert set(shown.values()) == {None}
            continue
        for value, count in shown.items():
            assert count is None or count == counts[value]
            assert count is None or count == 0 or count >= MIN_ANSWERS, counts
        hidden_sum = total - sum(c for c in shown.values() if c is not None)
        assert hidden_sum == 0 or hidden_sum >= MIN_ANSWERS, counts
        hidden = [v for v, c in shown.items() if c is None]
        # A single hidden cell would equal the remainder: never exactly one.
        assert len(hidden) != 1, counts


def test_shares_are_hidden_with_their_counts():
    summary = summarise(_tally(12, yes=9, partly=3))
    assert summary.respect.cell("yes").count is None
    assert summary.respect.cell("yes").share is None
    assert summary.respect.cell("partly").share is None


def test_week_of_is_the_monday_in_brussels_time():
    # Sunday 23:30 in Brussels is still that week, though it is Sunday 22:30 UTC.
    sunday_night = datetime(2026, 12, 6, 23, 30, tzinfo=BRUSSELS)
    assert week_of(sunday_night) == date(2026, 11, 30)
    monday = datetime(2026, 12, 7, 0, 5, tzinfo=BRUSSELS)
    assert week_of(monday) == date(2026, 12, 7)


@pytest.mark.django_db
def test_only_the_52_ended_weeks_count():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=BRUSSELS)  # a Thursday
    first, last = published_weeks(now)
    assert last == date(2026, 11, 23)  # last week's Monday; this week is not over
    svc = make.service()
    make.answers(svc, week_of(now), 5)  # this week: not yet
    make.answers(svc, last, 4)
    make.answers(svc, first, 1)  # 52 weeks back: still counts
    make.answers(svc, date(2025, 11, 24), 3)  # 53 weeks back: no longer
    assert tally(svc.pk, now).answers == 5
    # Once the week is over, its 5 answers join and the oldest week's one leaves.
    assert tally(svc.pk, datetime(2026, 12, 7, 0, 1, tzinfo=BRUSSELS)).answers == 9
