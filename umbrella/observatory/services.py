"""The services' figures: a picture of the directory and the training taken once a month
(``pictures``): public toilets where sex work is visible, the label, trafficking references,
training coverage."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from umbrella.observatory.definition import ALL_LEVELS, REGION, Dataset, join
from umbrella.observatory.rates import population_note

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
    "The same toilets per 10,000 residents are a figure of their own, for the neighbourhoods "
    "whose population is recorded."
)
PER_10000 = _(
    "The count divided by the area's residents, times 10,000, to one decimal. The count is "
    "the same picture as the count's own figure: a fact about public places, so no cell is "
    "suppressed."
)
TOILETS_EVERYWHERE = _(
    "Public toilets (not urinals only) of the directory in service, by the municipality they "
    "stand in, at each month's picture (counted by municipality since December 2026)."
)
AT_NIGHT = _(
    "A toilet counts when its opening hours in the directory say it is open at 2 a.m. on each "
    "of the seven nights after the picture; unknown hours do not count."
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
        join(TOILETS_WHERE, AT_NIGHT, PICTURE, NO_POPULATION, PUBLIC_FACTS),
        "count",
        NEIGHBOURHOOD,
        MONTH,
        "services",
        measure="toilets.night",
        k=1,
        picture="services.picture",
    ),
    *(
        Dataset(
            slug,
            title,
            description,
            join(where, *night, PER_10000, population_note(level), PICTURE),
            "per_10000",
            (level,),
            MONTH,
            "services",
            kind="rate",
            measure=measure,
            k=1,
            picture=picture,
        )
        for slug, level, measure, picture, title, description, where, night in (
            (
                "toilets-in-service-visible-per-10000",
                "neighbourhood",
                "toilets.in_service",
                "services.picture",
                _("Public toilets in service where sex work is visible, per 10,000 residents"),
                _(
                    "Public toilets open as usual in each of these neighbourhoods, per 10,000 "
                    "residents."
                ),
                TOILETS_WHERE,
                (),
            ),
            (
                "toilets-open-at-night-visible-per-10000",
                "neighbourhood",
                "toilets.night",
                "services.picture",
                _("Public toilets open at night where sex work is visible, per 10,000 residents"),
                _(
                    "Public toilets open at 2 a.m. every night in these neighbourhoods, per "
                    "10,000 residents."
                ),
                TOILETS_WHERE,
                (AT_NIGHT,),
            ),
            (
                "toilets-in-service-per-10000",
                "municipality",
                "toilets.municipality.in_service",
                "toilets.municipality.picture",
                _("Public toilets in service per 10,000 residents"),
                _("Public toilets open as usual in each municipality, per 10,000 residents."),
                TOILETS_EVERYWHERE,
                (),
            ),
            (
                "toilets-open-at-night-per-10000",
                "municipality",
                "toilets.municipality.night",
                "toilets.municipality.picture",
                _("Public toilets open at night per 10,000 residents"),
                _(
                    "Public toilets open at 2 a.m. every night in each municipality, per 10,000 "
                    "residents."
                ),
                TOILETS_EVERYWHERE,
                (AT_NIGHT,),
            ),
        )
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
