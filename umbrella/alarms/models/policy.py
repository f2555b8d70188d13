"""A sex worker's circle: who is told of her alarms, in which order, after how long."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Circle(models.Model):
    """The escalation policy of one sex worker: her ordered tiers and her choices."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alarm_circle",
        verbose_name=_("sex worker"),
    )
    # Off by default: the police are told only if she explicitly chose so.
    police_opt_in = models.BooleanField(
        _("the police may be told"),
        default=False,
        help_text=_("Only when switched on can a police tier receive this person's alarms."),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")

    def __str__(self) -> str:
        return f"circle of {self.owner}"


class TierKind(models.TextChoices):
    PEOPLE = "people", _("People I trust")
    ORGANISATION_ROTA = "organisation_rota", _("The on-duty team of an organisation")
    POLICE = "police", _("The police")


class Tier(models.Model):
    """One step of escalation: who is told, and how long they have to acknowledge.

    For the last tier, ``delay_seconds`` is the interval between re-alerts.
    """

    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("circle")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=24, choices=TierKind.choices)
    delay_seconds = models.PositiveIntegerField(
        _("seconds to acknowledge"),
        default=60,
        help_text=_("If nobody in this tier acknowledges within this time, the next is told."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_tiers",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["circle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "position"], name="alarms_tier_position"),
        ]

    def __str__(self) -> str:
        return f"tier {self.position} of {self.circle.owner}"


class TierMember(models.Model):
    """A person in a ``people`` tier, through her invitation: told only once it is accepted."""

    tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, related_name="members", verbose_name=_("tier")
    )
    invitation = models.ForeignKey(
        "alarms.CircleInvitation",
        on_delete=models.CASCADE,
        related_name="tier_members",
        verbose_name=_("invitation"),
    )

    class Meta:
        verbose_name = _("tier member")
        verbose_name_plural = _("tier members")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "invitation"], name="alarms_tier_member_invitation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation.name} in {self.tier}"


class DuressPin(models.Model):
    """The PIN that, typed instead of a normal confirmation, silently calls for help.

    Stored as an Argon2 hash (``make_password``), never in clear.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duress_pin",
        verbose_name=_("sex worker"),
    )
    pin_hash = models.CharField(_("PIN hash"), max_length=200)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("duress PIN")
        verbose_name_plural = _("duress PINs")

    def __str__(self) -> str:
        return f"duress PIN of {self.owner}"
