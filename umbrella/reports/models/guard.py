"""The anti-targeting guard's word lists, editable in the admin.

A report is held when it uses a phrase of the "always" list, or a word that
names sex workers together with a word about their presence or removal
("there are always prostitutes here", "get rid of the hookers"). Categories
about sex workers' own safety are not checked (``Category.guarded``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardTermKind(models.TextChoices):
    PERSON = "person", _("Names sex workers")
    PRESENCE = "presence", _("About presence or removal")
    ALWAYS = "always", _("Holds the report on its own")


class GuardTerm(models.Model):
    """A word or phrase the guard looks for (case and accents ignored, whole words)."""

    kind = models.CharField(_("kind"), max_length=16, choices=GuardTermKind.choices)
    language = models.CharField(_("language"), max_length=8)
    term = models.CharField(
        _("word or phrase"),
        max_length=100,
        help_text=_("Matched as whole words; end with * to match any ending (e.g. prostitu*)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("guard term")
        verbose_name_plural = _("guard terms")
        ordering = ["kind", "language", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "term"], name="reports_guard_term_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.language}, {self.get_kind_display()})"
