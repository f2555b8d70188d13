"""Actions: quiz attempts, scoring, certificates. Each action is one transaction.

Scoring (see docs/training.md):
- a single-choice question is right when the one chosen choice is the correct one;
- a multiple-choice question is right only when exactly the set of correct
  choices is chosen (no partial credit: one missed or one extra choice is wrong);
- the score is the percentage of questions right, rounded down; the quiz is
  passed when the score reaches the passing score.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from umbrella.training import queries
from umbrella.training.models import (
    Attempt,
    AttemptItem,
    Certificate,
    Course,
    Module,
    Question,
    QuestionKind,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class QuizError(Exception):
    """An attempt that cannot be started or submitted; ``str()`` is for people."""


# --- Scoring (pure) -------------------------------------------------------------


def is_answer_correct(kind: str, correct_ids: Iterable[int], chosen_ids: Iterable[int]) -> bool:
    """Return whether the chosen choices answer the question right."""
    correct, chosen = set(correct_ids), set(chosen_ids)
    if kind == QuestionKind.SINGLE and len(chosen) != 1:
        return False
    return bool(chosen) and chosen == correct


def score_percent(right: int, total: int) -> int:
    """Return the score in whole percent, rounded down (4 of 6 is 66, not 67)."""
    if total <= 0:
        return 0
    return (100 * right) // total


def draw_questions(bank: list[Question], count: int, rng: random.Random | None = None):
    """Return ``count`` questions of ``bank`` drawn at random without repeats
    (the whole bank, shuffled, when it holds fewer)."""
    rng = rng or random.SystemRandom()
    return rng.sample(list(bank), min(count, len(bank)))


# --- Attempts -------------------------------------------------------------------


@transaction.atomic
def start_attempt(user, module: Module, now: datetime, rng: random.Random | None = None) -> Attempt:
    """Start an attempt at the module's quiz with questions drawn from its bank."""
    course = module.course
    bank = list(module.bank().order_by("position"))
    if not bank:
        raise QuizError(_("This module has no quiz questions yet."))
    attempt = Attempt.objects.create(
        user=user, module=module, started_at=now, passing_score=course.passing_score
    )
    drawn = draw_questions(bank, course.questions_per_quiz, rng)
    AttemptItem.objects.bulk_create(
        AttemptItem(attempt=attempt, question=q, position=i) for i, q in enumerate(drawn, start=1)
    )
    return attempt


@transaction.atomic
def submit_attempt(
    attempt: Attempt, answers: Mapping[int, Iterable[int]], now: datetime
) -> Attempt:
    """Score an attempt. ``answers`` maps a question id to the chosen choice ids.

    Choice ids that do not belong to the question are ignored. Passing the last
    module of a course issues the certificate (``issue_certificate_if_complete``).
    """
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.finished_at is not None:
        raise QuizError(_("This quiz was already submitted. Start a new attempt to try again."))
    items = list(attempt.items.select_related("question").prefetch_related("question__choices"))
    right = 0
    for item in items:
        question = item.question
        valid_ids = {c.pk for c in question.choices.all()}
        chosen = [cid for cid in answers.get(question.pk, ()) if cid in valid_ids]
        item.answered = bool(chosen)
        item.is_correct = is_answer_correct(question.kind, question.correct_choice_ids(), chosen)
        item.save(update_fields=["answered", "is_correct"])
        item.chosen.set(chosen)
        right += item.is_correct
    attempt.score = score_percent(right, len(items))
    attempt.passed = attempt.score >= attempt.passing_score
    attempt.finished_at = now
    attempt.save(update_fields=["score", "passed", "finished_at"])
    if attempt.passed:
        issue_certificate_if_complete(attempt.user, attempt.module.course, now)
    return attempt


# --- Certificates -----------------------------------------------------------------


def new_certificate_code() -> str:
    """Return 20 random Crockford base32 characters (100 bits)."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(20))


def format_code(code: str) -> str:
    """Return the code in groups of four for print: ``ABCD-EFGH-…``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


@transaction.atomic
def issue_certificate_if_complete(user, course: Course, now: datetime) -> Certificate | None:
    """Issue a certificate when the course is complete and none is held that is
    still valid and not yet due for a refresher. Return the new certificate or None."""
    # Serialise a person's completions: two last quizzes submitted at once
    # (two tabs) must not issue two certificates.
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    since = queries.completion_window_start(user, course, now)
    current = queries.current_certificate(user, course, now)
    if current is not None and not current.is_refresher_due_at(now):
        return None
    if not queries.is_course_complete(user, course, since):
        return None
    return issue_certificate(user, course, now)


@transaction.atomic
def issue_certificate(user, course: Course, now: datetime) -> Certificate:
    # In UTC: durations are exact (730 × 24 h), whatever DST does in Brussels meanwhile.
    now = now.astimezone(UTC)
    valid_until = now + timedelta(days=course.certificate_valid_days)
    return Certificate.objects.create(
        user=user,
        course=course,
        code=new_certificate_code(),
        holder_name=display_name(user)[:200],
        issued_at=now,
        valid_until=valid_until,
        refresher_due_at=valid_until - timedelta(days=course.refresher_due_days),
    )


@transaction.atomic
def revoke_certificate(certificate: Certificate, now: datetime) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = now
        certificate.save(update_fields=["revoked_at"])
    return certificate
