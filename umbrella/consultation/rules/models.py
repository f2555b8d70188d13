"""The harmonisation monitor: each municipality's rules on sex work, side by side.

One ``MunicipalityRecord`` per municipality (19), keyed by NIS code, whether
or not a rule is known: a municipality without a known rule says so
(``no_rule_known``, flagged "to verify") instead of being left out. Each
known rule is a ``MunicipalRule`` with its kind, date, legal status, summary
in three languages and source.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.areas.models import name_in_language
from umbrella.core.translation import Translatable

__all__ = [
    "DatePrecision",
    "MunicipalRule",
    "MunicipalityRecord",
    "RuleKind",
    "RuleStatus",
]


class RuleKind(models.TextChoices):
    POLICE_REGULATION = "police_regulation", _("Police regulation")
    URBANISM = "urbanism", _("Urbanism")
    TAX = "tax", _("Tax")
    OTHER = "other", _("Other")


class RuleStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    ANNULLED = "annulled", _("Annulled by the Council of State")
    # The sources do not say which of the above holds today.
    UNCONFIRMED = "unconfirmed", _("Status not confirmed")


class DatePrecision(models.TextChoices):
    """How much of ``date`` is known: sources often give only the year."""

    YEAR = "year", _("Year only")
    MONTH = "month", _("Month")
    DAY = "day", _("Exact day")


class MunicipalityRecord(Translatable):
    """One of the 19 municipalities as the monitor sees it."""

    TRANSLATED_FIELDS = ("note",)

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=100)
    name_fr = models.CharField(_("French name"), max_length=100)
    police_zone_code = models.CharField(_("police zone"), max_length=4, blank=True)
    no_rule_known = models.BooleanField(
        _("no rule on sex work known"),
        default=False,
        help_text=_("No source known to the platform mentions a rule of this municipality."),
    )
    to_verify = models.BooleanField(_("to verify"), default=True)
    note_nl = models.TextField(_("note (Dutch)"), blank=True)
    note_fr = models.TextField(_("note (French)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta:
        verbose_name = _("municipality (rules monitor)")
        verbose_name_plural = _("municipalities (rules monitor)")
        ordering = ["nis_code"]

    def __str__(self) -> str:
        return f"{self.nis_code} {self.name}"

    @property
    def name(self) -> str:
        return name_in_language(self.name_nl, self.name_fr)

    @property
    def note_pair(self) -> tuple[str, str]:
        return self.translated_with_language("note")


class MunicipalRule(Translatable):
    """A municipal rule on sex work: its kind, date, legal status and source."""

    TRANSLATED_FIELDS = ("title", "summary")

    municipality = models.ForeignKey(
        MunicipalityRecord,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("municipality"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date known to"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(_("status"), max_length=16, choices=RuleStatus.choices)
    source_url = models.URLField(_("source link"), blank=True)
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    to_verify = models.BooleanField(_("to verify"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("municipal rule")
        verbose_name_plural = _("municipal rules")
        ordering = ["municipality__nis_code", "kind", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.municipality.nis_code} {self.get_kind_display()}: {self.translated('title')}"

    @property
    def title_pair(self) -> tuple[str, str]:
        return self.translated_with_language("title")

    @property
    def summary_pair(self) -> tuple[str, str]:
        return self.translated_with_language("summary")

    def date_display(self) -> str:
        """Return the date as far as it is known ("2011", "2017-03", "2017-03-14"), or ""."""
        if self.date is None:
            return ""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == DatePrecision.MONTH:
            return f"{self.date:%Y-%m}"
        return self.date.isoformat()
