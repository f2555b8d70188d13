"""Circle pages: her circle set-up, and the invitations page of those asked into one.

Her circle: who is told of her alarms, in which order, and her duress PIN.

The page shows the circle in three plain steps — people she trusts, then an
organisation's on-duty team, then (only if she switches it on) the police —
and saves it as a whole through ``actions.set_circle``. Each person is an
invitation: "accepted" or "invited, waiting" (the same for a name nobody has).

The invitations page shows whose circle someone is asked into, and the
circles he is in. Anyone signed in may be asked: he accepts or declines each invitation, and
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
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from umbrella.accounts.models import Organisation
from umbrella.alarms import actions, queries
from umbrella.alarms.actions import TierSpec
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.forms import CircleSettingsForm, ContactForm, DuressPinForm
from umbrella.alarms.models import DuressPin, TierKind
from umbrella.alarms.views import worker_required

DEFAULT_PEOPLE_DELAY = 60
DEFAULT_ORGANISATION_DELAY = 120
# Actions that take protection away from her: each needs a second, explicit "yes".
CONFIRMED_ACTIONS = frozenset({"remove_contact", "clear_pin"})


def circle_state(owner) -> dict:
    """Return the circle as the page edits it: people, organisation, police, delays."""
    circle = queries.circle_with_tiers(owner)
    state = {
        "people": [],
        "people_states": [],
        "people_delay": DEFAULT_PEOPLE_DELAY,
        "organisation": None,
        "organisation_state": None,
        "organisation_delay": DEFAULT_ORGANISATION_DELAY,
        "police_opt_in": False,
        "police_zone": None,
        "tiers": [],
        "reaches_somebody": False,
    }
    if circle is None:
        return state
    state["police_opt_in"] = circle.police_opt_in
    tiers = list(circle.tiers.all())
    state["tiers"] = tiers
    for tier in tiers:
        if tier.kind == TierKind.PEOPLE and not state["people"]:
            invitations = [member.invitation for member in tier.members.all()]
            state["people"] = [invitation.name for invitation in invitations]
            # What she may know of each: accepted, invited (waiting) or left.
            state["people_states"] = [
                (invitation.name, queries.state_of(invitation.status)) for invitation in invitations
            ]
            state["people_delay"] = tier.delay_seconds
        elif tier.kind == TierKind.ORGANISATION_ROTA and state["organisation"] is None:
            state["organisation"] = tier.organisation
            state["organisation_delay"] = tier.delay_seconds
            state["organisation_state"] = (
                queries.organisation_states(owner).get(tier.organisation_id, queries.INVITED)
                if tier.organisation_id is not None
                else queries.INVITED
            )
        elif tier.kind == TierKind.POLICE and state["police_zone"] is None:
            state["police_zone"] = tier.organisation
    state["reaches_somebody"] = _reaches_somebody(owner, state)
    return state


def _reaches_somebody(owner, state: dict) -> bool:
    """Answer whether anyone in her circle has accepted, so that an alarm would reach someone."""
    if any(status == queries.ACCEPTED for _name, status in state["people_states"]):
        return True
    if state["organisation_state"] == queries.ACCEPTED:
        return True
    if state["police_opt_in"] and state["police_zone"] is not None:
        police = queries.organisation_states(owner).get(state["police_zone"].pk)
        return police == queries.ACCEPTED
    return False


def save_circle(owner, state: dict) -> None:
    """Write the page's state as the circle's tiers, in order (raises AlarmError)."""
    tiers = []
    if state["people"]:
        tiers.append(
            TierSpec(TierKind.PEOPLE, state["people_delay"], usernames=list(state["people"]))
        )
    if state["organisation"] is not None:
        tiers.append(
            TierSpec(
                TierKind.ORGANISATION_ROTA,
                state["organisation_delay"],
                organisation_id=state["organisation"].pk,
            )
        )
    if state["police_opt_in"] and state["police_zone"] is not None:
        tiers.append(
            TierSpec(
                TierKind.POLICE,
                state["organisation_delay"],
                organisation_id=state["police_zone"].pk,
            )
        )
    actions.set_circle(owner, tiers, timezone.now(), police_opt_in=state["police_opt_in"])


def _settings_initial(state: dict) -> dict:
    return {
        "people_delay": state["people_delay"],
        "organisation": state["organisation"],
        "organisation_delay": state["organisation_delay"],
        "police_opt_in": state["police_opt_in"],
        "police_zone": state["police_zone"],
    }


@never_cache
@sensitive_post_parameters("pin", "pin_again")
@require_http_methods(["GET", "HEAD", "POST"])
@worker_required
def circle(request):
    owner = request.user
    state = circle_state(owner)
    contact_form = ContactForm(prefix="contact")
    settings_form = CircleSettingsForm(prefix="settings", initial=_settings_initial(state))
    pin_form = DuressPinForm(prefix="pin")
    action = request.POST.get("action") if request.method == "POST" else None
    if action in CONFIRMED_ACTIONS and request.POST.get("confirmed") != "yes":
        # Destructive: ask first, on a page of its own, so it works without JavaScript.
        return render(
            request,
            "alarms/circle_confirm.html",
            {"action": action, "username": request.POST.get("username", "")},
        )

    if action == "add_contact":
        contact_form = ContactForm(request.POST, prefix="contact")
        if contact_form.is_valid():
            name = contact_form.cleaned_data["username"].strip()
            if actions.normalise_name(name) not in state["people"]:
                state["people"].append(name)
            if _save(request, owner, state, contact_form, "username"):
                messages.success(
                    request,
                    _("%(name)s is invited. Nobody is told of your alarms until they accept.")
                    % {"name": actions.normalise_name(name)},
                )
                return redirect("alarms:circle")
    elif action == "remove_contact":
        name = request.POST.get("username", "")
        state["people"] = [person for person in state["people"] if person != name]
        if _save(request, owner, state, None, None):
            messages.success(request, _("%(name)s will no longer be told.") % {"name": name})
            return redirect("alarms:circle")
    elif action == "settings":
        settings_form = CircleSettingsForm(request.POST, prefix="settings")
        if settings_form.is_valid():
            state.update(settings_form.cleaned_data)
            if _save(request, owner, state, settings_form, None):
                messages.success(request, _("Your circle is saved."))
                return redirect("alarms:circle")
    elif action == "set_pin":
        pin_form = DuressPinForm(request.POST, prefix="pin")
        if pin_form.is_valid():
            try:
                actions.set_duress_pin(owner, pin_form.cleaned_data["pin"], timezone.now())
            except AlarmError as error:
                pin_form.add_error("pin", str(error.message))
            else:
                messages.success(request, _("Your duress PIN is saved."))
                return redirect("alarms:circle")
    elif action == "clear_pin":
        actions.clear_duress_pin(owner)
        messages.success(request, _("Your duress PIN is removed."))
        return redirect("alarms:circle")

    context = {
        "state": state,
        "contact_form": contact_form,
        "settings_form": settings_form,
        "pin_form": pin_form,
        "has_pin": DuressPin.objects.filter(owner=owner).exists(),
    }
    return render(request, "alarms/circle.html", context)


def _save(request, owner, state, form, field) -> bool:
    """Save the circle; on a refusal, put the action's sentence on the form and answer False."""
    try:
        save_circle(owner, state)
    except AlarmError as error:
        if form is not None:
            form.add_error(field, str(error.message))
        else:
            messages.error(request, str(error.message))
        return False
    return True


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
