"""The tracker's API: ``GET /api/v1/recommendations`` (public).

A public contract (docs/api.md): each recommendation with ``id``, ``title``
keyed by language, ``status``, ``progress`` (0–100), ``responsible``,
``milestones`` and ``indicators`` (live figures, computed at the request).
``?lang=`` chooses the language of the few labels that are not keyed by
language (actors, indicator labels).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from umbrella.consultation.schemas import Lang, TrackerText, labels_language
from umbrella.consultation.tracker import exports
from umbrella.consultation.tracker.models import Actor, TrackerStatus

router = Router()
# ``Literal[tuple(X.values)]`` gives the OpenAPI document the choices' values as
# an enum, following the model; a Literal computed at run time is beyond a type
# checker, hence its ``type: ignore[valid-type]``.


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


@router.get(
    "/recommendations",
    response={200: list[RecommendationOut]},
    url_name="recommendations",
    # The id the operation had before the app's split (django-ninja derives it from the
    # module): clients generated from the OpenAPI document keep their method names.
    operation_id="umbrella_consultation_api_tracker_recommendations",
    summary="The resolution's recommendations, their progress and live figures",
)
def recommendations(request: HttpRequest, lang: Lang = None):
    """Return every recommendation (parents before their parts) with live indicators."""
    with labels_language(lang):
        return exports.recommendations_data(timezone.now())
