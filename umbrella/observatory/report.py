"""The evaluation report as a PDF (reportlab): figures, charts, method, disclosure, limits.

For the Brussels Parliament and the consultation platform
(``manage.py evaluation_report``; the secretary's download, ``views.report``).
Each figure is laid out by ``figures.figure_for`` exactly as on the page, and
its chart is the same ``charts.Chart`` drawn with reportlab's shapes.

The text is set in Helvetica, a standard PDF font: Dutch, French and English
need nothing beyond its Latin-1 range, and the words stay plain text in the
file, so a program (and the tests) can read them back.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from umbrella.observatory import charts, queries
from umbrella.observatory.figures import figure_for
from umbrella.observatory.pages import GROUPS

FRAME_WIDTH = A4[0] - 40 * mm
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
ATTRIBUTION = "Umbrella Brussels, observatory"


def _plain(text) -> str:
    """Return ``text`` safe for a reportlab paragraph, in the font's Latin-1 range."""
    text = str(text).replace("\u202f", "\xa0").replace("\u2009", " ")
    return escape(text)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName="Helvetica-Bold"),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName="Helvetica-Bold"),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold"),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName="Helvetica", leading=14),
        "small": ParagraphStyle(
            "s", parent=base["BodyText"], fontName="Helvetica", fontSize=8.5, leading=11
        ),
        "reading": ParagraphStyle("r", parent=base["BodyText"], fontName="Helvetica-Bold"),
    }


def _colour(hex_colour: str):
    return colors.HexColor(hex_colour)


def _hatch(drawing: Drawing, x: float, y: float, w: float, h: float, step: float = 4) -> None:
    """Draw 45° lines inside the box (x, y, w, h): the mark of a suppressed cell."""
    t = -h
    while t < w:
        v0, v1 = max(0.0, -t), min(h, w - t)
        if v1 > v0:
            drawing.add(
                Line(x + t + v0, y + v0, x + t + v1, y + v1, strokeColor=_colour(charts.MUTED))
            )
        t += step


def chart_drawing(chart: charts.Chart) -> Drawing:
    """Draw a laid-out chart with reportlab's shapes (y grows upwards in PDF)."""
    scale = FRAME_WIDTH / chart.width
    drawing = Drawing(FRAME_WIDTH, chart.height * scale)

    def flip(y: float, height: float = 0) -> float:
        return (chart.height - y - height) * scale

    px, py, pw, ph = chart.plot
    font = 13 * scale
    grid = _colour(charts.GRID)
    for pos, text in chart.ticks:
        text = text.replace("\u202f", "\xa0")
        if chart.kind == "bars":
            x = (px + pw * pos) * scale
            drawing.add(Line(x, flip(py + ph), x, flip(py), strokeColor=grid))
            drawing.add(
                String(
                    x,
                    flip(py + ph + 16),
                    text,
                    fontName="Helvetica",
                    fontSize=font,
                    textAnchor="middle",
                )
            )
        else:
            y = flip(py + ph - ph * pos)
            drawing.add(Line(px * scale, y, (px + pw) * scale, y, strokeColor=grid))
            drawing.add(
                String(
                    (px - 6) * scale,
                    y - 4 * scale,
                    text,
                    fontName="Helvetica",
                    fontSize=font,
                    textAnchor="end",
                )
            )
    labelled = charts.labelled_columns(chart) if chart.kind == "columns" else set()
    for i, bar in enumerate(chart.bars):
        x, y, w, h = bar.x * scale, flip(bar.y, bar.height), bar.width * scale, bar.height * scale
        if bar.suppressed:
            drawing.add(
                Rect(
                    x,
                    y,
                    w,
                    h,
                    fillColor=colors.white,
                    strokeColor=_colour(charts.MUTED),
                    strokeDashArray=[3, 2],
                )
            )
            _hatch(drawing, x, y, w, h)
        else:
            drawing.add(Rect(x, y, w, h, fillColor=_colour(charts.BAR), strokeColor=None))
        label = bar.label.replace("\u202f", "\xa0")
        if chart.kind == "bars":
            mid = y + h / 2 - font / 3
            drawing.add(
                String(
                    x - 6 * scale, mid, label, fontName="Helvetica", fontSize=font, textAnchor="end"
                )
            )
            if bar.suppressed:
                # The words on a white ground, readable over the hatching.
                drawing.add(
                    Rect(
                        x + 4 * scale,
                        mid - 3,
                        len(bar.text) * font * 0.5 + 4,
                        font + 3,
                        fillColor=colors.white,
                        strokeColor=None,
                    )
                )
            drawing.add(
                String(
                    x + (6 * scale if bar.suppressed else w + 6 * scale),
                    mid,
                    bar.text.replace("\u202f", "\xa0"),
                    fontName="Helvetica",
                    fontSize=font,
                )
            )
        else:
            if i in labelled:
                drawing.add(
                    String(
                        x + w / 2,
                        flip(py + ph + 16),
                        label,
                        fontName="Helvetica",
                        fontSize=font,
                        textAnchor="middle",
                    )
                )
    return drawing


class _Drawn(Flowable):
    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def draw(self) -> None:
        self.drawing.drawOn(self.canv, 0, 0)


def _table(figure) -> Table:
    rows = [[figure.row_header, _("Figure")]]
    rows += [[_plain(row.label), _plain(row.text)] for row in figure.rows]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.55, FRAME_WIDTH * 0.45], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, _colour(charts.GRID)),
    ]
    for index, row in enumerate(figure.rows, start=1):
        if row.suppressed:
            style.append(("FONT", (1, index), (1, index), "Helvetica-Oblique", 9))
    table.setStyle(TableStyle(style))
    return table


def report_period(start: date, end: date) -> str:
    """Return the period the report's series use: months up to half a year, then quarters."""
    days = (end - start).days
    if days <= 186:
        return "month"
    return "quarter" if days <= 3 * 366 else "year"


def _limits() -> list[str]:
    return [
        _(
            "Umbrella counts only what passes through Umbrella. An alarm raised by calling 112 "
            "directly, a problem reported to a municipality by telephone, a service used without "
            "the platform: none of these is in the figures."
        ),
        _(
            "The figures do not say how many sex workers live or work in Brussels, nor how safe "
            "they are. More alarms may mean more people use the panic button, not more danger; "
            "fewer may mean fewer users."
        ),
        _(
            "The figures do not tell cause from effect. A change after a measure was taken is not "
            "proof that the measure caused it: the season, the number of users and other "
            "policies change too."
        ),
        _(
            "Liveability reports show what residents and merchants chose to report, and where "
            "they did so; they are not a measure of where problems are."
        ),
        _(
            "Small numbers are hidden. In small municipalities and short periods many cells are "
            "suppressed, so a figure for the whole region can be known while its parts are not."
        ),
    ]


def evaluation_report(start: date, end: date, language: str) -> bytes:
    """Return the evaluation report for ``start``–``end`` (inclusive) in ``language``."""
    buffer = io.BytesIO()
    with translation.override(language):
        styles = _styles()
        period = report_period(start, end)
        title = _("Umbrella Brussels: evaluation report")
        span = _("From %(start)s to %(end)s") % {
            "start": formats.date_format(start, "DATE_FORMAT"),
            "end": formats.date_format(end, "DATE_FORMAT"),
        }
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=title,
            author="Umbrella Brussels",
            subject=span,
            creator="Umbrella Brussels",
            pageCompression=0,
            invariant=1,
        )
        story: list = [
            Paragraph(_plain(title), styles["title"]),
            Paragraph(_plain(span), styles["h2"]),
            Paragraph(
                _plain(
                    _(
                        "Written on %(date)s from the observatory's figures, for the Brussels "
                        "Parliament and the regional consultation platform."
                    )
                    % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")}
                ),
                styles["body"],
            ),
            Spacer(1, 6 * mm),
            Paragraph(_plain(_("What this report holds")), styles["h1"]),
            Paragraph(
                _plain(
                    _(
                        "The figures of the panic button, of liveability reports and of public "
                        "services over the period, region-wide, each with its chart, its table, "
                        "a one-sentence reading and how it is computed; then how the figures are "
                        "protected so that none points at a person, and what the data cannot say."
                    )
                ),
                styles["body"],
            ),
        ]
        datasets = queries.datasets()
        for key, group_title in GROUPS:
            members = [d for d in datasets if d.group == key]
            if not members:
                continue
            story += [PageBreak(), Paragraph(_plain(group_title), styles["h1"])]
            for dataset in members:
                figure = figure_for(dataset, period=period, by="region", start=start, end=end)
                story += _figure_flowables(figure, styles)
        story += [PageBreak(), Paragraph(_plain(_("Disclosure control")), styles["h1"])]
        story += [Paragraph(_plain(text), styles["body"]) for text in _disclosure()]
        story += [Paragraph(_plain(_("What the data cannot say")), styles["h1"])]
        story += [Paragraph(_plain(text), styles["body"]) for text in _limits()]
        story += [
            Spacer(1, 6 * mm),
            Paragraph(_plain(_("Licence and attribution")), styles["h2"]),
            Paragraph(
                _plain(
                    _("The figures are open data under %(licence)s. Attribution: %(attribution)s.")
                    % {"licence": LICENCE, "attribution": ATTRIBUTION}
                ),
                styles["small"],
            ),
        ]
        document.build(story)
    return buffer.getvalue()


def _figure_flowables(figure, styles) -> list:
    dataset = figure.dataset
    head = [
        Paragraph(_plain(dataset.title), styles["h2"]),
        Paragraph(_plain(dataset.description), styles["body"]),
    ]
    head += [Paragraph(_plain(note), styles["small"]) for note in figure.notes]
    if figure.error:
        return [KeepTogether(head + [Paragraph(_plain(figure.error), styles["body"])])]
    head.append(Paragraph(_plain(figure.reading), styles["reading"]))
    parts = []
    if figure.chart is not None and figure.rows:
        parts.append(_Drawn(chart_drawing(figure.chart)))
        parts.append(Spacer(1, 2 * mm))
        parts.append(_table(figure))
    method = [
        Spacer(1, 2 * mm),
        Paragraph(_plain(_("How it is computed")), styles["reading"]),
        Paragraph(_plain(dataset.method), styles["small"]),
        Spacer(1, 4 * mm),
    ]
    return [KeepTogether(head + parts[:1]), *parts[1:], *method]


def _disclosure() -> list[str]:
    return [
        _(
            "No published cell counts fewer than 10 people or events. Such a cell is marked "
            "“suppressed (fewer than 10)”, hatched in the charts and maps, and never shown as 0."
        ),
        _(
            "Hiding a small cell is not enough when the total and the other cells are "
            "published: the hidden one could be found by subtraction. So other cells are hidden "
            "too (complementary suppression), until no hidden cell can be recovered from rows, "
            "totals or neighbouring periods: a month cannot be worked out from its quarter minus "
            "the two other months."
        ),
        _(
            "Times to acknowledge an alarm are computed only from cells of at least 10 alarms. "
            "Rare events, such as alarms raised with the duress code, are published only for the "
            "whole region and only by year."
        ),
        _(
            "Facts about public places and organisations that the directory already lists one "
            "by one (public toilets, services holding the label, the police zones' trafficking "
            "references) point at no person and are published as counted, small numbers "
            "included. Staff trained and establishments' room buttons are protected as above."
        ),
    ]
