"""The rules monitor's API: ``GET /api/v1/municipal-rules`` (public).

The 19 municipalities with their known rules (or that none is known).
``?lang=`` chooses the language of the labels that are not keyed by language.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from umbrella.consultation.rules import exports, queries
from umbrella.consultation.rules.models import RuleKind, RuleStatus
from umbrella.consultation.schemas import Lang, TrackerText, labels_language

router = Router()
# ``Literal[tuple(X.values)]`` gives the OpenAPI document the choices' values as
# an enum, following the model; a Literal computed at run time is beyond a type
# checker, hence its ``type: ignore[valid-type]``.


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


@router.get(
    "/municipal-rules",
    response={200: list[MunicipalityRulesOut]},
    url_name="municipal_rules",
    # The id the operation had before the app's split (django-ninja derives it from the
    # module): clients generated from the OpenAPI document keep their method names.
    operation_id="umbrella_consultation_api_tracker_municipal_rules",
    summary="The 19 municipalities' known rules on sex work",
)
def municipal_rules(request: HttpRequest, lang: Lang = None):
    """Return the 19 municipalities, each with its known rules (or that none is known)."""
    with labels_language(lang) if lang else nullcontext():
        return [exports.municipality_as_dict(m) for m in queries.municipalities_with_rules()]
