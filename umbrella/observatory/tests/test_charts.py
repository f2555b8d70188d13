"""The charts' SVG: one named, described image; suppressed cells hatched, never drawn as 0;
numbers written as each language writes them; the map shades the 19 municipalities."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.utils import translation

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.observatory import charts, maps

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Area:
    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class Cell:
    period: str
    area: Area
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Dataset:
    slug: str = "alarms-real"
    title: str = "Real alarms"
    unit: str = "count"


@pytest.fixture(autouse=True)
def _english():
    """The sentences below are English (a page test before may have left French active)."""
    with translation.override("en"):
        yield


REGION = Area("region", "04000", "Brussels-Capital Region")


def municipality(code: str, name: str) -> Area:
    return Area("municipality", code, name)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, not untrusted input


def by_area_cells() -> list[Cell]:
    return [
        Cell("2026-Q4", municipality("21001", "Anderlecht"), 40, False),
        Cell("2026-Q4", municipality("21004", "Bruxelles"), 120, False),
        Cell("2026-Q4", municipality("21009", "Ixelles"), None, True),
        Cell("2026-Q4", municipality("21015", "Schaerbeek"), 0, False),
    ]


def test_a_chart_is_one_image_named_by_its_title_and_described_with_its_reading():
    chart = charts.bar_chart(Dataset(), by_area_cells(), uid="fig-a", period="2026-Q4")
    root = parse(chart.svg())
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "fig-a-title fig-a-desc"
    assert root.find(f"{SVG}title").get("id") == "fig-a-title"
    assert root.find(f"{SVG}title").text == "Real alarms, Q4 2026"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == "fig-a-desc"
    assert "Hatched bands are suppressed cells (fewer than 10)" in desc.text
    assert chart.reading in desc.text
    assert chart.reading == (
        "In Q4 2026, “Real alarms” was highest in Bruxelles (120); "
        "1 area is suppressed (fewer than 10)."
    )


def test_a_suppressed_cell_is_a_hatched_band_that_says_so_never_a_bar_of_zero():
    chart = charts.bar_chart(Dataset(), by_area_cells(), uid="fig-a", period="2026-Q4")
    root = parse(chart.svg())
    bars = root.findall(f"{SVG}rect[@class='bar']")
    hidden = root.findall(f"{SVG}rect[@class='suppressed']")
    assert [b.get("data-value") for b in bars] == ["40", "120", "0"]
    assert len(hidden) == 1
    band = hidden[0]
    assert band.get("fill") == "url(#fig-a-hatch)"
    assert root.find(f".//{SVG}pattern[@id='fig-a-hatch']") is not None
    # The band spans the whole plot: nobody reads it as a small or zero value.
    plot_width = chart.plot[2]
    assert float(band.get("width")) == pytest.approx(plot_width, abs=0.1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "suppressed (fewer than 10)" in texts
    # Schaerbeek's real 0 is a bar of width 0 labelled 0; Ixelles is never "0".
    zero = [b for b in bars if b.get("data-value") == "0"][0]
    assert float(zero.get("width")) == 0
    assert texts.count("0") == 2  # the axis's 0 and Schaerbeek's value


def test_bars_use_okabe_ito_blue_with_aa_contrast_on_white():
    root = parse(charts.bar_chart(Dataset(), by_area_cells(), uid="x", period="2026-Q4").svg())
    assert {b.get("fill") for b in root.findall(f"{SVG}rect[@class='bar']")} == {"#0072B2"}

    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    assert 1.05 / (luminance(charts.BAR) + 0.05) >= 4.5  # white value text inside a bar
    assert 1.05 / (luminance(charts.MUTED) + 0.05) >= 4.5  # the hatching and axis text


def test_a_column_chart_over_periods_keeps_their_order_and_hatches_suppressed_ones():
    cells = [
        Cell("2026-01", REGION, 42, False),
        Cell("2026-02", REGION, None, True),
        Cell("2026-03", REGION, 38, False),
    ]
    dataset = Dataset(title="Median time to first acknowledgement", unit="seconds")
    chart = charts.column_chart(dataset, cells, uid="fig-t", area_name=REGION.name)
    root = parse(chart.svg())
    marks = [r for r in root.findall(f"{SVG}rect") if r.get("class") in ("bar", "suppressed")]
    assert [m.get("class") for m in marks] == ["bar", "suppressed", "bar"]
    assert [float(m.get("x")) for m in marks] == sorted(float(m.get("x")) for m in marks)
    # The hatched column stands the plot's full height with the legend saying what it is.
    assert float(marks[1].get("height")) == pytest.approx(chart.plot[3])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "January 2026" in texts and "42 s" in texts and "38 s" in texts
    assert "suppressed (fewer than 10)" in texts
    assert chart.reading == (
        "“Median time to first acknowledgement” went from 42 s in January 2026 to 38 s in "
        "March 2026 (Brussels-Capital Region)."
    )


def test_a_single_region_wide_cell_reads_as_one_sentence():
    dataset = Dataset(title="Median time to first acknowledgement", unit="seconds")
    chart = charts.bar_chart(
        dataset, [Cell("2026-Q4", REGION, 42, False)], uid="r", period="2026-Q4"
    )
    assert chart.reading == (
        "In Q4 2026, “Median time to first acknowledgement” was 42 s region-wide."
    )


def test_a_table_with_every_cell_suppressed_says_so():
    cells = [Cell("2026-11", municipality("21001", "Anderlecht"), None, True)]
    chart = charts.bar_chart(Dataset(), cells, uid="s", period="2026-11")
    assert chart.reading == (
        "In November 2026, “Real alarms” is not shown for any area: every cell counts "
        "fewer than 10."
    )
    assert parse(chart.svg()).findall(f"{SVG}rect[@class='bar']") == []


@pytest.mark.parametrize(
    ("language", "count", "share", "period"),
    [
        ("en", "12,345", "46%", "Q4 2026"),
        ("nl", "12.345", "46%", "K4 2026"),
        ("fr", "12\xa0345", "46\xa0%", "T4 2026"),
    ],
)
def test_numbers_and_periods_are_written_as_each_language_writes_them(
    language, count, share, period
):
    with translation.override(language):
        assert charts.format_value(12345, "count") == count
        assert charts.format_value(0.456, "share") == share
        assert charts.period_label("2026-Q4") == period
        assert charts.period_label("2026") == "2026"


def test_names_are_escaped_in_the_svg():
    cells = [Cell("2026", municipality("1", "<script>alert(1)</script> & co"), 12, False)]
    svg = charts.bar_chart(Dataset(title="A <b>"), cells, uid="e", period="2026").svg()
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)  # still well-formed XML


@pytest.mark.django_db
def test_the_map_shades_each_municipality_and_hatches_the_suppressed_ones():
    maps.reset_map_cache()
    cells = [
        Cell("2026", municipality("21001", "Anderlecht"), 10, False),
        Cell("2026", municipality("21004", "Bruxelles"), 95, False),
        Cell("2026", municipality("21009", "Ixelles"), None, True),
    ]
    drawn = maps.municipality_map(Dataset(), cells, uid="m", period="2026")
    root = parse(drawn.svg())
    assert root.get("role") == "img" and root.get("aria-labelledby") == "m-title m-desc"
    paths = {p.get("data-code"): p for p in root.findall(f"{SVG}use")}
    assert len(paths) == 19
    assert paths["21009"].get("data-kind") == "suppressed"
    assert paths["21009"].get("fill") == "url(#m-hatch)"
    assert paths["21001"].get("data-kind") == "value"
    assert paths["21004"].get("fill") == maps.SHADES[-1]  # 95 of 100: the darkest class
    assert paths["21001"].get("fill") == maps.SHADES[0]
    assert paths["21015"].get("data-kind") == "none" and paths["21015"].get("fill") == "#ffffff"
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert legend[-2:] == ["suppressed (fewer than 10)", "no figure"]
    assert legend[0] == "0 to 25"
    # Each municipality is drawn from the page's one set of outlines.
    assert paths["21001"].get("href") == "#municipality-outline-21001"
    outlines = parse(maps.outlines_svg())
    assert outlines.get("aria-hidden") == "true"
    assert len(outlines.findall(f"{SVG}defs/{SVG}path")) == 19
    # Simplified outlines keep the page light; a map without them is a few kilobytes.
    assert len(maps.outlines_svg()) < 40_000
    assert len(drawn.svg()) < 5_000


def test_period_labels_under_a_long_series_never_touch_and_the_latest_is_written():
    cells = [Cell(f"2026-{m:02d}", REGION, 12, False) for m in range(1, 13)]
    chart = charts.column_chart(Dataset(), cells, uid="l", area_name=REGION.name)
    labelled = sorted(charts.labelled_columns(chart))
    assert labelled[-1] == 11  # December 2026, the latest
    slot = chart.plot[2] / 12
    gap = (labelled[1] - labelled[0]) * slot
    assert gap >= len("September 2026") * 7
    texts = [t.text for t in parse(chart.svg()).iter(f"{SVG}text")]
    assert "December 2026" in texts and "November 2026" not in texts
