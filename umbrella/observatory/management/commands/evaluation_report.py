"""``manage.py evaluation_report --from 2026-01-01 --to 2026-12-31 --lang fr -o report.pdf``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = (
        "Write the observatory's evaluation report (figures, charts, method, disclosure "
        "control, what the data cannot say) for a period as a PDF, for the Brussels "
        "Parliament and the consultation platform."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--lang", choices=["nl", "fr", "en"], default="en")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args, start, end, lang, output, **options):
        from umbrella.observatory.report import evaluation_report

        first, last = _day(start), _day(end)
        if last < first:
            raise CommandError("--to comes before --from.")
        pdf = evaluation_report(first, last, lang)
        path = Path(output)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
        self.stdout.write(f"{path}: {len(pdf):,} bytes, {first} to {last}, in {lang}.")
