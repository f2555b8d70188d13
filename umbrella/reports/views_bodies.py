"""Public pages of the bodies: one body's figures, the 19 municipalities side by side."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from umbrella.reports import queries
from umbrella.reports.models import Body
from umbrella.reports.views_common import duration_text


@require_GET
def body(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a body's open reports and its median times to first response and to fixed."""
    found = Body.objects.filter(code=slug, active=True).first()
    if found is None:
        raise Http404
    stats = queries.body_stats(found)
    context = {
        "body": found,
        "stats": stats,
        "first_response": duration_text(stats.median_first_response),
        "fixed": duration_text(stats.median_to_fixed),
        "open_reports": queries.public_reports(body=found, open_only=True)[:50],
    }
    return render(request, "reports/body.html", context)


@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    """Show the 19 municipalities side by side: the harmonisation view of the resolution."""
    rows = [
        {
            "body": row.body,
            "stats": row.stats,
            "first_response": duration_text(row.stats.median_first_response),
            "fixed": duration_text(row.stats.median_to_fixed),
        }
        for row in queries.municipality_comparison()
    ]
    return render(request, "reports/comparison.html", {"rows": rows})
