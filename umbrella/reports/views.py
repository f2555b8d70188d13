"""Public report pages: report a problem, thank-you, the public list and map, one report.

Thin views: they validate with ``forms``, call one action or query, and render. Every page
works without JavaScript; ``static/reports/reports.js`` adds the map, "use my location" and
the duplicate suggestions (an htmx partial).

The reporter's follow-up pages, by the secret code of her link or signed in as herself,
show her report (with her own description), every public update, a form to reopen it and,
once the question is due, "is it fixed?". An unknown code and another person's report
answer 404: the page never says whether a report exists.

The bodies' pages show one body's figures and the 19 municipalities side by side. The
staff pages are ``staff/views.py``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.reports import actions, queries
from umbrella.reports.actions import ReportInvalid
from umbrella.reports.actions.ratelimit import client_key_for
from umbrella.reports.forms import (
    HONEYPOT,
    DuplicatesForm,
    FilterForm,
    FixedForm,
    ReopenForm,
    ReportForm,
)
from umbrella.reports.models import Body, Category

PER_PAGE = 50
# Where the thank-you page finds what to show once: the code is in no URL and no log.
SUBMITTED_SESSION_KEY = "reports.submitted"


# --- helpers of the report pages ----------------------------------------------


def add_errors(form: forms.Form, invalid: ReportInvalid) -> None:
    """Put an action's refusals on the form's fields (the rest above the form)."""
    for field, messages in invalid.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page out of every shared cache: it holds a code, a point or staff data."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def duration_text(delta) -> str:
    """Return a duration as people say it: minutes, hours or days (empty when unknown)."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _categories_by_code() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.filter(active=True)}


@require_http_methods(["GET", "POST"])
def new_report(request: HttpRequest) -> HttpResponse:
    """Report a problem: the form, and on POST the report (no account needed)."""
    categories = _categories_by_code()
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = actions.submit_report(
                    category=categories[data["category"]],
                    lat=data["lat"],
                    lon=data["lon"],
                    description=data["description"],
                    reporter_kind=data["reporter_kind"],
                    email=data["email"] or None,
                    photo=data["photo"],
                    user=request.user if request.user.is_authenticated else None,
                    wants_police=data["wants_police"],
                    wants_victim_support=data["wants_victim_support"],
                    language=language(),
                    client_key=client_key_for(request),
                    honeypot=request.POST.get(HONEYPOT, ""),
                )
            except actions.ReportInvalid as invalid:
                add_errors(form, invalid)
            else:
                request.session[SUBMITTED_SESSION_KEY] = {
                    "report": submitted.report.pk,
                    "code": submitted.follow_up_code,
                    "explanation": submitted.guard_explanation or "",
                }
                return redirect("reports:thanks")
        status = 400
    else:
        initial = {}
        if request.GET.get("category") in categories:
            initial["category"] = request.GET["category"]
        form = ReportForm(initial=initial)
        status = 200
    context = {
        "form": form,
        "categories": categories.values(),
        "category_flags": {
            c.code: {
                "police": c.offers_police,
                "victim_support": c.offers_victim_support,
                "confidential": c.confidential,
            }
            for c in categories.values()
        },
    }
    return private(render(request, "reports/new.html", context, status=status))


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """The htmx partial of the report form: recent reports like this one, close by."""
    form = DuplicatesForm(request.GET)
    found = []
    if form.is_valid():
        category = Category.objects.filter(code=form.cleaned_data["category"]).first()
        if category is not None and not category.confidential:
            found = queries.likely_duplicates(
                category, form.cleaned_data["lat"], form.cleaned_data["lon"], timezone.now()
            )
    return private(render(request, "reports/_duplicates.html", {"duplicates": found}))


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """Thank the reporter and give her the follow-up link, once."""
    submitted = request.session.pop(SUBMITTED_SESSION_KEY, None)
    if not submitted:
        return render(request, "reports/thanks_gone.html", status=410)
    report = queries.report_by_id(submitted["report"])
    if report is None:
        raise Http404
    follow_up_url = request.build_absolute_uri(
        reverse("reports:follow_up", kwargs={"code": submitted["code"]})
    )
    toilets = _toilets(report) if report.category.shows_toilets else []
    context = {
        "report": report,
        "code": submitted["code"],
        "follow_up_url": follow_up_url,
        "explanation": submitted["explanation"],
        "toilets": toilets,
    }
    return private(render(request, "reports/thanks.html", context))


def _toilets(report) -> list[dict]:
    """Return the nearest public toilets as the thank-you page lists them."""
    from umbrella.directory.views import display_name

    today = timezone.localdate()
    toilets = []
    for found in queries.nearest_toilets(report.lat, report.lon):
        properties = found.feature(language(), today)["properties"]
        toilets.append(
            {
                "name": display_name(properties),
                "url": reverse("directory:detail", kwargs={"place_id": found.place.id}),
                "distance": _distance(found.distance_m),
            }
        )
    return toilets


def _distance(metres: float | None) -> str:
    """Return a walking distance as people read it: metres, rounded to ten."""
    if metres is None:
        return ""
    return _("%(metres)s m") % {"metres": int(round(metres, -1))}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """List and map the public (non-confidential) reports, newest first, with filters."""
    form = FilterForm(request.GET)
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
        reports = queries.public_reports(**filters)
        status = 200
    else:
        reports = queries.public_reports().none()
        status = 400
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    items = [{"report": r, "location": queries.public_location(r)} for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "items": items,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "reports/index.html", context, status=status)


@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show one public report and its public updates; a confidential one does not exist here."""
    report = queries.public_report(public_id)
    if report is None:
        raise Http404
    has_public_photo = queries.public_photo(report) is not None
    context = {
        "report": report,
        "location": queries.public_location(report),
        "updates": queries.public_updates(report),
        "photo_url": (
            reverse("reports:photo", kwargs={"public_id": public_id}) if has_public_photo else ""
        ),
    }
    return render(request, "reports/detail.html", context)


@require_GET
def photo(request: HttpRequest, public_id: str) -> HttpResponse:
    """Serve a public report's photo, only once staff marked it as showing nobody."""
    report = queries.public_report(public_id)
    found = queries.public_photo(report) if report is not None else None
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the reporter's follow-up -----------------------------------------------------


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


# --- the bodies' pages -----------------------------------------------------------


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
