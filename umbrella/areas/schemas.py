"""Response schemas of the areas API, so the OpenAPI document shows the contracts."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from umbrella.api.schemas import FieldProblem


class Error(Schema):
    detail: str = Field(description="A sentence a person can read, in the request's language.")
    errors: list[FieldProblem] = Field(default_factory=list)


class MunicipalityOut(Schema):
    nis_code: str = Field(examples=["21004"])
    name_nl: str = Field(examples=["Brussel"])
    name_fr: str = Field(examples=["Bruxelles"])


class PoliceZoneOut(Schema):
    code: str = Field(examples=["5339"])
    name: str = Field(description="In the request's language (French for other than nl/fr).")
    name_nl: str
    name_fr: str


class NeighbourhoodOut(Schema):
    code: int = Field(examples=[1], description="IBSA/BISA monitoring neighbourhood code.")
    name: str = Field(description="In the request's language (French for other than nl/fr).")
    name_nl: str
    name_fr: str


class LocationOut(Schema):
    inside_region: bool
    municipality: MunicipalityOut | None
    police_zone: PoliceZoneOut | None
    neighbourhood: NeighbourhoodOut | None


class Point(Schema):
    lat: float
    lon: float


class Polygonal(Schema):
    type: Literal["MultiPolygon", "Polygon"]
    coordinates: list = Field(description="RFC 7946 coordinates, WGS84 lon/lat.")


class NamedArea(Schema):
    name: str
    name_nl: str
    name_fr: str


class MunicipalityProperties(NamedArea):
    nis_code: str
    police_zone: str
    police_zone_name: str
    centroid: Point = Field(description="The geometric centroid; may fall outside the area.")
    label_point: Point = Field(description="A point inside the area, to print its name.")


class MemberMunicipality(NamedArea):
    nis_code: str


class ContactChannel(Schema):
    kind: Literal["phone", "email", "url"]
    value: str


class TraffickingReferenceOut(Schema):
    function: str = Field(
        description="The function designated (never a person's name), in the request's "
        "language or its fallback.",
        examples=["Trafficking reference officer, local investigations unit"],
    )
    function_language: str = Field(description="The language `function` is written in.")
    contact_channels: list[ContactChannel]
    availability: str = Field(description="When and how the function can be reached.")
    to_verify: bool = Field(description="Some fact is not confirmed yet.")
    demo: bool = Field(description="Illustrative demo data, not a real service.")
    last_verified: str | None = Field(description="ISO date of the last verification.")


class PoliceZoneProperties(NamedArea):
    code: str
    municipalities: list[MemberMunicipality]
    trafficking_reference: TraffickingReferenceOut | None = Field(
        description="The zone's trafficking reference person (function, contact channels), "
        "or null while none is designated."
    )


class NeighbourhoodProperties(NamedArea):
    code: int
    nis_code: str = Field(description="The municipality that holds most of the neighbourhood.")
    municipality_name: str
    police_zone: str


class _Collection(Schema):
    type: Literal["FeatureCollection"]
    attribution: str
    license: str


class MunicipalityFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Polygonal
    properties: MunicipalityProperties


class MunicipalityCollection(_Collection):
    features: list[MunicipalityFeature]


class PoliceZoneFeature(Schema):
    type: Literal["Feature"]
    id: str
    geometry: Polygonal
    properties: PoliceZoneProperties


class PoliceZoneCollection(_Collection):
    features: list[PoliceZoneFeature]


class NeighbourhoodFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: Polygonal
    properties: NeighbourhoodProperties


class NeighbourhoodCollection(_Collection):
    features: list[NeighbourhoodFeature]


class PlaceMunicipality(Schema):
    nis_code: str = Field(examples=["21015"])
    name: str = Field(description="In the request's language (French for other than nl/fr).")


class PlaceOut(Schema):
    name: str = Field(
        description="In the request's language (French for other than nl/fr).",
        examples=["Gare du Nord"],
    )
    name_nl: str = Field(examples=["Noordstation"])
    name_fr: str = Field(examples=["Gare du Nord"])
    kind: Literal[
        "municipality", "station", "square", "landmark", "street", "neighbourhood", "address"
    ]
    lat: float = Field(examples=[50.8603])
    lon: float = Field(examples=[4.3617])
    municipality: PlaceMunicipality = Field(description="The municipality that holds the point.")
    source: str = Field(
        description="Where the point comes from: the shipped gazetteer's source for the entry, "
        "or `urbis` / `nominatim` for an operator's geocoder."
    )
