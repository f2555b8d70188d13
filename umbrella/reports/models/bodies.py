"""Who acts on a report: bodies, categories, the routing matrix and each body's contacts.

FixMyStreet's shape: bodies cover areas, and one contact per body and
category says how a report reaches it. Routing rules say which body a
category goes to: "the municipality of the place", "the police zone of the
place" or one named body (a regional service, a support organisation), each
rule possibly limited to one municipality (a municipality-specific rule
replaces the general ones there) and possibly conditional on the reporter's
choice (police only if asked, a victim-support centre only if chosen).
Operators edit all of it in the admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from umbrella.core import outbound
from umbrella.core.crypto import EncryptedTextField
from umbrella.core.translation import Translatable


class BodyKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE_ZONE = "police_zone", _("Police zone")
    REGIONAL_SERVICE = "regional_service", _("Regional service")
    SUPPORT_ORGANISATION = "support_organisation", _("Support organisation")
    VICTIM_SUPPORT_CENTRE = "victim_support_centre", _("Recognised victim-support centre")


class Body(Translatable):
    """A body that receives and handles reports.

    Its staff are the members of ``organisation`` (an accounts organisation).
    For confidential reports routed to a police zone, only members holding the
    police-reference role see them (see ``queries.can_view``).
    """

    TRANSLATED_FIELDS = ("name",)

    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("A stable identifier, e.g. zone-5344.")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_bodies",
        verbose_name=_("staff organisation"),
        help_text=_("Members of this organisation handle the body's reports."),
    )
    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_bodies",
        verbose_name=_("municipality"),
    )
    police_zone = models.ForeignKey(
        "areas.PoliceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_bodies",
        verbose_name=_("police zone"),
    )
    mediates = models.BooleanField(
        _("mediation and outreach"),
        default=False,
        help_text=_(
            "Receives the reports that the anti-targeting guard holds back, and moderates them."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    to_verify = models.BooleanField(
        _("to verify"),
        default=False,
        help_text=_("Some seeded fact of this body is not confirmed."),
    )

    class Meta:
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(kind="municipality"),
                name="reports_one_body_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["police_zone"],
                condition=Q(kind="police_zone"),
                name="reports_one_body_per_police_zone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Return the name in the active language (or its fallback)."""
        return self.translated("name")


class CategoryGroup(models.TextChoices):
    CLEANLINESS = "cleanliness", _("Cleanliness")
    PUBLIC_SPACE = "public_space", _("Public space")
    SAFETY = "safety", _("Safety")
    SEX_WORKERS_SAFETY = "sex_workers_safety", _("Safety of sex workers")


class Category(Translatable):
    """What a report is about; ``code`` is the Open311 ``service_code``."""

    TRANSLATED_FIELDS = ("name", "description")

    code = models.SlugField(_("code (Open311 service code)"), max_length=60, unique=True)
    group = models.CharField(_("group"), max_length=32, choices=CategoryGroup.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Never public, never in Open311 lists; only the routed bodies' authorised staff see it."
        ),
    )
    guarded = models.BooleanField(
        _("checked by the anti-targeting guard"),
        default=True,
        help_text=_(
            "Off for categories whose point is the safety of sex workers, where naming them is "
            "expected."
        ),
    )
    offers_police = models.BooleanField(
        _("reporter may ask for the police"),
        default=False,
        help_text=_("Rules with the condition 'if the reporter asks for the police' apply then."),
    )
    offers_victim_support = models.BooleanField(
        _("reporter may choose a victim-support centre"), default=False
    )
    shows_toilets = models.BooleanField(_("link to the nearest toilets"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.translated("name")

    @property
    def description(self) -> str:
        return self.translated("description")


class RoutingTarget(models.TextChoices):
    MUNICIPALITY = "municipality", _("The municipality of the place")
    POLICE_ZONE = "police_zone", _("The police zone of the place")
    BODY = "body", _("A named body")


class RoutingCondition(models.TextChoices):
    ALWAYS = "always", _("Always")
    REPORTER_ASKS_POLICE = "asks_police", _("Only if the reporter asks for the police")
    REPORTER_ASKS_VICTIM_SUPPORT = (
        "asks_victim_support",
        _("Only if the reporter chooses a victim-support centre"),
    )


class RoutingRule(models.Model):
    """One line of the routing matrix: a category goes to a target, maybe only in one place."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    target = models.CharField(_("goes to"), max_length=16, choices=RoutingTarget.choices)
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("body"),
        help_text=_("Only when the target is a named body."),
    )
    only_in = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only in this municipality"),
        help_text=_("Rules for one municipality replace the general rules of the category there."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=24,
        choices=RoutingCondition.choices,
        default=RoutingCondition.ALWAYS,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "condition", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="body") & Q(body__isnull=False))
                | (~Q(target="body") & Q(body__isnull=True)),
                name="reports_rule_body_iff_named_target",
                violation_error_message=_(
                    "Choose a body exactly when the rule goes to a named body."
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.body.name if self.body else self.get_target_display()
        return f"{self.category} → {target}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Signed webhook")
    OPEN311 = "open311", _("Open311 endpoint")


class Contact(models.Model):
    """How a body receives a category's reports (or all its reports when no category)."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("body")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("category"),
        help_text=_("Empty: every category the body receives."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    endpoint = models.CharField(
        _("address"),
        max_length=500,
        help_text=_("An e-mail address, the webhook URL, or the Open311 endpoint's base URL."),
    )
    secret = EncryptedTextField(
        _("secret"),
        blank=True,
        help_text=_("The webhook's signing key, or the Open311 endpoint's api_key."),
    )
    remote_service_code = models.CharField(
        _("service code at the endpoint"),
        max_length=60,
        blank=True,
        help_text=_("Open311 only: the endpoint's own service_code (default: the category code)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["body", "category", "id"]

    def __str__(self) -> str:
        return f"{self.body} · {self.get_channel_display()}"

    def clean(self) -> None:
        """Refuse a webhook or Open311 address the worker would not reach (core/outbound.py)."""
        if self.channel in (Channel.WEBHOOK, Channel.OPEN311):
            try:
                outbound.check_url(self.endpoint)
            except outbound.OutboundRefused as exc:
                raise ValidationError(
                    {"endpoint": _("Give the receiver's https:// address, without a password.")}
                ) from exc
