"""Staff pages: the inbox of a body's reports, one report with its update form, moderation.

Only signed-in staff reach them; the accounts middleware has already asked for two-step
verification. Scope comes from ``queries``: a report outside a person's scope answers
404, so a confidential report's existence never shows. Each sensitive read is audited.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from umbrella.core.audit import record_read
from umbrella.reports import actions, queries
from umbrella.reports.forms import InboxFilterForm, UpdateForm
from umbrella.reports.models import Body, CloseReason, Report, ReportPhoto, ReportStatus
from umbrella.reports.views import add_errors, private

# Left out of the inbox unless asked for: nothing more to do on them.
CLOSED_STATUSES = (ReportStatus.FIXED, ReportStatus.CLOSED)


def _report_for(request: HttpRequest, pk: int) -> Report:
    report = queries.report_by_id(pk)
    if report is None or not queries.can_view(request.user, report):
        raise Http404
    return report


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """List the reports routed to the bodies this person acts for."""
    reports = queries.inbox_for(request.user)
    if reports is None:
        raise Http404
    form = InboxFilterForm(request.GET)
    status = 200
    if form.is_valid():
        if form.cleaned_data["status"]:
            reports = reports.filter(status=form.cleaned_data["status"])
        elif not form.cleaned_data["include_closed"]:
            reports = reports.exclude(status__in=CLOSED_STATUSES)
    else:
        reports, status = reports.none(), 400
    context = {
        "form": form,
        "reports": reports,
        "moderates": queries.moderation_queue_for(request.user) is not None,
    }
    return private(render(request, "reports/staff/inbox.html", context, status=status))


@require_http_methods(["GET", "POST"])
@login_required
def staff_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one routed report in full and let its body's staff post an update."""
    report = _report_for(request, pk)
    may_update = queries.can_update(request.user, report)
    form = None
    status = 200
    if request.method == "POST":
        if not may_update:
            raise Http404
        form = UpdateForm(request.POST, report=report, close_reasons=CloseReason.choices)
        if form.is_valid():
            data = form.cleaned_data
            referred_to = (
                Body.objects.filter(pk=data["referred_to"]).first() if data["referred_to"] else None
            )
            try:
                actions.post_update(
                    report,
                    author=request.user,
                    text=data["text"],
                    new_status=data["new_status"] or None,
                    close_reason=data["close_reason"] or None,
                    referred_to=referred_to,
                    public=data["public"],
                )
            except actions.ReportInvalid as invalid:
                add_errors(form, invalid)
            else:
                return redirect(reverse("reports:staff_report", kwargs={"pk": pk}) + "?done=1")
        status = 400
    queries.read_report(request.user, report, "reports: staff report page")
    if form is None and may_update:
        form = UpdateForm(
            report=report, close_reasons=CloseReason.choices, initial={"public": True}
        )
    context = {
        "report": report,
        "updates": queries.all_updates(report),
        "photo": ReportPhoto.objects.filter(report=report).only("public", "reviewed_at").first(),
        "may_update": may_update,
        "form": form,
        "done": request.GET.get("done") == "1",
    }
    return private(render(request, "reports/staff/report.html", context, status=status))


@require_GET
@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """List the flagged reports waiting for a moderator."""
    reports = queries.moderation_queue_for(request.user)
    if reports is None:
        raise Http404
    return private(render(request, "reports/staff/moderation.html", {"reports": reports}))


def _held_report(request: HttpRequest, pk: int) -> Report:
    queue = queries.moderation_queue_for(request.user)
    if queue is None:
        raise Http404
    report = queue.filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@require_POST
@login_required
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a held report without routing it: it was about people's presence, not a situation."""
    report = _held_report(request, pk)
    actions.dismiss_from_moderation(report, by=request.user, text=request.POST.get("text", ""))
    return redirect(reverse("reports:moderation") + "?dismissed=1")


@require_POST
@login_required
def review_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a report's photo once a staff member saw it shows nobody, or keep it private."""
    report = _report_for(request, pk)
    if not queries.can_update(request.user, report):
        raise Http404
    found = ReportPhoto.objects.filter(report=report).first()
    if found is None:
        raise Http404
    actions.review_photo(
        found, by=request.user, shows_nobody=request.POST.get("shows_nobody") == "1"
    )
    return redirect(reverse("reports:staff_report", kwargs={"pk": pk}) + "?done=1")


@require_POST
@login_required
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release a flagged report from moderation to its routing (to the police only if asked)."""
    report = _held_report(request, pk)
    actions.release_from_moderation(
        report, by=request.user, route_to_police=request.POST.get("route_to_police") == "1"
    )
    return redirect(reverse("reports:moderation") + "?released=1")


@require_GET
@login_required
def staff_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a routed report's photo to the staff who may see the report."""
    report = _report_for(request, pk)
    found = ReportPhoto.objects.filter(report=report).first()
    if found is None:
        raise Http404
    record_read(request.user, found, "reports: staff photo")
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)
