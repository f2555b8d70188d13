"""Consent to a circle: nobody is told of someone's alarms without having accepted.

A sex worker puts a person in her circle by **inviting** a pseudonym, and an
organisation by asking it. Until the person (or the organisation's staff)
accepts, nobody is alerted. The inviter learns nothing about whether a
pseudonym exists: an invitation to a name nobody has is stored exactly like
one to a real person (``invitee`` empty) and simply never gets accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left the circle")
    # She took the name out of her circle: nobody is told, and adding the name
    # again asks the person again.
    REMOVED = "removed", _("Taken out of the circle")


class CircleInvitation(models.Model):
    """One person (by the pseudonym she typed) or one organisation asked into her circle."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="circle_invitations_sent",
        verbose_name=_("sex worker"),
    )
    # The pseudonym as she typed it, lower-cased: what her page shows, whether
    # or not an account has that name.
    name = models.CharField(_("pseudonym invited"), max_length=150, blank=True)
    # Resolved once, when she invites: a name nobody has stays empty for ever,
    # so an account created later under that name is never asked.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="circle_invitations",
        verbose_name=_("person invited"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="circle_invitations",
        verbose_name=_("organisation asked"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # For an organisation: which of its staff answered.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("circle invitation")
        verbose_name_plural = _("circle invitations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=True) & ~Q(name=""))
                | (Q(organisation__isnull=False) & Q(name="") & Q(invitee__isnull=True)),
                name="alarms_invitation_person_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=Q(organisation__isnull=True),
                name="alarms_invitation_one_per_name",
            ),
            models.UniqueConstraint(
                fields=["owner", "organisation"],
                condition=Q(organisation__isnull=False),
                name="alarms_invitation_one_per_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["invitee", "status"], name="alarms_invitation_invitee"),
            models.Index(fields=["owner", "created_at"], name="alarms_invitation_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} invites {self.name or self.organisation}: {self.status}"


class OrganisationAlarmPolicy(models.Model):
    """Whether an organisation takes the alarms of every sex worker who asks.

    Decided by the organisation's manager. Without it, each sex worker's request
    waits until a member of the organisation's staff accepts it.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="alarm_policy",
        verbose_name=_("organisation"),
    )
    accepts_every_sex_worker = models.BooleanField(
        _("serves the public by design: accepts every sex worker"), default=False
    )
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("organisation alarm policy")
        verbose_name_plural = _("organisation alarm policies")

    def __str__(self) -> str:
        return f"alarm policy of {self.organisation}"
