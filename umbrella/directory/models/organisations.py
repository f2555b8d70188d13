"""Organisations, services, phones, languages (HSDS organization, service, phone, language)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.core.translation import Translatable
from umbrella.directory.models.common import (
    Category,
    GenderFocus,
    Maintained,
    OperatingStatus,
)


class Organization(Translatable, Maintained):
    """An organisation that offers services (HSDS ``organization``)."""

    TRANSLATED_FIELDS = ("description",)

    # A proper name, not translated ("Espace P", "OCMW Sint-Joost / CPAS Saint-Josse").
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Members of this accounts organisation edit the entry and its services.
    accounts_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        verbose_name=_("editors' organisation"),
        help_text=_("Its members may edit this organisation's entries."),
    )

    class Meta:
        verbose_name = _("organisation in the directory")
        verbose_name_plural = _("organisations in the directory")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(Translatable, Maintained):
    """What an organisation offers (HSDS ``service``), with what matters to sex workers."""

    TRANSLATED_FIELDS = ("name", "description", "notice")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=OperatingStatus.choices,
        default=OperatingStatus.ACTIVE,
    )
    notice_nl = models.TextField(_("notice (Dutch)"), blank=True)
    notice_fr = models.TextField(_("notice (French)"), blank=True)
    notice_en = models.TextField(_("notice (English)"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The attributes that matter to sex workers.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    free = models.BooleanField(_("free of charge"), default=False)
    no_papers_needed = models.BooleanField(_("no residence papers needed"), default=False)
    no_appointment_needed = models.BooleanField(_("no appointment needed"), default=False)
    gender_focus = models.CharField(
        _("for whom"), max_length=16, choices=GenderFocus.choices, default=GenderFocus.EVERYONE
    )
    # Set by the training app when the service's staff completed the course.
    trained_non_stigmatising = models.BooleanField(
        _("trained for a non-stigmatising approach"), default=False
    )
    trained_on = models.DateField(_("training completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organization__name", "name_en"]
        indexes = [models.Index(fields=["category"], name="directory_service_category")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.translated('name')}"

    def is_temporarily_closed(self) -> bool:
        return self.status != OperatingStatus.ACTIVE


class Phone(Translatable, models.Model):
    """A phone number of an organisation, service or location (HSDS ``phone``)."""

    TRANSLATED_FIELDS = ("description",)

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        verbose_name=_("service"),
    )
    number = models.CharField(_("number"), max_length=40)
    description_nl = models.CharField(_("description (Dutch)"), max_length=200, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=200, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(service__isnull=False),
                name="directory_phone_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.number


class LanguageCode(models.TextChoices):
    """Languages field organisations work in (docs/domain.md), as ISO 639-1 codes."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")
    RO = "ro", _("Romanian")
    BG = "bg", _("Bulgarian")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    IT = "it", _("Italian")
    SQ = "sq", _("Albanian")
    DE = "de", _("German")
    HU = "hu", _("Hungarian")
    ZH = "zh", _("Chinese")
    AR = "ar", _("Arabic")
    PCM = "pcm", _("Nigerian Pidgin")


class ServiceLanguage(models.Model):
    """A language the service's staff speak (HSDS ``language``)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="languages", verbose_name=_("service")
    )
    language = models.CharField(_("language"), max_length=8, choices=LanguageCode.choices)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        ordering = ["service", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language"], name="directory_servicelanguage_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_language_display()
