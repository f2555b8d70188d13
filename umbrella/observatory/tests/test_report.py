"""The evaluation report: a PDF with the figures, method, disclosure note and limits, in the
language asked; the command writes it; only the platform secretary downloads it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from umbrella.consultation.tests.factories import secretary
from umbrella.observatory import actions, queries
from umbrella.observatory.tests.factories import (
    BRUSSELS_CITY,
    SAINT_JOSSE,
    alarms,
    at,
    february_2027,  # noqa: F401 -- february_2027 holds the clock
)
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(worker):
    alarms(worker, 25, at(2026, 10), nis=BRUSSELS_CITY, ack_seconds=30)
    alarms(worker, 3, at(2026, 11), nis=SAINT_JOSSE, ack_seconds=20)
    actions.refresh(at(2027, 2, 15))


def pdf_text(pdf: bytes) -> str:
    """Return the text a PDF's (uncompressed) content streams show, one string per line."""
    assert pdf.startswith(b"%PDF-")
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf)

    def unescape(raw: bytes) -> str:
        out = bytearray()
        i = 0
        while i < len(raw):
            if raw[i] == 0x5C:  # backslash
                octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(), 8))
                    i += 1 + len(octal.group())
                    continue
                out.append(raw[i + 1])
                i += 2
                continue
            out.append(raw[i])
            i += 1
        return out.decode("cp1252")

    return "\n".join(unescape(s) for s in strings)


@pytest.mark.parametrize(
    ("language", "sentences"),
    [
        (
            "en",
            [
                "Umbrella Brussels: evaluation report",
                "Panic button",
                "Disclosure control",
                "What the data cannot say",
                "suppressed (fewer than 10)",
            ],
        ),
        (
            "fr",
            [
                "Umbrella Brussels : rapport d’évaluation",
                "Bouton d'alarme",
                "Contrôle de la divulgation",
                "Ce que les données ne peuvent pas dire",
            ],
        ),
        (
            "nl",
            [
                "Umbrella Brussels: evaluatierapport",
                "Alarmknop",
                "Wat de gegevens niet kunnen zeggen",
            ],
        ),
    ],
)
def test_the_report_holds_figures_method_disclosure_and_limits(figures, language, sentences):
    from umbrella.observatory.report import evaluation_report

    text = pdf_text(evaluation_report(date(2026, 1, 1), date(2026, 12, 31), language))
    for sentence in sentences:
        assert sentence in text
    from django.utils import translation

    with translation.override(language):
        for dataset in queries.datasets():
            assert str(dataset.title) in text


def test_the_report_shows_a_real_figure_of_the_period(figures):
    from umbrella.observatory.report import evaluation_report

    text = pdf_text(evaluation_report(date(2026, 10, 1), date(2026, 12, 31), "en"))
    lines = text.split("\n")
    # Months for a short period: November's 3 alarms are hidden, and October's 25 with them
    # (the quarter minus October would tell November), each marked, never 0.
    start = lines.index("Alarms raised with the panic button in the app")
    table = lines[lines.index("Period", start) : lines.index("How it is computed", start)]
    assert table == [
        "Period",
        "Figure",
        "October 2026",
        "suppressed (fewer than 10)",
        "November 2026",
        "suppressed (fewer than 10)",
        "December 2026",
        "0",
    ]
    assert "Q4 2026" not in text


def test_the_command_writes_the_pdf(figures, tmp_path):
    out = tmp_path / "report.pdf"
    call_command(
        "evaluation_report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--lang",
        "fr",
        "-o",
        str(out),
    )
    assert "Contrôle de la divulgation" in pdf_text(out.read_bytes())


def test_the_command_refuses_a_period_that_ends_before_it_starts(tmp_path):
    with pytest.raises(CommandError, match="before"):
        call_command(
            "evaluation_report",
            "--from",
            "2026-12-31",
            "--to",
            "2026-01-01",
            "--lang",
            "en",
            "-o",
            str(tmp_path / "r.pdf"),
        )
    with pytest.raises(CommandError, match="not a date"):
        call_command(
            "evaluation_report",
            "--from",
            "2026-13-01",
            "--to",
            "2026-12-31",
            "--lang",
            "en",
            "-o",
            str(tmp_path / "r.pdf"),
        )


REPORT = "/en/observatory/report/?start=2026-01-01&end=2026-12-31&language=en"


def test_the_secretary_downloads_the_report(client, figures):
    sign_in(client, secretary())
    form = client.get("/en/observatory/report/")
    assert form.status_code == 200 and b"Download the report (PDF)" in form.content
    response = client.get(REPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "What the data cannot say" in pdf_text(response.content)


def test_the_platform_page_links_the_report_for_the_secretary_only(client, worker):
    assert b"/observatory/report/" not in client.get("/en/platform/").content
    sign_in(client, secretary())
    assert b'href="/en/observatory/report/"' in client.get("/en/platform/").content


@pytest.mark.parametrize("persona", ["worker", "responder", "municipality", "admin"])
def test_nobody_else_downloads_it(client, personas, persona):
    sign_in(client, getattr(personas, persona))
    response = client.get(REPORT)
    assert response.status_code == 403
    assert b"%PDF" not in response.content


def test_without_signing_in_the_report_asks_to_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_period_is_refused_with_a_sentence(client):
    sign_in(client, secretary())
    response = client.get("/en/observatory/report/?start=2026-12-31&end=2026-01-01&language=en")
    assert response.status_code == 400
    assert b"The end date comes before the start date." in response.content
