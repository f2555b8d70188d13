"""The recommendations tracker: the resolution's recommendations, their progress and history.

Statuses each carry a default progress (``DEFAULT_PROGRESS``). A recommendation
with sub-recommendations does not take a progress figure of its own: it is the
weighted mean of its children's (``tracker/actions.py``, ``weighted_progress``);
abandoned children are left out of that mean. Every change of status or
progress, every milestone change and every roll-up is a ``RecommendationChange``
row (who, what, when, old and new values), optionally tied to the platform
decision that caused it. Who is told of a change: ``following/models.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from umbrella.core.crypto import EncryptedTextField
from umbrella.core.translation import Translatable

__all__ = [
    "AS_REPORTED_NOTE",
    "DEFAULT_PROGRESS",
    "Actor",
    "ChangeKind",
    "Milestone",
    "Recommendation",
    "RecommendationChange",
    "RecommendationComment",
    "RecommendationIndicator",
    "Responsibility",
    "TrackerStatus",
]

AS_REPORTED_NOTE = _("As reported in the press — official text to be attached.")


class TrackerStatus(models.TextChoices):
    # With a context: other catalogues translate "In progress" for reports, not recommendations.
    NOT_STARTED = "not_started", pgettext_lazy("recommendation status", "Not started")
    IN_PREPARATION = "in_preparation", pgettext_lazy("recommendation status", "In preparation")
    IN_PROGRESS = "in_progress", pgettext_lazy("recommendation status", "In progress")
    IMPLEMENTED = "implemented", pgettext_lazy("recommendation status", "Implemented")
    ABANDONED = "abandoned", pgettext_lazy("recommendation status", "Abandoned")


# The progress a status sets when no figure is given with it. ABANDONED has
# none: an abandoned recommendation keeps the figure it had reached (the work
# done stays visible) and is left out of its parent's roll-up.
DEFAULT_PROGRESS: dict[str, int] = {
    TrackerStatus.NOT_STARTED: 0,
    TrackerStatus.IN_PREPARATION: 10,
    TrackerStatus.IN_PROGRESS: 50,
    TrackerStatus.IMPLEMENTED: 100,
}


class Actor(models.TextChoices):
    """Who the resolution makes responsible (several per recommendation)."""

    REGION = "region", _("Brussels-Capital Region")
    COCOM = "cocom", _("COCOM/GGC (Common Community Commission)")
    MUNICIPALITIES = "municipalities", _("Municipalities")
    POLICE_ZONES = "police_zones", _("Police zones")
    OCMW_CPAS = "ocmw_cpas", _("OCMW/CPAS")
    ACTIRIS = "actiris", _("Actiris")
    SAFE_BRUSSELS = "safe_brussels", _("safe.brussels (Brussels Prevention & Security)")
    FEDERAL = "federal", _("Federal government")
    FIELD_ORGANISATIONS = "field_organisations", _("Field organisations")
    SEX_WORKER_ORGANISATIONS = "sex_worker_organisations", _("Sex-worker organisations")
    PLATFORM = "platform", _("Regional consultation platform")


class Recommendation(Translatable):
    """One recommendation of the resolution, or a part of one (``parent``)."""

    TRANSLATED_FIELDS = ("title", "summary")

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    number = models.CharField(
        _("number"), max_length=12, help_text=_("Its number in the resolution, e.g. 4 or 2.1.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("How much this part counts in its parent's progress (1 or more)."),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    as_reported = models.BooleanField(
        _("as reported in the press"),
        default=True,
        help_text=_(
            "The text comes from press reports; untick once the official text is attached."
        ),
    )
    official_text_url = models.URLField(_("official text"), blank=True)
    highlighted = models.BooleanField(_("one of the five highlighted measures"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TrackerStatus.choices,
        default=TrackerStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="consultation_recommendation_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1), name="consultation_recommendation_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.translated('title')}"

    def get_absolute_url(self) -> str:
        return reverse("consultation:recommendation", args=[self.slug])

    @property
    def title_pair(self) -> tuple[str, str]:
        """``(title, language)`` in the active language or its fallback (for ``lang``)."""
        return self.translated_with_language("title")

    @property
    def summary_pair(self) -> tuple[str, str]:
        return self.translated_with_language("summary")

    def is_abandoned(self) -> bool:
        return self.status == TrackerStatus.ABANDONED

    def ancestors(self) -> list[Recommendation]:
        """Return the parent, its parent … up to the top."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class Responsibility(models.Model):
    """An actor the resolution makes responsible for a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name=_("recommendation"),
    )
    actor = models.CharField(_("responsible"), max_length=32, choices=Actor.choices)
    lead = models.BooleanField(_("leads"), default=False)

    class Meta:
        verbose_name = _("responsible actor")
        verbose_name_plural = _("responsible actors")
        ordering = ["-lead", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "actor"], name="consultation_responsibility_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_actor_display()


class Milestone(Translatable):
    """A dated step of a recommendation, with a link to the evidence once done."""

    TRANSLATED_FIELDS = ("title",)

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("recommendation"),
    )
    due_on = models.DateField(_("date"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=250, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=250, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    evidence_url = models.URLField(_("evidence"), blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.translated('title')}"

    @property
    def title_pair(self) -> tuple[str, str]:
        return self.translated_with_language("title")


class RecommendationIndicator(models.Model):
    """A live figure (``registry`` key) that measures a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="indicator_links",
        verbose_name=_("recommendation"),
    )
    key = models.CharField(
        _("indicator"),
        max_length=100,
        help_text=_("A registered key, e.g. directory.zones_with_reference."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator of a recommendation")
        verbose_name_plural = _("indicators of recommendations")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "key"], name="consultation_recommendation_indicator"
            )
        ]

    def __str__(self) -> str:
        return self.key


class ChangeKind(models.TextChoices):
    UPDATE = "update", _("Status or progress updated")
    ROLLUP = "rollup", _("Progress recomputed from its parts")
    MILESTONE = "milestone", _("Milestone changed")
    EDIT = "edit", _("Text or responsible actors edited")


# Edits made in the admin that are not fields of the recommendation itself.
EDIT_RELATED_LABELS = {
    "responsibilities": _("responsible actors"),
    "indicator_links": _("indicators"),
}


class RecommendationChange(models.Model):
    """One change of a recommendation: who, what, when, from what to what, why."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("recommendation"),
    )
    kind = models.CharField(_("what"), max_length=16, choices=ChangeKind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    changed_at = models.DateTimeField(_("when"))
    old_status = models.CharField(
        _("old status"), max_length=16, choices=TrackerStatus.choices, blank=True
    )
    new_status = models.CharField(
        _("new status"), max_length=16, choices=TrackerStatus.choices, blank=True
    )
    old_progress = models.PositiveSmallIntegerField(_("old progress"), null=True, blank=True)
    new_progress = models.PositiveSmallIntegerField(_("new progress"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision = models.ForeignKey(
        "consultation.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendation_changes",
        verbose_name=_("decision"),
    )
    milestone = models.ForeignKey(
        "consultation.Milestone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("milestone"),
    )
    # The change of a sub-recommendation that caused a roll-up.
    caused_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rollups",
        verbose_name=_("caused by"),
    )

    class Meta:
        verbose_name = _("change of a recommendation")
        verbose_name_plural = _("changes of recommendations")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            # A recommendation's history, newest first.
            models.Index(
                fields=["recommendation", "-changed_at"], name="consultation_change_history"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.kind} {self.changed_at:%Y-%m-%d %H:%M}"

    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    def edited_fields(self) -> list[str]:
        """The edited fields of an ``edit`` change, as labels in the active language."""
        if self.kind != ChangeKind.EDIT:
            return []
        labels = []
        for name in filter(None, (self.note or "").split(",")):
            if name in EDIT_RELATED_LABELS:
                labels.append(str(EDIT_RELATED_LABELS[name]))
                continue
            try:
                field = Recommendation._meta.get_field(name)
            except FieldDoesNotExist:  # a field since removed: show its code
                labels.append(name)
                continue
            labels.append(str(field.verbose_name) if isinstance(field, models.Field) else name)
        return labels

    def progress_changed(self) -> bool:
        return self.old_progress != self.new_progress


class RecommendationComment(models.Model):
    """A platform member's comment on an update of a recommendation (members-only)."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("recommendation"),
    )
    change = models.ForeignKey(
        RecommendationChange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("update"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = EncryptedTextField(_("comment"))
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("comment on a recommendation")
        verbose_name_plural = _("comments on recommendations")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.recommendation_id}"
