"""The open-data API's answers (docs/observatory.md, docs/api.md)."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Umbrella Brussels observatory (figures protected by disclosure control)"


class StatisticsArea(Schema):
    kind: Literal["region", "police_zone", "municipality", "neighbourhood", "body"]
    code: str = Field(
        description="NIS code, police zone number, neighbourhood code or the body's code; "
        "empty for “place unknown” (or a report not routed to a body yet)."
    )
    name: str


class StatisticsRow(Schema):
    period: str = Field(description="`2026-11`, `2026-Q4` or `2026`.", examples=["2026-11"])
    area: StatisticsArea
    value: int | float | None = Field(
        description="null when the cell is hidden (`suppressed` true); with `suppressed` "
        "false, no figure: nothing to measure, or, per 10,000 residents, population not known."
    )
    suppressed: bool = Field(description="true: hidden by disclosure control (never a 0).")


class StatisticsTable(Schema):
    dataset: str
    title: str
    unit: Literal["count", "share", "minutes", "seconds", "per_10000"]
    period: Literal["month", "quarter", "year"]
    by: Literal["region", "police_zone", "municipality", "neighbourhood", "body"]
    license: str = Field(description="The licence of the data and its address.")
    attribution: str
    rows: list[StatisticsRow]


class StatisticsDataset(Schema):
    id: str = Field(description="The dataset's slug, stable across releases.")
    title: str
    description: str
    method: str = Field(description="Where the figure comes from and how it is computed.")
    unit: Literal["count", "share", "minutes", "seconds", "per_10000"]
    group: Literal["panic", "liveability", "services"]
    levels: list[str]
    periods: list[str]
    url: str
    csv_url: str


class StatisticsIndex(Schema):
    license: str
    attribution: str
    catalog: str = Field(description="The DCAT-AP catalogue (JSON-LD) for open-data portals.")
    datasets: list[StatisticsDataset]
