"""The courses' tables: the content, and the learning records.

Content: course → modules → lessons; each module's question bank. The content
is written as TOML files (``umbrella/training/content/<slug>/``) and loaded by
``manage.py load_training`` (``content_loader.py``), which updates these rows in
place by slug. Questions are never deleted by a reload while attempts refer to
them: a question that left the files is retired (``in_bank`` False), so an old
attempt still shows what was asked.

Learning records: quiz attempts, certificates, cohorts and invitations.
Attempts are kept (every one, passed or not): they are the completion record.
A module is complete for a person when one of their attempts at its quiz
passed; a course when every module (not retired) is complete.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Organisation
from umbrella.core.translation import Translatable

__all__ = [
    "Attempt",
    "AttemptItem",
    "Certificate",
    "CertificateStatus",
    "Choice",
    "Cohort",
    "CohortMember",
    "Course",
    "Invitation",
    "Lesson",
    "Module",
    "Question",
    "QuestionKind",
]

# The course whose certificate counts for coverage and the directory label.
STIGMA_COURSE_SLUG = "working-without-stigma"


class Course(Translatable):
    TRANSLATED_FIELDS = ("title", "summary")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    version = models.PositiveIntegerField(_("content version"), default=1)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (%)"),
        default=80,
        help_text=_("Percent needed to pass each module's quiz."),
    )
    questions_per_quiz = models.PositiveSmallIntegerField(
        _("questions per quiz"),
        default=5,
        help_text=_("Drawn at random from each module's question bank."),
    )
    certificate_valid_days = models.PositiveIntegerField(_("certificate valid (days)"), default=730)
    refresher_due_days = models.PositiveIntegerField(
        _("refresher due (days before the certificate lapses)"), default=60
    )
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title_en or self.slug


class Module(Translatable):
    TRANSLATED_FIELDS = ("title", "summary")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    # A module that left the content files; kept while attempts refer to it.
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="training_module_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course.slug}/{self.slug}"

    def bank(self):
        """Return the questions in this module's bank (not retired)."""
        return self.questions.filter(in_bank=True)


class Lesson(Translatable):
    TRANSLATED_FIELDS = ("title", "body")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_nl = models.TextField(_("body (Dutch, Markdown)"))
    body_fr = models.TextField(_("body (French, Markdown)"))
    body_en = models.TextField(_("body (English, Markdown)"))

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="training_lesson_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.module}/{self.slug}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(Translatable):
    TRANSLATED_FIELDS = ("text", "explanation")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="questions", verbose_name=_("module")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text_nl = models.TextField(_("question (Dutch)"))
    text_fr = models.TextField(_("question (French)"))
    text_en = models.TextField(_("question (English)"))
    explanation_nl = models.TextField(_("explanation (Dutch)"))
    explanation_fr = models.TextField(_("explanation (French)"))
    explanation_en = models.TextField(_("explanation (English)"))
    in_bank = models.BooleanField(
        _("in the question bank"),
        default=True,
        help_text=_("Questions removed from the content stay for the attempts that used them."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="training_question_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.module}/{self.slug}"

    def correct_choice_ids(self) -> set[int]:
        return {c.pk for c in self.choices.all() if c.is_correct}


class Choice(Translatable):
    TRANSLATED_FIELDS = ("text",)

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    is_correct = models.BooleanField(_("correct"), default=False)
    text_nl = models.TextField(_("text (Dutch)"))
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"))

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="training_choice_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text_en[:60]


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_attempts",
        verbose_name=_("person"),
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("module")
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    passing_score = models.PositiveSmallIntegerField(_("passing score (%)"))
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        indexes = [
            # "has this person passed this module (since …)?" — progress and completion.
            models.Index(fields=["user", "module", "passed"], name="training_attempt_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.module} · {self.started_at:%Y-%m-%d %H:%M}"

    def is_finished(self) -> bool:
        return self.finished_at is not None


class AttemptItem(models.Model):
    """One question drawn for an attempt, and the answer given."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    chosen = models.ManyToManyField(Choice, blank=True, related_name="+", verbose_name=_("chosen"))
    answered = models.BooleanField(_("answered"), default=False)
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="training_attempt_item_no_repeat"
            ),
            models.UniqueConstraint(
                fields=["attempt", "position"], name="training_attempt_item_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_certificates",
        verbose_name=_("person"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    # Unguessable: 100 random bits in Crockford base32, shown in groups.
    code = models.CharField(_("code"), max_length=32, unique=True)
    # The name printed on the certificate, as it was when it was issued.
    holder_name = models.CharField(_("name on the certificate"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateTimeField(_("valid until"))
    refresher_due_at = models.DateTimeField(_("refresher due"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        indexes = [
            # Coverage: "which members hold a certificate valid at t?"
            models.Index(fields=["course", "valid_until"], name="training_cert_valid"),
        ]

    def __str__(self) -> str:
        return self.code

    def status_at(self, at: datetime) -> str:
        """Return the status at ``at``: revoked, expired (``valid_until`` reached) or valid."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return CertificateStatus.REVOKED
        if at >= self.valid_until:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def is_valid_at(self, at: datetime) -> bool:
        return self.status_at(at) == CertificateStatus.VALID

    def is_refresher_due_at(self, at: datetime) -> bool:
        return self.is_valid_at(at) and at >= self.refresher_due_at

    def expires_within(self, at: datetime, days: int) -> bool:
        return self.is_valid_at(at) and self.valid_until <= at + timedelta(days=days)


class Cohort(models.Model):
    """A group of an organisation's staff taking a course by a deadline."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="training_cohorts",
        verbose_name=_("organisation"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course")
    )
    name = models.CharField(_("name"), max_length=120)
    deadline = models.DateField(_("deadline"))
    # Staff join with this code (unguessable, shown to the organisation's managers).
    join_code = models.CharField(_("join code"), max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["deadline", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="training_cohort_name_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}"


class CohortMember(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="members", verbose_name=_("cohort")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_cohorts",
        verbose_name=_("person"),
    )
    joined_at = models.DateTimeField(_("joined"))

    class Meta:
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="training_cohort_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class Invitation(models.Model):
    """An e-mail invitation to join a cohort. The address is erased once accepted."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("cohort")
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    # SHA-256 of the token in the link; the token itself is only in the e-mail.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d}"
