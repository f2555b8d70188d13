"""The certificate as a PDF (reportlab) with a QR code (segno) to its verification page.

The texts use DejaVu Sans when the system has it (Latin, Greek and Cyrillic
names print correctly), else reportlab's own Vera. The code is printed in
Courier, a standard PDF font, so it is plain text in the file: a person can
copy it and a program can find it.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from umbrella.training.courses.actions import format_code
from umbrella.training.courses.models import Certificate

_FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
]


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """Register and return (regular, bold) font names."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts"
    candidates = [*_FONT_CANDIDATES, (str(vera / "Vera.ttf"), str(vera / "VeraBd.ttf"))]
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("CertRegular", regular))
            pdfmetrics.registerFont(TTFont("CertBold", bold))
            return "CertRegular", "CertBold"
    return "Helvetica", "Helvetica-Bold"


def verification_url(certificate: Certificate, language: str) -> str:
    with translation.override(language):
        path = reverse("verify:certificate", kwargs={"code": certificate.code})
    return settings.SITE_URL.rstrip("/") + path


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m")
    matrix = [list(row) for row in qr.matrix]
    border = 2
    cells = len(matrix) + 2 * border
    cell = size / cells
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + (c + border) * cell,
                    y + size - (r + border + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
    pdf.linkURL(url, (x, y, x + size, y + size), relative=0)


def certificate_pdf(certificate: Certificate, language: str) -> bytes:
    """Return the certificate as a one-page PDF in ``language`` (nl, fr or en)."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    url = verification_url(certificate, language)
    code = format_code(certificate.code)
    with translation.override(language):
        course_title = certificate.course.translated("title", language)
        # Dates as in Brussels (the stored values are UTC).
        issued = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
        valid_until = formats.date_format(
            timezone.localtime(certificate.valid_until), "DATE_FORMAT"
        )
        pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
        pdf.setTitle(_("Training certificate"))
        pdf.setSubject(course_title)
        pdf.setCreator("Umbrella Brussels")
        pdf.setKeywords(certificate.code)
        pdf.setStrokeColorRGB(0.1, 0.3, 0.5)
        pdf.setLineWidth(3)
        pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        pdf.setFillColorRGB(0.1, 0.3, 0.5)
        pdf.setFont(bold, 28)
        pdf.drawCentredString(width / 2, height - 45 * mm, _("Training certificate"))
        pdf.setFillColorRGB(0, 0, 0)
        pdf.setFont(regular, 14)
        pdf.drawCentredString(width / 2, height - 62 * mm, _("This certifies that"))
        pdf.setFont(bold, 24)
        pdf.drawCentredString(width / 2, height - 76 * mm, certificate.holder_name)
        pdf.setFont(regular, 14)
        pdf.drawCentredString(width / 2, height - 90 * mm, _("completed the course"))
        pdf.setFont(bold, 18)
        pdf.drawCentredString(width / 2, height - 103 * mm, course_title)
        pdf.setFont(regular, 12)
        left = 30 * mm
        pdf.drawString(left, 62 * mm, _("Date: %(date)s") % {"date": issued})
        pdf.drawString(left, 54 * mm, _("Valid until: %(date)s") % {"date": valid_until})
        pdf.drawString(left, 46 * mm, _("Certificate code:"))
        pdf.setFont("Courier-Bold", 13)
        pdf.drawString(left, 39 * mm, code)
        pdf.setFont(regular, 10)
        pdf.drawString(left, 28 * mm, _("Check this certificate by scanning the QR code or at:"))
        pdf.setFont("Courier", 9)
        pdf.drawString(left, 22 * mm, url)
        _draw_qr(pdf, url, width - 75 * mm, 20 * mm, 50 * mm)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()
