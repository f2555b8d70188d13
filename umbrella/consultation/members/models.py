"""Bodies of the consultation platform (the regional platform, its working groups) and members.

A member is an organisation at the table plus the person who represents it,
with a position (chair, secretary …) and one of the resolution's member
categories, so the representation view can say who is missing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.core.translation import CONTENT_LANGUAGES, pick

__all__ = [
    "Body",
    "BodyKind",
    "FeedToken",
    "Member",
    "MemberCategory",
    "Position",
    "translated_text",
]


def translated_text(obj, field: str, language: str | None = None) -> tuple[str, str]:
    """Return ``(text, language used)`` of ``<field>_<lang>`` in the active language or its
    fallback (``core.translation``: nl and fr fall back on each other; others prefer English)."""
    return pick(
        {code: getattr(obj, f"{field}_{code}", "") or "" for code in CONTENT_LANGUAGES}, language
    )


class BodyKind(models.TextChoices):
    PLATFORM = "platform", _("Regional platform")
    WORKING_GROUP = "working_group", _("Working group")


class MemberCategory(models.TextChoices):
    """The member categories named by the resolution's first measure."""

    REGION = "region", _("The Region")
    MUNICIPALITY = "municipality", _("Municipalities")
    OCMW_CPAS = "ocmw_cpas", _("OCMW/CPAS")
    POLICE_ZONE = "police_zone", _("Police zones")
    SEX_WORKER_REPRESENTATIVE = "sex_worker_representative", _("Sex-worker representatives")
    FIELD_ORGANISATION = "field_organisation", _("Field organisations")
    NEIGHBOURHOOD_COMMITTEE = "neighbourhood_committee", _("Neighbourhood committees")


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Body(models.Model):
    """The regional platform or one of its working groups."""

    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("part of"),
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated_text(self, "name")[0]

    @property
    def description(self) -> str:
        return translated_text(self, "description")[0]


class Member(models.Model):
    """An organisation at a body's table and the person who represents it."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="members", verbose_name=_("body")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="platform_seats",
        verbose_name=_("organisation"),
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="platform_seats",
        verbose_name=_("representative"),
    )
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.MEMBER
    )
    category = models.CharField(_("member category"), max_length=32, choices=MemberCategory.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["body", "category", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "representative"],
                condition=models.Q(left_on__isnull=True),
                name="consultation_member_one_active_seat",
                violation_error_message=_("This person already represents someone in this body."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.representative}) @ {self.body}"

    def is_active(self, today: date) -> bool:
        return self.left_on is None or self.left_on > today


class FeedToken(models.Model):
    """The secret of a member's personal calendar feed. Only its digest is stored."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("member")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.member_id})"
