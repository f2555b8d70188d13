"""Response schemas of the directory API, so the OpenAPI document shows the contract."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from umbrella.areas.schemas import Error  # noqa: F401 -- one error shape for the whole API


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[lon, lat], WGS84.")


class PlaceMunicipality(Schema):
    nis_code: str
    name: str


class PlaceProperties(Schema):
    kind: Literal["toilet", "service"]
    name: str = Field(description="In the requested language, else its fallback.")
    name_language: str = Field(description="The language `name` is written in.")
    description: str
    notice: str = Field(description="Why it is temporarily closed, or other news.")
    status: str
    temporarily_closed: bool
    open_now: bool | None = Field(description="In Brussels time; null when hours are unknown.")
    distance_m: int | None = Field(description="From the requested point; null without one.")
    address: str | None = Field(description="Null for a confidential address you may not see.")
    municipality: PlaceMunicipality | None
    location_hidden: bool = Field(description="True: only the municipality may be shown.")
    approximate: bool = Field(description="The point is the municipality's centre.")
    to_verify: bool
    stale: bool = Field(description="Not verified in the last six months.")
    demo: bool
    wheelchair_accessible: Literal["yes", "no", "unknown"]
    free: bool | Literal["yes", "no", "unknown"]


class PlaceFeature(Schema):
    type: Literal["Feature"]
    id: str = Field(examples=["service-12", "toilet-3"])
    geometry: PointGeometry | None = Field(
        description="Null for a phone line or a confidential address you may not see."
    )
    properties: PlaceProperties


class PlaceCollection(Schema):
    type: Literal["FeatureCollection"]
    attribution: str
    license: str
    features: list[PlaceFeature]
