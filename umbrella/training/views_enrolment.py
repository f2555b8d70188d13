"""Pages of enrolment (join a group, accept an invitation, manage an organisation's
groups) and of coverage (per organisation, per municipality, region-wide)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from umbrella.accounts.models import Organisation
from umbrella.training import actions_enrolment, queries
from umbrella.training.forms_courses import CohortForm, InviteForm, JoinForm
from umbrella.training.models import Cohort


@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions_enrolment.join_with_code(
                request.user, form.cleaned_data["code"], timezone.now()
            )
        except actions_enrolment.EnrolmentError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("You joined the training group %(name)s.") % {"name": member.cohort.name},
            )
            return redirect("training:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "training/join.html", {"form": form}, status=status)


@login_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions_enrolment.invitation_by_token(token)
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            member = actions_enrolment.accept_invitation(request.user, invitation, timezone.now())
        except actions_enrolment.EnrolmentError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("You joined the training group %(name)s.") % {"name": member.cohort.name},
            )
            return redirect("training:index")
    return render(
        request,
        "training/accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


def _managed(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not queries.is_manager(request.user, organisation):
        raise Http404
    return organisation


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _managed(request, pk)
    now = timezone.now()
    form = CohortForm(request.POST or None, today=timezone.localdate(now))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions_enrolment.create_cohort(
                request.user,
                organisation,
                form.cleaned_data["course"],
                form.cleaned_data["name"],
                form.cleaned_data["deadline"],
            )
        except actions_enrolment.EnrolmentError as error:
            form.add_error("name", str(error))
        else:
            return redirect("training:cohort", pk=organisation.pk, cohort=cohort.pk)
    cohorts = []
    for cohort in organisation.training_cohorts.select_related("course").order_by("deadline"):
        members = queries.cohort_members(cohort, now)
        cohorts.append(
            {
                "cohort": cohort,
                "members": len(members),
                "certified": sum(1 for m in members if m.certificate),
                "overdue": sum(1 for m in members if m.overdue),
            }
        )
    return render(
        request,
        "training/organisation.html",
        {
            "organisation": organisation,
            "coverage": queries.organisation_coverage(organisation, now),
            "cohorts": cohorts,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort(request: HttpRequest, pk: int, cohort: int) -> HttpResponse:
    organisation = _managed(request, pk)
    cohort_obj = get_object_or_404(
        Cohort.objects.select_related("course"), pk=cohort, organisation=organisation
    )
    now = timezone.now()
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions_enrolment.invite_by_email(
            request.user,
            cohort_obj,
            form.cleaned_data["email"],
            now,
            language=(get_language() or "en")[:2],
        )
        messages.success(
            request,
            _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("training:cohort", pk=organisation.pk, cohort=cohort_obj.pk)
    return render(
        request,
        "training/cohort.html",
        {
            "organisation": organisation,
            "cohort": cohort_obj,
            "members": queries.cohort_members(cohort_obj, now),
            "modules": queries.course_modules(cohort_obj.course).count(),
            "pending": cohort_obj.invitations.filter(accepted_at__isnull=True).count(),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def coverage(request: HttpRequest) -> HttpResponse:
    """The public, region-wide view: every public service's share of staff trained.

    Figures about fewer than 5 staff are withheld (and totals that would give them away):
    the organisation's managers see their own exact figures on the organisation's page.
    """
    now = timezone.now()
    municipalities = queries.municipality_coverage(now)
    regional = queries.regional_coverage(now)
    region = queries.region_coverage(now)
    return render(
        request,
        "training/coverage.html",
        {
            "region": region,
            "region_shown": queries.total_is_shown(
                region, queries.region_withheld(municipalities, regional)
            ),
            "municipalities": municipalities,
            "regional": regional,
            "min_staff": queries.MIN_STAFF_SHOWN,
            "expiring_days": queries.EXPIRING_DAYS,
            "now": now,
        },
    )
