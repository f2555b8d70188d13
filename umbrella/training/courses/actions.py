"""Actions of the courses: quiz attempts, scoring, certificates; cohorts, invitations
by e-mail, joining by code. Each action is one transaction.

Scoring (see docs/training.md):
- a single-choice question is right when the one chosen choice is the correct one;
- a multiple-choice question is right only when exactly the set of correct
  choices is chosen (no partial credit: one missed or one extra choice is wrong);
- the score is the percentage of questions right, rounded down; the quiz is
  passed when the score reaches the passing score.

Enrolment: only an organisation's managers (``MembershipRole.MANAGER``) form
cohorts and invite; a person who joins a cohort becomes a member of its
organisation, so they count in its coverage.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, Organisation
from umbrella.training.courses import queries
from umbrella.training.courses.models import (
    Attempt,
    AttemptItem,
    Certificate,
    Cohort,
    CohortMember,
    Course,
    Invitation,
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


# --- Enrolment: cohorts, invitations, join codes ------------------------------

# An invitation link works for this long; the organisation can send a new one.
INVITATION_VALID_DAYS = 30


class EnrolmentError(Exception):
    """A refused enrolment step; ``str()`` is a sentence for people."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code() -> str:
    """Return 10 random Crockford base32 characters (50 bits), easy to type."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(10))


def normalise_join_code(code: str) -> str:
    return queries.normalise_code(code)[:16]


def _require_manager(user, organisation: Organisation) -> None:
    if not queries.is_manager(user, organisation):
        raise EnrolmentError(_("Only a manager of this organisation can do this."))


@transaction.atomic
def create_cohort(
    manager, organisation: Organisation, course: Course, name: str, deadline: date
) -> Cohort:
    _require_manager(manager, organisation)
    name = name.strip()
    if Cohort.objects.filter(organisation=organisation, name=name).exists():
        raise EnrolmentError(_("Your organisation already has a group with this name."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Cohort.objects.create(
                    organisation=organisation,
                    course=course,
                    name=name,
                    deadline=deadline,
                    join_code=new_join_code(),
                    created_by=manager,
                )
        except IntegrityError:  # a join code drawn twice: draw again
            continue
    raise EnrolmentError(_("The group could not be created. Please try again."))


@transaction.atomic
def join_cohort(user, cohort: Cohort, now: datetime) -> CohortMember:
    """Add ``user`` to ``cohort`` (and to its organisation's members); idempotent."""
    if not Membership.objects.filter(user=user, organisation=cohort.organisation).exists():
        accounts_actions.add_membership(user, cohort.organisation)
    member, _created = CohortMember.objects.get_or_create(
        cohort=cohort, user=user, defaults={"joined_at": now}
    )
    return member


@transaction.atomic
def join_with_code(user, code: str, now: datetime) -> CohortMember:
    cohort = Cohort.objects.filter(join_code=normalise_join_code(code)).first()
    if cohort is None:
        raise EnrolmentError(_("No training group has this code. Check it and try again."))
    return join_cohort(user, cohort, now)


@transaction.atomic
def invite_by_email(
    manager, cohort: Cohort, email: str, now: datetime, language: str = "en"
) -> Invitation:
    """Record an invitation and e-mail its link (after the commit)."""
    _require_manager(manager, cohort.organisation)
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        cohort=cohort,
        email=email.strip(),
        token_hash=_hash(token),
        invited_by=manager,
        created_at=now,
    )
    with translation.override(language):
        link = settings.SITE_URL.rstrip("/") + reverse("training:accept", kwargs={"token": token})
        subject = _("Invitation to a training course")
        body = _(
            '%(organisation)s invites you to the training group "%(cohort)s" '
            "(deadline: %(deadline)s).\n\nSign in to Umbrella and open this link to join:\n"
            "%(link)s\n"
        ) % {
            "organisation": cohort.organisation.name,
            "cohort": cohort.name,
            "deadline": cohort.deadline.isoformat(),
            "link": link,
        }
    address = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("cohort__organisation", "cohort__course")
        .filter(token_hash=_hash(token or ""))
        .first()
    )


@transaction.atomic
def accept_invitation(user, invitation: Invitation, now: datetime) -> CohortMember:
    """Join the invitation's cohort; the e-mail address is erased (no longer needed)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
        raise EnrolmentError(_("This invitation has already been used."))
    if invitation.accepted_at is None and now >= invitation.created_at + timedelta(
        days=INVITATION_VALID_DAYS
    ):
        raise EnrolmentError(
            _("This invitation has expired. Ask your organisation for a new one or a join code.")
        )
    member = join_cohort(user, invitation.cohort, now)
    if invitation.accepted_at is None:
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.email = ""
        invitation.save(update_fields=["accepted_at", "accepted_by", "email"])
    return member


@transaction.atomic
def ensure_cohort(organisation: Organisation, course: Course, name: str, deadline: date) -> Cohort:
    """Return the organisation's cohort with this name, created or updated (for the demo)."""
    cohort = Cohort.objects.filter(organisation=organisation, name=name).first()
    if cohort is None:
        return Cohort.objects.create(
            organisation=organisation,
            course=course,
            name=name,
            deadline=deadline,
            join_code=new_join_code(),
        )
    cohort.course, cohort.deadline = course, deadline
    cohort.save(update_fields=["course", "deadline"])
    return cohort


@transaction.atomic
def erase_expired_invitation_addresses(now: datetime) -> int:
    """Erase the e-mail address of invitations that expired unused; return how many."""
    return (
        Invitation.objects.filter(
            accepted_at__isnull=True,
            created_at__lte=now - timedelta(days=INVITATION_VALID_DAYS),
        )
        .exclude(email="")
        .update(email="")
    )
