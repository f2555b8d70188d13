"""Learning records: quiz attempts, certificates, cohorts and invitations.

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
from umbrella.training.models.courses import Choice, Course, Module, Question

__all__ = [
    "Attempt",
    "AttemptItem",
    "Certificate",
    "CertificateStatus",
    "Cohort",
    "CohortMember",
    "Invitation",
]


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
