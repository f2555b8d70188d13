"""Pages of service feedback: the sex worker's form (no account), moderation, the
organisation's own figures. Thin views: validate, call one action, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from umbrella.directory.models import OperatingStatus, Service
from umbrella.training.courses.queries import certified_share
from umbrella.training.feedback import actions, queries, ratelimits
from umbrella.training.feedback.forms import FeedbackForm
from umbrella.training.feedback.models import ServiceFeedback, TextStatus

# Services listed at most on the "choose a service" page.
CHOOSE_LIMIT = 100


def _open_services():
    return Service.objects.exclude(status=OperatingStatus.INACTIVE).select_related("organization")


def _private(response):
    # Nothing here may sit in a shared cache or a browser's back-forward history of a shared phone.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def choose(request):
    """Let the worker find the service she wants to tell about (a GET form; no script)."""
    q = request.GET.get("q", "").strip()[:100]
    services = _open_services()
    if q:
        services = services.filter(
            Q(name_nl__icontains=q)
            | Q(name_fr__icontains=q)
            | Q(name_en__icontains=q)
            | Q(organization__name__icontains=q)
        )
    services = list(services.order_by("organization__name", "name_en", "pk")[: CHOOSE_LIMIT + 1])
    context = {
        "q": q,
        "services": [_service_names(s) for s in services[:CHOOSE_LIMIT]],
        "more": len(services) > CHOOSE_LIMIT,
    }
    return _private(render(request, "training/feedback_choose.html", context))


def _service_names(service: Service) -> dict:
    name, language = service.translated_with_language("name")
    return {"service": service, "name": name or service.organization.name, "lang": language}


@require_http_methods(["GET", "HEAD", "POST"])
def give(request, service_id: int):
    """The form: three questions and an optional text, no account, nothing about the person."""
    service = get_object_or_404(_open_services(), pk=service_id)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    status, limited = 200, False
    if request.method == "POST":
        if ratelimits.is_limited(request, service.pk):
            status, limited = 429, True
        elif form.is_robot():
            # Answer as if it worked: a robot learns nothing; nothing is stored.
            return redirect("training:feedback_thanks")
        elif form.is_valid():
            ratelimits.count_submission(request, service.pk)
            actions.submit_feedback(
                service,
                respect=form.cleaned_data["respect"],
                real_name=form.cleaned_data["real_name"],
                refused=form.cleaned_data["refused"],
                text=form.cleaned_data["text"],
                now=timezone.now(),
            )
            return redirect("training:feedback_thanks")
        else:
            status = 400
    context = {"form": form, "limited": limited, **_service_names(service)}
    return _private(render(request, "training/feedback_form.html", context, status=status))


@require_safe
def thanks(request):
    return _private(render(request, "training/feedback_thanks.html"))


# --- Moderation ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderation(request):
    """The moderator approves or rejects the free texts; every text shown is an audited read."""
    if not queries.is_moderator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        feedback = get_object_or_404(ServiceFeedback, pk=_uuid_or_404(request.POST.get("id")))
        decision = request.POST.get("decision")
        if decision == "approve":
            actions.approve_text(feedback, request.user)
        elif decision == "reject":
            actions.reject_text(feedback, request.user)
        else:
            return _private(
                render(
                    request,
                    "training/feedback_moderation.html",
                    {"texts": [], "error": _("Choose to approve or to reject the text.")},
                    status=400,
                )
            )
        return redirect("training:feedback_moderation")
    texts = list(queries.pending_texts()[:50])
    actions.read_texts(request.user, texts, "service feedback: moderation")
    context = {"texts": [{"feedback": f, **_service_names(f.service)} for f in texts]}
    return _private(render(request, "training/feedback_moderation.html", context))


def _uuid_or_404(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404(_("This answer does not exist.")) from None


# --- The organisation's own feedback ---------------------------------------------------------


@login_required
@require_safe
def organisation(request):
    """Show a member of an organisation the feedback about their own services, and only theirs."""
    user = request.user
    if not user.is_staff_role():
        raise PermissionDenied
    if user.requires_two_factor() and not (
        getattr(user, "is_verified", None) and user.is_verified()
    ):
        raise PermissionDenied
    now = timezone.now()
    services = list(queries.services_of_member(user))
    tallies = queries.tallies((s.pk for s in services), now)
    shares = {
        s.organization.accounts_organisation_id: certified_share(
            s.organization.accounts_organisation, at=now
        )
        for s in services
    }
    rows, shown_texts = [], []
    for service in services:
        texts = queries.approved_texts(service.pk, now)
        shown_texts.extend(texts)
        rows.append(
            {
                **_service_names(service),
                "summary": queries.summarise(tallies[service.pk]),
                "texts": texts,
                "share": shares[service.organization.accounts_organisation_id],
            }
        )
    actions.read_texts(user, shown_texts, "service feedback: the organisation's own")
    first, last = queries.published_weeks(now)
    context = {
        "rows": rows,
        "first_day": first,
        "last_day": last + timedelta(days=6),
        "min_answers": queries.MIN_ANSWERS,
        "text_status": TextStatus,
    }
    return _private(render(request, "training/feedback_organisation.html", context))
