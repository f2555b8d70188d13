"""Quiz scoring, passing, drawing and completion."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from umbrella.training.courses import queries
from umbrella.training.courses.actions import (
    QuizError,
    draw_questions,
    is_answer_correct,
    score_percent,
    start_attempt,
    submit_attempt,
)
from umbrella.training.models import Attempt, QuestionKind
from umbrella.training.tests.factories import make_course, pass_course, right_answers, wrong_answers


def test_single_choice_is_right_only_with_the_correct_choice():
    assert is_answer_correct(QuestionKind.SINGLE, {1}, [1])
    assert not is_answer_correct(QuestionKind.SINGLE, {1}, [2])
    assert not is_answer_correct(QuestionKind.SINGLE, {1}, [])
    # Two choices ticked on a single-choice question is not an answer.
    assert not is_answer_correct(QuestionKind.SINGLE, {1}, [1, 2])


def test_multiple_choice_is_right_only_with_exactly_the_correct_set():
    assert is_answer_correct(QuestionKind.MULTIPLE, {1, 2}, [2, 1])
    assert not is_answer_correct(QuestionKind.MULTIPLE, {1, 2}, [1])  # one missed
    assert not is_answer_correct(QuestionKind.MULTIPLE, {1, 2}, [1, 2, 3])  # one extra
    assert not is_answer_correct(QuestionKind.MULTIPLE, {1, 2}, [])
    assert is_answer_correct(QuestionKind.MULTIPLE, {3}, [3])


def test_score_is_rounded_down():
    assert score_percent(4, 5) == 80
    assert score_percent(2, 3) == 66
    assert score_percent(5, 5) == 100
    assert score_percent(0, 0) == 0


def test_drawing_is_random_without_repeats_and_reproducible_with_a_seed():
    bank = list(range(8))
    first = draw_questions(bank, 5, random.Random(42))
    assert len(first) == 5 and len(set(first)) == 5
    assert draw_questions(bank, 5, random.Random(42)) == first
    draws = {tuple(draw_questions(bank, 5, random.Random(seed))) for seed in range(20)}
    assert len(draws) > 1  # different seeds, different draws
    assert sorted(draw_questions(bank[:3], 5, random.Random(1))) == [0, 1, 2]


@pytest.mark.django_db
def test_attempt_draws_questions_of_the_module_without_repeats(staff):
    course = make_course(modules=1, questions=8, per_quiz=5)
    module = course.modules.get()
    attempt = start_attempt(staff, module, timezone.now(), random.Random(7))
    questions = list(attempt.items.values_list("question__slug", flat=True))
    assert len(questions) == 5 and len(set(questions)) == 5
    assert all(slug.startswith("m1-") for slug in questions)
    again = start_attempt(staff, module, timezone.now(), random.Random(7))
    assert list(again.items.values_list("question__slug", flat=True)) == questions


@pytest.mark.django_db
def test_passing_needs_the_passing_score(staff):
    course = make_course(modules=1, questions=6, per_quiz=5, passing_score=80)
    module = course.modules.get()
    now = timezone.now()
    one_wrong = start_attempt(staff, module, now)
    submit_attempt(one_wrong, wrong_answers(one_wrong, 1), now)
    one_wrong.refresh_from_db()
    assert (one_wrong.score, one_wrong.passed) == (80, True)

    two_wrong = start_attempt(staff, module, now)
    submit_attempt(two_wrong, wrong_answers(two_wrong, 2), now)
    two_wrong.refresh_from_db()
    assert (two_wrong.score, two_wrong.passed) == (60, False)
    assert two_wrong.items.filter(is_correct=False).count() == 2


@pytest.mark.django_db
def test_unanswered_and_foreign_choices_count_as_wrong(staff):
    course = make_course(modules=1, questions=5, per_quiz=5)
    module = course.modules.get()
    now = timezone.now()
    attempt = start_attempt(staff, module, now)
    answers = right_answers(attempt)
    first, second = list(answers)[:2]
    answers.pop(first)
    answers[second] = [999999]  # not a choice of this question
    submit_attempt(attempt, answers, now)
    attempt.refresh_from_db()
    assert attempt.score == 60
    assert not attempt.items.get(question_id=first).answered


@pytest.mark.django_db
def test_attempts_are_kept_and_cannot_be_submitted_twice(staff):
    course = make_course(modules=1)
    module = course.modules.get()
    now = timezone.now()
    attempt = start_attempt(staff, module, now)
    submit_attempt(attempt, wrong_answers(attempt, 5), now)
    with pytest.raises(QuizError):
        submit_attempt(attempt, right_answers(attempt), now)
    retry = start_attempt(staff, module, now)
    submit_attempt(retry, right_answers(retry), now)
    assert Attempt.objects.filter(user=staff, module=module).count() == 2
    assert list(
        Attempt.objects.filter(user=staff).order_by("pk").values_list("passed", flat=True)
    ) == [False, True]


@pytest.mark.django_db
def test_module_complete_when_passed_course_when_every_module_is(staff):
    course = make_course(modules=2)
    first, second = course.modules.order_by("position")
    now = timezone.now()
    assert not queries.is_course_complete(staff, course)
    attempt = start_attempt(staff, first, now)
    submit_attempt(attempt, right_answers(attempt), now)
    assert queries.passed_module_ids(staff, course) == {first.pk}
    assert not queries.is_course_complete(staff, course)
    assert not staff.training_certificates.exists()
    attempt = start_attempt(staff, second, now)
    submit_attempt(attempt, right_answers(attempt), now)
    assert queries.is_course_complete(staff, course)
    assert staff.training_certificates.count() == 1


@pytest.mark.django_db
def test_a_failed_attempt_does_not_complete_a_module(staff):
    course = make_course(modules=1)
    now = timezone.now()
    attempt = start_attempt(staff, course.modules.get(), now)
    submit_attempt(attempt, wrong_answers(attempt, 3), now)
    assert not queries.is_course_complete(staff, course)
    assert not staff.training_certificates.exists()


@pytest.mark.django_db
def test_passing_again_does_not_issue_a_second_certificate(staff):
    course = make_course(modules=1)
    now = timezone.now()
    pass_course(staff, course, now)
    pass_course(staff, course, now)
    assert staff.training_certificates.count() == 1
