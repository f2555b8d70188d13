"""The consultation API: the recommendations tracker and the municipal rules (public).

``GET /api/v1/recommendations`` is a public contract (docs/api.md): each
recommendation with ``id``, ``title`` keyed by language, ``status``,
``progress`` (0–100), ``responsible``, ``milestones`` and ``indicators`` (live
figures, computed at the request). ``GET /api/v1/municipal-rules`` gives the
19 municipalities with their known rules. ``?lang=`` chooses the language of
the few labels that are not keyed by language (actors, indicator labels).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja import Query, Router, Schema
from pydantic import Field

from umbrella.consultation import exports_tracker, queries_tracker
from umbrella.consultation.models import Actor, RuleKind, RuleStatus, TrackerStatus

router = Router()

Lang = Annotated[
    str | None,
    Query(description="Language of the labels: nl, fr, en, ro, bg, es or pt (default: en)."),
]


class TrackerText(Schema):
    nl: str
    fr: str
    en: str


class ResponsibleOut(Schema):
    actor: Literal[tuple(Actor.values)]  # type: ignore[valid-type]
    name: str = Field(description="The actor's name in the requested language.")
    lead: bool


class MilestoneOut(Schema):
    id: int
    date: str = Field(description="ISO date (YYYY-MM-DD).")
    title: TrackerText
    evidence_url: str | None
    done: bool


class IndicatorOut(Schema):
    key: str = Field(description="Registry key, e.g. directory.zones_with_trafficking_reference.")
    label: str
    available: bool = Field(description="False: no app provides this figure (yet), or it failed.")
    value: float | int | None = Field(description="Null when it cannot be computed.")
    unit: Literal["count", "percent", "seconds"] | None
    denominator: int | None = Field(description="For figures like 4 of 6.")
    as_of: str | None = Field(description="When it was computed (ISO 8601).")
    note: str


class RecommendationOut(Schema):
    id: int
    slug: str
    number: str
    parent_id: int | None
    weight: int = Field(description="How much it counts in its parent's progress.")
    title: TrackerText
    summary: TrackerText
    status: Literal[tuple(TrackerStatus.values)]  # type: ignore[valid-type]
    progress: int = Field(ge=0, le=100)
    counts_in_parent: bool = Field(description="False when abandoned: left out of the roll-up.")
    as_reported: bool = Field(
        description="True: as reported in the press, official text to be attached."
    )
    official_text_url: str | None
    highlighted: bool = Field(description="One of the resolution's five highlighted measures.")
    responsible: list[ResponsibleOut]
    milestones: list[MilestoneOut]
    indicators: list[IndicatorOut]
    updated_at: str


class RuleMunicipality(Schema):
    nis_code: str
    name_nl: str
    name_fr: str


class RuleSource(Schema):
    label: str
    url: str | None


class RuleOut(Schema):
    id: int
    slug: str
    municipality: RuleMunicipality
    kind: Literal[tuple(RuleKind.values)]  # type: ignore[valid-type]
    title: TrackerText
    summary: TrackerText
    date: str | None = Field(description="As far as known: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_precision: Literal["year", "month", "day"] | None
    status: Literal[tuple(RuleStatus.values)]  # type: ignore[valid-type]
    source: RuleSource
    to_verify: bool


class MunicipalityRulesOut(Schema):
    nis_code: str
    name_nl: str
    name_fr: str
    police_zone: str | None
    no_rule_known: bool = Field(description="No source known to the platform mentions a rule.")
    to_verify: bool
    note: TrackerText
    rules: list[RuleOut]


def _language(lang: str | None):
    codes = {code for code, _name in settings.LANGUAGES}
    return translation.override(lang if lang in codes else "en")


@router.get(
    "/recommendations",
    response={200: list[RecommendationOut]},
    url_name="recommendations",
    summary="The resolution's recommendations, their progress and live figures",
)
def recommendations(request: HttpRequest, lang: Lang = None):
    """Return every recommendation (parents before their parts) with live indicators."""
    with _language(lang):
        return exports_tracker.recommendations_data(timezone.now())


@router.get(
    "/municipal-rules",
    response={200: list[MunicipalityRulesOut]},
    url_name="municipal_rules",
    summary="The 19 municipalities' known rules on sex work",
)
def municipal_rules(request: HttpRequest, lang: Lang = None):
    """Return the 19 municipalities, each with its known rules (or that none is known)."""
    with _language(lang) if lang else nullcontext():
        return [
            exports_tracker.municipality_as_dict(m)
            for m in queries_tracker.municipalities_with_rules()
        ]
