"""The reporter's follow-up pages: by the secret code of her link, or signed in as herself.

Both show her report (with her own description), every public update, a form to reopen it
and, once the question is due, "is it fixed?". An unknown code and another person's report
answer 404: the page never says whether a report exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.reports import actions, queries
from umbrella.reports.forms import FixedForm, ReopenForm
from umbrella.reports.views_common import add_errors, private


def _by_code(code: str):
    report = queries.report_for_code(code)
    if report is None:
        raise Http404
    return report


def _of_user(request: HttpRequest, pk: int):
    report = queries.report_of_reporter(request.user, pk)
    if report is None:
        raise Http404
    return report


def _page(request, report, *, base_url, reopen_form=None, fixed_form=None, status=200):
    now = timezone.now()
    context = {
        "report": report,
        "location": queries.public_location(report),
        "updates": queries.public_updates(report),
        "base_url": base_url,
        "can_reopen": queries.can_reopen(report),
        "fixed_question_due": queries.fixed_question_due(report, now),
        "reopen_form": reopen_form or ReopenForm(),
        "fixed_form": fixed_form or FixedForm(),
    }
    return private(render(request, "reports/follow_up.html", context, status=status))


def _handle(request, report, *, base_url, code=None, user=None):
    """Apply a reopen or an "is it fixed?" answer posted to the follow-up page."""
    if request.method == "GET":
        return _page(request, report, base_url=base_url)
    action = request.POST.get("action")
    if action == "reopen":
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                actions.reopen_report(report, text=form.cleaned_data["text"], user=user, code=code)
            except actions.ReportInvalid as invalid:
                add_errors(form, invalid)
            else:
                return redirect(base_url + "?done=reopened")
        return _page(request, report, base_url=base_url, reopen_form=form, status=400)
    if action == "fixed":
        form = FixedForm(request.POST)
        if form.is_valid():
            try:
                actions.answer_fixed_question(
                    report, fixed=form.cleaned_data["fixed"], code=code, user=user
                )
            except actions.ReportInvalid as invalid:
                add_errors(form, invalid)
            else:
                return redirect(base_url + "?done=answered")
        return _page(request, report, base_url=base_url, fixed_form=form, status=400)
    form = ReopenForm()
    form.add_error(None, _("Choose what you want to do: reopen, or answer the question."))
    return _page(request, report, base_url=base_url, reopen_form=form, status=400)


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    """Follow a report up with the code of the link the reporter received."""
    report = _by_code(code)
    base_url = reverse("reports:follow_up", kwargs={"code": code})
    return _handle(request, report, base_url=base_url, code=code)


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """List the signed-in person's own reports."""
    reports = queries.reports_of_reporter(request.user)
    return private(render(request, "reports/mine.html", {"reports": reports}))


@require_http_methods(["GET", "POST"])
@login_required
def my_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow up one of the signed-in person's own reports."""
    report = _of_user(request, pk)
    base_url = reverse("reports:my_report", kwargs={"pk": pk})
    return _handle(request, report, base_url=base_url, user=request.user)
