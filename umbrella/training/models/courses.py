"""Courses and their content: course → modules → lessons; each module's question bank.

The content is written as TOML files (``umbrella/training/content/<slug>/``) and
loaded by ``manage.py load_training`` (``content_loader.py``), which updates these
rows in place by slug. Questions are never deleted by a reload while attempts
refer to them: a question that left the files is retired (``in_bank`` False), so
an old attempt still shows what was asked.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.directory.models.translation import Translatable

__all__ = ["Choice", "Course", "Lesson", "Module", "Question", "QuestionKind"]

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
