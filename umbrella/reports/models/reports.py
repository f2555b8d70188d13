"""Reports, the bodies they reached, their updates and their photo."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedFloatField, EncryptedTextField
from umbrella.reports.models.bodies import Body, Category

# 32 letters and digits without 0/o, 1/l/i: read aloud or copied by hand without doubt.
PUBLIC_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PUBLIC_ID_LENGTH = 12  # about 59 bits: not guessed, not counted


def new_public_id() -> str:
    """Return a fresh random public id for a report (its URL and Open311 id)."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", _("Closed")
    REFERRED = "referred", _("Referred to another body")


class CloseReason(models.TextChoices):
    NOT_RESPONSIBLE = "not_responsible", _("Not responsible")
    DUPLICATE = "duplicate", _("Duplicate")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")


class ReporterKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MERCHANT = "merchant", _("Merchant")
    SEX_WORKER = "sex_worker", _("Sex worker")
    OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
    OTHER = "other", _("Other")


class ModerationStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for moderation")
    RELEASED = "released", _("Released")
    DISMISSED = "dismissed", _("Dismissed")


class FixedAnswer(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")


class ReportSource(models.TextChoices):
    WEB = "web", _("Web page")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")


class Report(models.Model):
    """A liveability report.

    The precise point and the free text are encrypted at rest; the precise
    point is erased after a retention period (``tasks.erase_precise_points``),
    while ``public_lat``/``public_lon`` (rounded to about 50 m) stay. The
    follow-up code is stored only as its SHA-256 digest. ``is_public`` is kept
    by the actions: not confidential and not held (or dismissed) by the guard.
    """

    # The id the public sees (page URLs, Open311 service_request_id): random,
    # so reports cannot be counted or walked one by one; the primary key stays
    # internal (staff pages, bodies' messages).
    public_id = models.CharField(
        _("public id"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=24, choices=CloseReason.choices, blank=True
    )
    referred_to = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred to"),
    )
    reporter_kind = models.CharField(
        _("reporter"), max_length=20, choices=ReporterKind.choices, default=ReporterKind.OTHER
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    description = EncryptedTextField(_("description"))
    precise_lat = EncryptedFloatField(_("latitude (precise)"), null=True, blank=True)
    precise_lon = EncryptedFloatField(_("longitude (precise)"), null=True, blank=True)
    public_lat = models.FloatField(_("latitude (rounded)"))
    public_lon = models.FloatField(_("longitude (rounded)"))
    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("municipality"),
    )
    police_zone = models.ForeignKey(
        "areas.PoliceZone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("police zone"),
    )
    neighbourhood = models.ForeignKey(
        "areas.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("neighbourhood"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("responsible body"),
    )
    recipients = models.ManyToManyField(
        Body,
        through="ReportRecipient",
        related_name="received_reports",
        verbose_name=_("bodies that received it"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporter's account"),
    )
    email = EncryptedTextField(_("reporter's e-mail"), blank=True)
    follow_up_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The "is it fixed?" e-mail carries a code of its own (the follow-up code is
    # kept only as a digest, so it cannot be sent again); it opens the same page.
    question_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    wants_police = models.BooleanField(_("reporter asks for the police"), default=False)
    wants_victim_support = models.BooleanField(
        _("reporter chose a victim-support centre"), default=False
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    is_public = models.BooleanField(_("public"), default=False)
    guard_flagged = models.BooleanField(_("held by the anti-targeting guard"), default=False)
    guard_terms = models.JSONField(_("guard matches"), default=list, blank=True)
    moderation_status = models.CharField(
        _("moderation"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.NOT_NEEDED,
    )
    source = models.CharField(
        _("source"), max_length=16, choices=ReportSource.choices, default=ReportSource.WEB
    )
    created_at = models.DateTimeField(_("submitted"))
    status_changed_at = models.DateTimeField(_("status changed"))
    # The last public change (status or public update): Open311's updated_datetime.
    updated_at = models.DateTimeField(_("updated"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("fixed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Serves tasks.ask_fixed_questions: reports whose question is due and not asked yet.
    fixed_question_due_at = models.DateTimeField(
        _("'is it fixed?' due"), null=True, blank=True, db_index=True
    )
    fixed_question_asked_at = models.DateTimeField(_("'is it fixed?' asked"), null=True, blank=True)
    fixed_answer = models.CharField(
        _("'is it fixed?' answer"), max_length=12, choices=FixedAnswer.choices, blank=True
    )
    fixed_answered_at = models.DateTimeField(_("'is it fixed?' answered"), null=True, blank=True)
    precise_erased_at = models.DateTimeField(_("precise point erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The public list and Open311 requests.json: public reports, newest first.
            # A partial index: Django writes the filter as a bare boolean column, which
            # SQLite matches against the index's condition but not as an equality.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_public=True),
                name="reports_public_newest",
            ),
            # Open311 requests.json around a point: public reports in a box.
            models.Index(
                fields=["public_lat", "public_lon"],
                condition=Q(is_public=True),
                name="reports_public_box",
            ),
            # Duplicate suggestions: same category, near, recent.
            models.Index(fields=["category", "created_at"], name="reports_category_recent"),
            # Erasing precise points after the retention period.
            models.Index(
                fields=["created_at"],
                condition=Q(precise_erased_at__isnull=True),
                name="reports_precise_to_erase",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"

    @property
    def lat(self) -> float:
        """Return the precise latitude while it is kept, else the rounded one."""
        return self.precise_lat if self.precise_lat is not None else self.public_lat

    @property
    def lon(self) -> float:
        """Return the precise longitude while it is kept, else the rounded one."""
        return self.precise_lon if self.precise_lon is not None else self.public_lon

    def is_closed(self) -> bool:
        return self.status in (ReportStatus.CLOSED, ReportStatus.FIXED, ReportStatus.REFERRED)

    def is_held_by_guard(self) -> bool:
        return self.moderation_status == ModerationStatus.PENDING


class RecipientReason(models.TextChoices):
    ROUTED = "routed", _("Routing rule")
    ASKED_POLICE = "asks_police", _("The reporter asked for the police")
    ASKED_VICTIM_SUPPORT = "asks_victim_support", _("The reporter chose a victim-support centre")
    MODERATION = "moderation", _("Mediation (held by the guard)")
    REFERRAL = "referral", _("Referred by another body")


class ReportRecipient(models.Model):
    """A body that received a report: its staff may see it and post updates."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="deliveries_to")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("why"), max_length=24, choices=RecipientReason.choices)
    created_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["report", "body"], name="reports_recipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.body}"


class UpdateKind(models.TextChoices):
    BODY = "body", _("Update from a body")
    REOPENED = "reopened", _("Reopened by the reporter")
    FIXED_ANSWER = "fixed_answer", _("Reporter's answer to 'is it fixed?'")
    MODERATION = "moderation", _("Moderation")
    REFERRAL = "referral", _("Referral")


class ReportUpdate(models.Model):
    """One entry of a report's history: text, status change, or both."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=16, choices=UpdateKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    text = EncryptedTextField(_("text"), blank=True)
    public = models.BooleanField(_("public"), default=True)
    from_status = models.CharField(max_length=16, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReportStatus.choices, blank=True)
    close_reason = models.CharField(max_length=24, choices=CloseReason.choices, blank=True)
    referred_to = models.ForeignKey(
        Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("report update")
        verbose_name_plural = _("report updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"

    def changes_status(self) -> bool:
        return bool(self.to_status) and self.to_status != self.from_status


class ReportPhoto(models.Model):
    """A report's photo: cleaned (re-encoded JPEG, no metadata, ≤ 1600 px), kept in the database.

    It is never published until staff confirm it shows nobody (``public``).
    Kept in the database rather than on disk so that every web process reads
    it and nothing under MEDIA_ROOT is ever served by mistake.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="photo")
    data = models.BinaryField(_("image"))
    content_type = models.CharField(max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    public = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("Only when a staff member checked that the photo shows no person."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return f"{self.report} photo"
