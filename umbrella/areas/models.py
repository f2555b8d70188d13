"""The Brussels-Capital Region's three layers: police zones, municipalities, neighbourhoods.

The layers are independent: a municipality belongs to exactly one police
zone, but a monitoring neighbourhood may straddle two to four municipalities,
so a neighbourhood only records the municipality that holds most of it.

Geometries are stored as GeoJSON text (WGS84, lon/lat) rather than in a
spatial column: the platform runs on plain SQLite as well as PostgreSQL, and
point lookups never touch the database (see ``umbrella.areas.locate``).
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def name_in_language(name_nl: str, name_fr: str, language: str | None = None) -> str:
    """Return the Dutch or French name that suits ``language`` (default: the active one).

    Both languages are official in every Brussels municipality, so a place has
    no name in English, Romanian or Spanish. Other languages get the French
    name: French is the majority language of the region and the one most
    visitors who read neither official language meet on signs and in offices
    (and the Romance-language speakers among them read it most easily).
    """
    language = (language or get_language() or "").split("-")[0].lower()
    return name_nl if language == "nl" else name_fr


class BilingualName(models.Model):
    """The Dutch and French names every Brussels area carries."""

    name_nl = models.CharField(_("Dutch name"), max_length=200)
    name_fr = models.CharField(_("French name"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """Return the name in the active language (see ``name_in_language``)."""
        return name_in_language(self.name_nl, self.name_fr)


class PoliceZone(BilingualName):
    """One of the six local police zones of the region (5339–5344)."""

    code = models.CharField(_("zone number"), max_length=4, unique=True)
    geometry = models.TextField(_("boundary (GeoJSON)"))

    class Meta:
        verbose_name = _("police zone")
        verbose_name_plural = _("police zones")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Municipality(BilingualName):
    """One of the 19 municipalities (gemeenten, communes), keyed by its NIS code."""

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    police_zone = models.ForeignKey(
        PoliceZone,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("police zone"),
    )
    geometry = models.TextField(_("boundary (GeoJSON)"))
    # The geometric centroid. Ixelles has two parts, so its centroid is not
    # guaranteed to fall inside it: use it to centre a view, never to locate.
    centroid_lat = models.FloatField(_("centroid latitude"))
    centroid_lon = models.FloatField(_("centroid longitude"))

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["nis_code"]

    def __str__(self) -> str:
        return f"{self.nis_code} {self.name}"


class Neighbourhood(BilingualName):
    """A monitoring neighbourhood (wijkmonitoring wijk, quartier du monitoring) of IBSA/BISA.

    Codes 1–699 are residential neighbourhoods, the 700s cemeteries, the 800s
    industrial or infrastructure zones and the 900s parks and forests.
    """

    code = models.PositiveIntegerField(_("neighbourhood code"), unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
        verbose_name=_("main municipality"),
        help_text=_("The municipality that holds the largest share of the neighbourhood."),
    )
    geometry = models.TextField(_("boundary (GeoJSON)"))

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PopulationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality (NIS code)")
    NEIGHBOURHOOD = "neighbourhood", _("Monitoring neighbourhood (IBSA/BISA code)")


class Population(models.Model):
    """How many residents an area had on a reference date, by an official source.

    Recorded by an operator (``manage.py load_population``) from Statbel's open
    data (municipalities) or IBSA/BISA's Monitoring des quartiers
    (neighbourhoods); never estimated. An area without a row has no known
    population, and figures per 10,000 residents say so.
    """

    kind = models.CharField(_("kind of area"), max_length=16, choices=PopulationKind.choices)
    code = models.CharField(_("area code"), max_length=10)
    residents = models.PositiveIntegerField(_("residents"))
    source = models.CharField(_("source"), max_length=200)
    reference_date = models.DateField(_("reference date"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="areas_population_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.residents} ({self.reference_date:%Y-%m-%d})"
