"""Where services and facilities are (HSDS ``location``, ``service_at_location``) and toilets."""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from umbrella.core.crypto import EncryptedTextField
from umbrella.core.translation import Translatable
from umbrella.directory.models.common import Maintained, OperatingStatus, TriState
from umbrella.directory.models.organisations import Organization, Service

# What a confidential location keeps encrypted (``Location.sealed``).
SEALED_FIELDS = ("address", "postcode", "latitude", "longitude")


class LocationKind(models.TextChoices):
    PHYSICAL = "physical", _("A place to go to")
    VIRTUAL = "virtual", _("By phone or online only")


class Location(Translatable, Maintained):
    """A physical place (with coordinates) or a virtual one (phone line, website).

    Every save stamps the municipality, police zone and neighbourhood of the
    coordinates (``umbrella.areas.locate``). Coordinates are never invented:
    when only the address is known the location sits at its municipality's
    centroid and is flagged ``approximate``.
    """

    TRANSLATED_FIELDS = ("name", "description", "transportation")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=LocationKind.choices, default=LocationKind.PHYSICAL
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    transportation_nl = models.TextField(_("how to get there (Dutch)"), blank=True)
    transportation_fr = models.TextField(_("how to get there (French)"), blank=True)
    transportation_en = models.TextField(_("how to get there (English)"), blank=True)
    address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    approximate = models.BooleanField(
        _("approximate position"),
        default=False,
        help_text=_(
            "Only the address or municipality is known: the point is the "
            "municipality's centre, not the door."
        ),
    )
    confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_(
            "The public sees only the municipality; the address and position are "
            "shown only to support workers, the organisation's own staff and administrators."
        ),
    )
    wheelchair_accessible = models.CharField(
        _("wheelchair accessible"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    police_zone = models.ForeignKey(
        "areas.PoliceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("police zone"),
    )
    neighbourhood = models.ForeignKey(
        "areas.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    # A confidential location's address, postcode and coordinates, encrypted
    # at rest (docs/privacy.md: precise locations are encrypted). Their own columns
    # then stay empty in the database; loading the row puts the values back
    # on the instance, so code reads ``latitude`` and ``address`` as usual.
    sealed = EncryptedTextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["pk"]
        indexes = [
            # The bounding-box prefilter of queries that read the database directly.
            models.Index(fields=["latitude", "longitude"], name="directory_location_latlon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="directory_location_point",
            )
        ]

    def __str__(self) -> str:
        # Never the address of a confidential location: this text ends up in
        # lists, logs and the change log.
        address = "" if self.confidential else self.address
        return self.translated("name") or address or f"#{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        sealed = instance.__dict__.get("sealed")
        if sealed:
            data = json.loads(sealed)
            for name in SEALED_FIELDS:
                setattr(instance, name, data.get(name))
        return instance

    def save(self, *args, **kwargs):
        self.stamp_areas()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "municipality",
                "police_zone",
                "neighbourhood",
                "sealed",
                *SEALED_FIELDS,
            }
        if not self.confidential:
            self.sealed = ""
            super().save(*args, **kwargs)
            return
        kept = {name: getattr(self, name) for name in SEALED_FIELDS}
        self.sealed = json.dumps(kept)
        self.address, self.postcode, self.latitude, self.longitude = "", "", None, None
        try:
            super().save(*args, **kwargs)
        finally:
            for name, value in kept.items():
                setattr(self, name, value)

    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def stamp_areas(self) -> None:
        """Set municipality, police zone and neighbourhood from the coordinates.

        Without coordinates, or with an approximate point, a municipality set
        by hand is kept (and its police zone filled in); the neighbourhood
        stays unknown.
        """
        from umbrella.areas.locate import GeographyNotLoaded, locate
        from umbrella.areas.models import Municipality, Neighbourhood, PoliceZone

        lat, lon = self.latitude, self.longitude
        if lat is None or lon is None or (self.approximate and self.municipality_id):
            # An approximate point is the municipality's centroid, which may
            # fall outside it (Ixelles has two parts): trust the municipality.
            self.neighbourhood = None
            if self.municipality_id:
                self.police_zone_id = (
                    Municipality.objects.filter(pk=self.municipality_id)
                    .values_list("police_zone_id", flat=True)
                    .first()
                )
            return
        try:
            found = locate(lat, lon)
        except GeographyNotLoaded:
            return
        self.municipality = (
            Municipality.objects.filter(nis_code=found.municipality.nis_code).first()
            if found.municipality
            else None
        )
        self.police_zone = (
            PoliceZone.objects.filter(code=found.police_zone.code).first()
            if found.police_zone
            else None
        )
        self.neighbourhood = (
            Neighbourhood.objects.filter(code=found.neighbourhood.code).first()
            if found.neighbourhood
            else None
        )


class ServiceAtLocation(Maintained):
    """A service offered at a location (HSDS ``service_at_location``), with its own hours."""

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("location"),
    )

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="directory_serviceatlocation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class FacilityKind(models.TextChoices):
    TOILET = "toilet", _("Toilet")
    URINAL = "urinal", _("Urinal")


class Manager(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    STIB = "stib", _("STIB/MIVB")
    SNCB = "sncb", _("SNCB/NMBS")
    BRUSSELS_ENVIRONMENT = "brussels_environment", _("Brussels Environment")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Facility(Translatable, Maintained):
    """A public toilet or urinal. Every attribute may be yes, no or unknown."""

    TRANSLATED_FIELDS = ("notice",)

    location = models.OneToOneField(
        Location, on_delete=models.CASCADE, related_name="facility", verbose_name=_("location")
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=FacilityKind.choices, default=FacilityKind.TOILET
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=OperatingStatus.choices,
        default=OperatingStatus.ACTIVE,
    )
    notice_nl = models.TextField(_("notice (Dutch)"), blank=True)
    notice_fr = models.TextField(_("notice (French)"), blank=True)
    notice_en = models.TextField(_("notice (English)"), blank=True)
    free = models.CharField(
        _("free of charge"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    usable_by_women = models.CharField(
        _("usable by women"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    all_gender = models.CharField(
        _("all-gender"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    urinal_only = models.CharField(
        _("urinal only"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    baby_change = models.CharField(
        _("baby changing table"), max_length=8, choices=TriState.choices, default=TriState.UNKNOWN
    )
    manager = models.CharField(
        _("managed by"), max_length=24, choices=Manager.choices, default=Manager.UNKNOWN
    )
    manager_name = models.CharField(
        _("manager's name"),
        max_length=200,
        blank=True,
        help_text=_("For example the municipality or the station."),
    )
    # Importers upsert by (source, source_id): "brussels-opendata", "osm".
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.CharField(_("identifier at the source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("public toilet")
        verbose_name_plural = _("public toilets")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="directory_facility_source_unique",
            )
        ]

    def __str__(self) -> str:
        return str(self.location)

    def is_temporarily_closed(self) -> bool:
        return self.status != OperatingStatus.ACTIVE
