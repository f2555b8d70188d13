"""The invitations page: whose circle someone is asked into, and the circles he is in.

Anyone signed in may be asked: he accepts or declines each invitation, and
may leave a circle later (after a confirmation). Staff of an organisation
answer the requests made to it; its manager decides whether it accepts every
sex worker who asks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from umbrella.accounts.models import Organisation
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import AlarmError


def _invitation_id(request) -> int | None:
    try:
        return int(request.POST.get("invitation", ""))
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def invitations(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    now = timezone.now()
    if action in ("accept", "decline", "leave"):
        invitation_id = _invitation_id(request)
        found = queries.visible_invitation(user, invitation_id)
        if found is None:
            messages.error(request, _("This invitation is no longer waiting."))
            return redirect("alarms:invitations")
        if action == "leave" and request.POST.get("confirmed") != "yes":
            return render(request, "alarms/invitation_leave.html", {"invitation": found})
        try:
            if action == "leave":
                actions.leave_circle(found.pk, user, now=now)
                text = _("You have left the circle of %(name)s. You are no longer told.")
            else:
                actions.answer_invitation(found.pk, user, accept=action == "accept", now=now)
                text = (
                    _("You are now in the circle of %(name)s: you will be told of her alarms.")
                    if action == "accept"
                    else _("You said no to %(name)s. She is not told that you said no.")
                )
        except AlarmError:
            messages.error(request, _("This invitation is no longer waiting."))
        else:
            messages.success(request, text % {"name": found.owner.username})
        return redirect("alarms:invitations")
    if action == "policy":
        organisation = Organisation.objects.filter(pk=request.POST.get("organisation") or 0).first()
        try:
            if organisation is None:
                raise AlarmError()
            actions.set_organisation_policy(
                organisation,
                user,
                accepts_every_sex_worker=request.POST.get("accepts_every_sex_worker") == "yes",
                now=now,
            )
        except AlarmError:
            messages.error(request, _("Only a manager of the organisation can decide this."))
        else:
            messages.success(request, _("Saved."))
        return redirect("alarms:invitations")
    context = {
        "pending": list(queries.pending_for(user)),
        "accepted": list(queries.accepted_for(user)),
        "managed": queries.managed_organisations(user),
    }
    return render(request, "alarms/invitations.html", context)
