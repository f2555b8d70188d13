"""The observatory's pages: the public figures, and the evaluation report for the secretary.

Thin views: the figures come from ``queries`` (the roll-up tables, already
suppressed), the drawing from ``charts``, ``maps`` and ``report``, the page's
figures already rendered from ``pages``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from umbrella.core.exceptions import Refused
from umbrella.observatory.pages import GROUPS, figures_html, forget_figures  # noqa: F401

PERIODS = [
    ("month", gettext_lazy("by month")),
    ("quarter", gettext_lazy("by quarter")),
    ("year", gettext_lazy("by year")),
]
LEVELS = [
    ("region", gettext_lazy("region-wide")),
    ("municipality", gettext_lazy("by municipality")),
    ("police_zone", gettext_lazy("by police zone")),
]


class SelectionForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Periods"), choices=PERIODS, required=False)
    by = forms.ChoiceField(label=gettext_lazy("Areas"), choices=LEVELS, required=False)


@require_GET
def index(request):
    """The public figures, grouped, each with chart, table, reading and method note."""
    form = SelectionForm(request.GET or None)
    status = 200
    period, by = "quarter", "region"
    if form.is_bound:
        if form.is_valid():
            period = form.cleaned_data["period"] or period
            by = form.cleaned_data["by"] or by
        else:
            status = 400
    if not form.is_bound or not form.is_valid():
        form = SelectionForm(initial={"period": period, "by": by}) if status == 200 else form
    context = {"form": form, "figures": figures_html(period, by)}
    return render(request, "observatory/index.html", context, status=status)


# --- the evaluation report (the platform secretary) ----------------------------------------


class ReportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"),
        choices=[("nl", "Nederlands"), ("fr", "Français"), ("en", "English")],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if (end - start).days > 366 * 5:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return data


def _secretary_only(request) -> None:
    from umbrella.consultation.members.queries import is_secretary

    if not is_secretary(request.user):
        raise Refused(_("Only the platform's secretary downloads the evaluation report."))


@login_required
@require_GET
def report(request):
    """The secretary chooses a period and a language; the PDF is streamed back."""
    _secretary_only(request)
    if "start" not in request.GET:
        today = timezone.localdate()
        first = date(today.year - 1, 1, 1)
        form = ReportForm(
            initial={"start": first, "end": date(today.year, 1, 1) - timedelta(days=1)}
            | {"language": request.LANGUAGE_CODE}
        )
        return render(request, "observatory/report_form.html", {"form": form})
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "observatory/report_form.html", {"form": form}, status=400)
    from umbrella.observatory.report import evaluation_report

    data = form.cleaned_data
    pdf = evaluation_report(data["start"], data["end"], data["language"])
    name = f"umbrella-evaluation-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
