"""Certificates: issued on completion, valid two years, refresher, revocation, the PDF."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from umbrella.training.courses import queries
from umbrella.training.courses.actions import (
    CROCKFORD,
    issue_certificate,
    issue_certificate_if_complete,
    revoke_certificate,
)
from umbrella.training.courses.certificates import certificate_pdf
from umbrella.training.models import CertificateStatus
from umbrella.training.tests.factories import make_course, pass_course

BRUSSELS = ZoneInfo("Europe/Brussels")
ISSUED = datetime(2026, 3, 28, 14, 30, tzinfo=BRUSSELS)  # the eve of the DST change


@pytest.mark.django_db
def test_completing_the_course_issues_a_two_year_certificate(staff):
    course = make_course()
    pass_course(staff, course, ISSUED)
    certificate = staff.training_certificates.get()
    assert certificate.issued_at == ISSUED
    # Exact durations: two years are 730 days of 24 hours, whatever DST does meanwhile.
    assert certificate.valid_until == ISSUED.astimezone(UTC) + timedelta(days=730)
    assert (certificate.valid_until - ISSUED).total_seconds() == 730 * 86400
    assert certificate.refresher_due_at == certificate.valid_until - timedelta(days=60)
    assert certificate.holder_name == "staff"
    assert len(certificate.code) == 20 and set(certificate.code) <= set(CROCKFORD)


@pytest.mark.django_db
def test_codes_are_unique_and_unguessable(staff):
    course = make_course()
    codes = {issue_certificate(staff, course, ISSUED).code for _ in range(50)}
    assert len(codes) == 50


@pytest.mark.django_db
def test_validity_at_the_boundaries(staff):
    certificate = issue_certificate(staff, make_course(), ISSUED)
    end = certificate.valid_until
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        assert certificate.status_at(timezone.now()) == CertificateStatus.VALID
        assert queries.current_certificate(staff, certificate.course, timezone.now()) == certificate
    with time_machine.travel(end, tick=False):
        assert certificate.status_at(timezone.now()) == CertificateStatus.EXPIRED
        assert queries.current_certificate(staff, certificate.course, timezone.now()) is None
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        assert certificate.status_at(timezone.now()) == CertificateStatus.EXPIRED
    assert not queries.valid_certificates(ISSUED - timedelta(seconds=1)).exists()


@pytest.mark.django_db
def test_refresher_is_due_60_days_before_it_lapses(staff):
    certificate = issue_certificate(staff, make_course(), ISSUED)
    due = certificate.valid_until - timedelta(days=60)
    assert not certificate.is_refresher_due_at(due - timedelta(seconds=1))
    assert certificate.is_refresher_due_at(due)
    assert certificate.expires_within(due, 60)
    assert not certificate.expires_within(due - timedelta(seconds=1), 60)


@pytest.mark.django_db
def test_the_refresher_needs_the_quizzes_again_and_issues_a_new_certificate(staff):
    course = make_course()
    pass_course(staff, course, ISSUED)
    first = staff.training_certificates.get()
    due = first.refresher_due_at
    # Before the refresher is due, passing again issues nothing.
    pass_course(staff, course, due - timedelta(days=1))
    assert staff.training_certificates.count() == 1
    # Once due, old passes do not count: the course must be passed again.
    assert issue_certificate_if_complete(staff, course, due) is None
    progress = queries.course_progress(staff, course, due)
    assert progress.refresher_due and progress.passed_count == 0
    pass_course(staff, course, due + timedelta(days=1))
    second = staff.training_certificates.order_by("-issued_at").first()
    assert second != first
    assert second.valid_until == due + timedelta(days=1) + timedelta(days=730)


@pytest.mark.django_db
def test_revocation(staff):
    certificate = issue_certificate(staff, make_course(), ISSUED)
    revoked_at = ISSUED + timedelta(days=10)
    revoke_certificate(certificate, revoked_at)
    assert certificate.status_at(revoked_at - timedelta(seconds=1)) == CertificateStatus.VALID
    assert certificate.status_at(revoked_at) == CertificateStatus.REVOKED
    assert not queries.valid_certificates(revoked_at).exists()
    assert queries.valid_certificates(revoked_at - timedelta(seconds=1)).exists()


def _pdf_text(pdf: bytes) -> str:
    """Return the decompressed content streams of a PDF (enough to find printed text)."""
    texts = []
    for match in re.finditer(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)\s*endstream",
        pdf,
        re.DOTALL,
    ):
        raw = match.group(1).strip()
        texts.append(
            zlib.decompress(base64.a85decode(raw, adobe=raw.endswith(b"~>"))).decode("latin-1")
        )
    return "\n".join(texts)


@pytest.mark.django_db
def test_the_pdf_is_a_one_page_pdf_with_the_code_and_the_verification_link(staff, settings):
    settings.SITE_URL = "https://umbrella.example.brussels"
    staff.first_name, staff.last_name = "Ana", "Dobrescu"
    staff.save()
    certificate = issue_certificate(staff, make_course(), ISSUED)
    pdf = certificate_pdf(certificate, "nl")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    text = _pdf_text(pdf)
    code = "-".join(certificate.code[i : i + 4] for i in range(0, 20, 4))
    assert f"({code}) Tj" in text
    assert "(Ana Dobrescu) Tj" in text  # the holder's display name
    url = f"https://umbrella.example.brussels/nl/verify/{certificate.code}"
    assert f"({url}) Tj" in text
    assert f"/URI ({url})".encode() in pdf  # the QR code area links there too
    assert certificate.code.encode() in pdf  # also in the document's keywords
    # Issued at 00:30 in Brussels (23:30 UTC the day before): the Brussels date is printed.
    late = issue_certificate(
        staff, certificate.course, datetime(2026, 6, 2, 0, 30, tzinfo=BRUSSELS)
    )
    assert "(Datum: 2 juni 2026) Tj" in _pdf_text(certificate_pdf(late, "nl"))
