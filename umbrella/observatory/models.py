"""The observatory's roll-up tables (docs/observatory.md).

Figures are never computed from raw rows per request: the worker folds
alarms, check-ins and reports into ``Tally`` rows, one count per measure,
month and municipality (and, for the time-to-act histograms, per bucket),
and ``queries`` sums those few rows into every published table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tally(models.Model):
    """How many events of one measure one municipality had in one month.

    ``nis_code`` is empty for events whose place is unknown (they count
    region-wide only); ``bucket`` is the lower bound of a histogram bucket
    (seconds or minutes) for time measures, -1 for plain counts.
    """

    measure = models.CharField(_("measure"), max_length=40)
    month = models.DateField(_("month"))
    nis_code = models.CharField(_("municipality NIS code"), max_length=5, blank=True)
    bucket = models.IntegerField(_("histogram bucket"), default=-1)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("roll-up count")
        verbose_name_plural = _("roll-up counts")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month", "nis_code", "bucket"], name="observatory_tally_unique"
            )
        ]
        # The first and last month of the roll-up (every dataset's first period, the
        # catalogue's coverage) read off this index instead of scanning every row.
        indexes = [models.Index(fields=["month"], name="observatory_tally_month")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.nis_code or '-'}: {self.count}"


class Watermark(models.Model):
    """How far the roll-up of one source has read; ``generation`` grows with every change."""

    source = models.CharField(_("source"), max_length=40, unique=True)
    refreshed_until = models.DateTimeField(_("refreshed until"))
    generation = models.PositiveIntegerField(_("generation"), default=0)
    # The highest raw-row id read: a row stamped before the watermark (back-dated,
    # for example an alarm sent late from a phone that was offline) has a higher id.
    last_id = models.BigIntegerField(_("last row id read"), default=0)

    class Meta:
        verbose_name = _("roll-up watermark")
        verbose_name_plural = _("roll-up watermarks")

    def __str__(self) -> str:
        return f"{self.source} until {self.refreshed_until:%Y-%m-%d %H:%M}"


class Cube(models.Model):
    """One dataset's protected cube, computed once per roll-up generation and month.

    The worker computes it right after a refresh, so no request has to: a
    web process reads it (one row) instead of running the disclosure
    control itself. ``cells`` is a list of ``[level, code, period, value,
    suppressed]``.
    """

    slug = models.CharField(_("dataset"), max_length=60)
    generation = models.PositiveIntegerField(_("generation"))
    month = models.DateField(_("month computed in"))
    cells = models.JSONField(_("cells"))

    class Meta:
        verbose_name = _("protected cube")
        verbose_name_plural = _("protected cubes")
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "generation", "month"], name="observatory_cube_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} generation {self.generation} ({self.month:%Y-%m})"


class RenderedFigures(models.Model):
    """The observatory page's figures for one language and selection, as HTML.

    Rendered by the worker right after it stores the cubes (``pages.render_all``),
    per roll-up generation and day, so no visitor waits for a render.
    """

    language = models.CharField(_("language"), max_length=8)
    period = models.CharField(_("periods"), max_length=8)
    by = models.CharField(_("areas"), max_length=16)
    generation = models.PositiveIntegerField(_("generation"))
    day = models.DateField(_("day"))
    html = models.TextField(_("HTML"))

    class Meta:
        verbose_name = _("rendered figures")
        verbose_name_plural = _("rendered figures")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "period", "by", "generation", "day"],
                name="observatory_rendered_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.period} {self.by} generation {self.generation}"
