"""Pages of following: follow and unfollow, the public's e-mail requests and their links,
and the person's own "recommendations you follow" (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from umbrella.consultation.following import actions, queries
from umbrella.consultation.following.forms import EmailFollowForm
from umbrella.consultation.tracker.views import detail_context, page_language, recommendation_or_404
from umbrella.core import ratelimit

EMAIL_FOLLOW_RATE = "10/h"


@require_POST
@login_required
def recommendation_follow(request: HttpRequest, key: str) -> HttpResponse:
    rec = recommendation_or_404(key)
    actions.follow(rec, request.user)
    messages.success(request, _("You follow this recommendation: you will be told of its updates."))
    return redirect(rec.get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def recommendation_unfollow(request: HttpRequest, key: str) -> HttpResponse:
    rec = recommendation_or_404(key)
    if request.method == "POST":
        actions.unfollow(rec, request.user)
        messages.success(request, _("You no longer follow this recommendation."))
        return redirect(rec.get_absolute_url())
    return render(request, "consultation/recommendation_unfollow.html", {"rec": rec})


def _too_many_email_requests(request: HttpRequest) -> bool:
    # Counted per address in the cache for an hour; nothing is written to the database.
    client = ratelimit.client_key(request, "consultation.email-follow")
    return ratelimit.over(
        request, "consultation.email-follow", client, EMAIL_FOLLOW_RATE, increment=True
    )


@require_POST
def recommendation_email_follow(request: HttpRequest, key: str) -> HttpResponse:
    rec = recommendation_or_404(key)
    form = EmailFollowForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, rec, email_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=422)
    if _too_many_email_requests(request):
        form.add_error(None, _("Too many requests from here. Please try again in an hour."))
        context = detail_context(request, rec, email_form=form)
        return render(request, "consultation/recommendation_detail.html", context, status=429)
    actions.request_email_follow(rec, form.cleaned_data["email"], language=page_language())
    # The same answer whether or not the address already follows: nobody learns who does.
    return render(request, "consultation/recommendation_email_sent.html", {"rec": rec})


@require_http_methods(["GET", "POST"])
def recommendation_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        follower = actions.confirm_email_follow(token)
        if follower is None:
            return render(
                request, "consultation/recommendation_email_link.html", {"bad": True}, status=404
            )
        return render(
            request,
            "consultation/recommendation_email_link.html",
            {"confirmed": True, "rec": follower.recommendation},
        )
    return render(
        request, "consultation/recommendation_email_link.html", {"confirm": True, "token": token}
    )


@require_http_methods(["GET", "POST"])
def recommendation_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        actions.unsubscribe_email(token)
        # Same answer for an address already removed: the link stays harmless.
        return render(
            request, "consultation/recommendation_email_link.html", {"unsubscribed": True}
        )
    return render(
        request,
        "consultation/recommendation_email_link.html",
        {"unsubscribe": True, "token": token},
    )


@login_required
def recommendation_following(request: HttpRequest) -> HttpResponse:
    notices = list(queries.unread_notices(request.user)[:100])
    if request.method == "POST":
        actions.mark_notices_read(request.user)
        return redirect("consultation:recommendations_following")
    return render(
        request,
        "consultation/recommendation_following.html",
        {"followed": queries.followed_by(request.user), "notices": notices},
    )
