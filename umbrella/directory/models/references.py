"""The trafficking reference function of each police zone (measure 5 of the resolution)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.core.translation import Translatable
from umbrella.directory.models.common import Maintained


class TraffickingReference(Translatable, Maintained):
    """The function (never a named person) a zone designated as trafficking reference.

    A zone without a row has designated no one yet; pages and the API show
    that gap openly instead of hiding the zone.
    """

    TRANSLATED_FIELDS = ("function", "availability")

    police_zone = models.OneToOneField(
        "areas.PoliceZone",
        on_delete=models.CASCADE,
        related_name="trafficking_reference",
        verbose_name=_("police zone"),
    )
    function_nl = models.CharField(_("function (Dutch)"), max_length=200, blank=True)
    function_fr = models.CharField(_("function (French)"), max_length=200, blank=True)
    function_en = models.CharField(_("function (English)"), max_length=200, blank=True)
    availability_nl = models.CharField(_("availability (Dutch)"), max_length=300, blank=True)
    availability_fr = models.CharField(_("availability (French)"), max_length=300, blank=True)
    availability_en = models.CharField(_("availability (English)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    # Reports routed to the zone reach the members of this organisation who
    # hold the police-reference role (issue 4).
    accounts_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation receiving signals"),
    )

    class Meta:
        verbose_name = _("trafficking reference")
        verbose_name_plural = _("trafficking references")
        ordering = ["police_zone__code"]

    def __str__(self) -> str:
        return f"{self.police_zone.code}: {self.translated('function')}"

    def contact_channels(self) -> list[dict[str, str]]:
        """Return the channels that are filled in, as ``{"kind", "value"}``."""
        channels = [("phone", self.phone), ("email", self.email), ("url", self.url)]
        return [{"kind": kind, "value": value} for kind, value in channels if value]
