"""The services' figures: a picture of the directory and the training taken once a month
(``pictures``): public toilets where sex work is visible, the label, trafficking references,
training coverage."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from umbrella.observatory.definition import ALL_LEVELS, REGION, Dataset, join

MONTH = ("month",)
NEIGHBOURHOOD = ("neighbourhood",)
PICTURE = _(
    "A picture of the directory taken by the first refresh after each month ended (within "
    "minutes when the worker runs), so it is published per month only; there is no picture "
    "of a month before the observatory ran."
)
PUBLIC_FACTS = _(
    "These are facts about public places and organisations that the directory already "
    "lists one by one, not about people: no count can point at a person, so k = 10 does not "
    "apply and every count is published, small ones included."
)
TOILETS_WHERE = _(
    "Public toilets (not urinals only) of the directory in the monitoring neighbourhoods "
    "(IBSA/BISA) where sex work is visible: Noordwijk/Quartier Nord and Brabantwijk/Quartier "
    "Brabant (rue d'Aerschot and the Gare du Nord side), Begijnhof-Diksmuide/Béguinage-Dixmude "
    "(Alhambra) and Louiza-Langehaag/Louise-Longue Haie (avenue Louise)."
)
NO_POPULATION = _(
    "A figure per 10,000 residents needs each neighbourhood's population, which the "
    "platform does not hold yet; it is not published until it does."
)
TRAINING_NOTE = _(
    "Staff (members of the organisation on the platform) holding a valid certificate of "
    "the course on a non-stigmatising approach (valid two years) divided by all its staff, "
    "at the moment the picture is taken. These count people: both the certified and the "
    "others are protected with k = 10, so the share is hidden wherever either numbers 1 "
    "to 9."
)

SERVICE_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "toilets-in-service-visible",
        _("Public toilets in service where sex work is visible"),
        _("Public toilets open as usual (not closed for works) in each of these neighbourhoods."),
        join(TOILETS_WHERE, PICTURE, NO_POPULATION, PUBLIC_FACTS),
        "count",
        NEIGHBOURHOOD,
        MONTH,
        "services",
        measure="toilets.in_service",
        k=1,
        picture="services.picture",
    ),
    Dataset(
        "toilets-open-at-night-visible",
        _("Public toilets open at night where sex work is visible"),
        _("Public toilets in these neighbourhoods open at 2 a.m. on every night of the week."),
        join(
            TOILETS_WHERE,
            _(
                "A toilet counts when its opening hours in the directory say it is open at "
                "2 a.m. on each of the seven nights after the picture; unknown hours do not "
                "count."
            ),
            PICTURE,
            NO_POPULATION,
            PUBLIC_FACTS,
        ),
        "count",
        NEIGHBOURHOOD,
        MONTH,
        "services",
        measure="toilets.night",
        k=1,
        picture="services.picture",
    ),
    Dataset(
        "services-trained-label",
        _("Services holding the “trained, non-stigmatising” label"),
        _(
            "Services in the directory whose staff completed the training on a "
            "non-stigmatising approach to sex work."
        ),
        join(
            _(
                "Services offered as usual that hold the label, by the municipality of their "
                "first place in the directory (services with no place count region-wide "
                "only)."
            ),
            PICTURE,
            PUBLIC_FACTS,
        ),
        "count",
        ALL_LEVELS,
        MONTH,
        "services",
        measure="services.label",
        k=1,
        picture="services.picture",
    ),
    Dataset(
        "police-zones-trafficking-reference",
        _("Police zones with a trafficking reference"),
        _(
            "Whether each police zone has designated its reference function for trafficking "
            "in human beings (1) or not yet (0); region-wide, how many of the six have."
        ),
        join(
            _(
                "From the directory's trafficking reference functions; demonstration entries "
                "do not count."
            ),
            PICTURE,
            PUBLIC_FACTS,
        ),
        "count",
        ("region", "police_zone"),
        MONTH,
        "services",
        measure="zones.reference",
        k=1,
        picture="services.picture",
    ),
    Dataset(
        "training-coverage-ocmw-cpas",
        _("OCMW/CPAS staff trained for a non-stigmatising approach"),
        _("The share of the OCMW/CPAS staff on the platform holding a valid certificate."),
        join(
            TRAINING_NOTE,
            _("By the municipality of each OCMW/CPAS (one per municipality)."),
            PICTURE,
        ),
        "share",
        ALL_LEVELS,
        MONTH,
        "services",
        kind="share",
        measure="training.ocmw.certified",
        rest="training.ocmw.uncertified",
        picture="services.picture",
    ),
    Dataset(
        "training-coverage-actiris",
        _("Actiris staff trained for a non-stigmatising approach"),
        _("The share of the Actiris staff on the platform holding a valid certificate."),
        join(TRAINING_NOTE, _("Actiris serves the whole region."), PICTURE),
        "share",
        REGION,
        MONTH,
        "services",
        kind="share",
        measure="training.actiris.certified",
        rest="training.actiris.uncertified",
        picture="services.picture",
    ),
)
