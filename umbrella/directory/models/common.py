"""Choices and the upkeep fields every directory record shares."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# An entry not verified for this long is flagged "stale" (issue 5: six months).
STALE_AFTER = timedelta(days=183)


class Category(models.TextChoices):
    HEALTH_TESTING = "health_testing", _("Health and STI testing")
    MEDICAL_CARE = "medical_care", _("Medical care")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SOCIAL_SERVICES = "social_services", _("Social services (OCMW/CPAS)")
    EMPLOYMENT = "employment", _("Employment (Actiris)")
    LEGAL_AID = "legal_aid", _("Legal aid")
    HOUSING = "housing", _("Housing and shelter")
    TRAFFICKING_SUPPORT = "trafficking_support", _("Support for victims of trafficking")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    SEX_WORKER_ORGANISATION = "sex_worker_organisation", _("Sex-worker organisations")
    POLICE = "police", _("Police")


class TriState(models.TextChoices):
    """An attribute that may be known true, known false, or not known yet."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class GenderFocus(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    TRANS = "trans", _("Trans and non-binary people")
    MEN_AND_TRANS = "men_and_trans", _("Men and trans people")


class OperatingStatus(models.TextChoices):
    ACTIVE = "active", _("Open as usual")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    INACTIVE = "inactive", _("No longer offered")


class Maintained(models.Model):
    """Upkeep fields: "to verify", last verification, demo data, timestamps."""

    to_verify = models.BooleanField(
        _("to verify"),
        default=True,
        help_text=_(
            "Shown to users: some fact of this entry (address, hours, coordinates) "
            "is not confirmed yet."
        ),
    )
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Illustrative entry, labelled as such.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def is_stale(self, today: date) -> bool:
        """Answer whether the entry was never verified or not for six months by ``today``."""
        return is_stale(self.last_verified_on, today)


def is_stale(last_verified_on: date | None, today: date) -> bool:
    return last_verified_on is None or today - last_verified_on > STALE_AFTER


def stale_filter(today: date) -> models.Q:
    """Return the filter of entries that are stale on ``today``."""
    return models.Q(last_verified_on__isnull=True) | models.Q(
        last_verified_on__lt=today - STALE_AFTER
    )
