"""Establishment pages: rooms and their buttons, reference persons on duty, compliance.

The 2024 labour law on sex work asks for an alarm button in every room,
connected to a reference person available the whole time. These pages let
an establishment's manager or reference person register the buttons (each
device key is shown once), say who is on duty (a manual switch, or weekly
shifts), test the buttons in test mode, and show each room's last successful
test.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.accounts import actions as account_actions
from umbrella.accounts.models import Membership, MembershipRole, Role, User
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.forms import DutyShiftForm, ReferencePersonForm, RoomButtonForm
from umbrella.alarms.models import DutyShift, RoomButton
from umbrella.alarms.views import API_ALARMS

# Accounts that may be made reference persons: people whose role already
# lets them see alarms. Sex workers and residents sign up on their own and
# must not be made responders by someone else.
REFERENCE_ROLES = frozenset({Role.ESTABLISHMENT_REFERENCE, Role.RESPONDER, Role.SUPPORT_WORKER})
NEW_KEY_SESSION = "alarms_new_device_key"
# A removal is done only when its form says so; the first press of "Remove"
# answers a page that asks (it works without JavaScript, and a stray tap on
# a phone removes nothing).
CONFIRMED = "confirmed"


def _confirmed(request) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def _ask(request, place, *, action: str, field: str, value: int, question: str, consequence: str):
    """Answer the page that asks before a removal, with a form that does it."""
    context = {
        "establishment": place,
        "action": action,
        "field": field,
        "value": value,
        "question": question,
        "consequence": consequence,
    }
    return render(request, "alarms/establishment_confirm.html", context)


def establishment_for(user, pk: int):
    """Return the establishment ``user`` may manage, or raise 404 (revealing nothing)."""
    establishment = queries.managed_establishments(user).filter(pk=pk).first()
    if establishment is None:
        raise Http404
    membership = Membership.objects.filter(user=user, organisation=establishment).first()
    if not (
        user.role == Role.ESTABLISHMENT_REFERENCE
        or (membership is not None and membership.role == MembershipRole.MANAGER)
    ):
        raise Http404
    return establishment


@never_cache
@require_GET
@login_required
def establishments(request):
    """List the establishments this person manages; go straight to the only one."""
    managed = [
        establishment
        for establishment in queries.managed_establishments(request.user)
        if _may_manage(request.user, establishment)
    ]
    if not managed:
        raise Http404
    if len(managed) == 1:
        return redirect("alarms:establishment", pk=managed[0].pk)
    return render(request, "alarms/establishments.html", {"establishments": managed})


def _may_manage(user, establishment) -> bool:
    try:
        establishment_for(user, establishment.pk)
    except Http404:
        return False
    return True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def establishment(request, pk: int):
    """Rooms and buttons, reference persons, their shifts and who is on duty now."""
    place = establishment_for(request.user, pk)
    button_form = RoomButtonForm(prefix="button")
    person_form = ReferencePersonForm(prefix="person")
    shift_form = DutyShiftForm(prefix="shift", establishment=place)
    action = request.POST.get("action") if request.method == "POST" else None
    now = timezone.now()

    if action == "add_button":
        button_form = RoomButtonForm(request.POST, prefix="button")
        if button_form.is_valid():
            new_button, key = actions.create_room_button(
                place,
                button_form.cleaned_data["room_label"],
                now,
                test_mode=button_form.cleaned_data["test_mode"],
            )
            # Kept in the session only until the next page view: shown once.
            request.session[NEW_KEY_SESSION] = {"button": new_button.pk, "key": key}
            return redirect("alarms:establishment", pk=place.pk)
    elif action in ("test_mode", "revoke"):
        button = RoomButton.objects.filter(
            establishment=place, pk=request.POST.get("button"), revoked_at__isnull=True
        ).first()
        if button is None:
            raise Http404
        if action == "revoke" and not _confirmed(request):
            return _ask(
                request,
                place,
                action=action,
                field="button",
                value=button.pk,
                question=_("Remove the button of %(room)s?") % {"room": button.room_label},
                consequence=_(
                    "The button will stop working at once: a press will raise no alarm. "
                    "To have a button in this room again, register a new one and set its new key."
                ),
            )
        if action == "test_mode":
            on = request.POST.get("test_mode") == "on"
            actions.set_test_mode(button, on)
            messages.success(
                request,
                (_("%(room)s is in test mode.") if on else _("%(room)s is live."))
                % {"room": button.room_label},
            )
        else:
            actions.revoke_room_button(button, now)
            messages.success(
                request, _("The button of %(room)s no longer works.") % {"room": button.room_label}
            )
        return redirect("alarms:establishment", pk=place.pk)
    elif action == "add_person":
        person_form = ReferencePersonForm(request.POST, prefix="person")
        if person_form.is_valid():
            person = User.objects.filter(
                username__iexact=person_form.cleaned_data["username"].strip(), is_active=True
            ).first()
            if person is None or person.role not in REFERENCE_ROLES:
                person_form.add_error(
                    "username", _("Nobody with a responder account has this name.")
                )
            else:
                existing = Membership.objects.filter(user=person, organisation=place).first()
                account_actions.add_membership(
                    person,
                    place,
                    role=existing.role if existing else MembershipRole.MEMBER,
                    on_duty=existing.on_duty if existing else False,
                )
                messages.success(
                    request, _("%(name)s is a reference person.") % {"name": person.username}
                )
                return redirect("alarms:establishment", pk=place.pk)
    elif action == "add_shift":
        shift_form = DutyShiftForm(request.POST, prefix="shift", establishment=place)
        if shift_form.is_valid():
            data = shift_form.cleaned_data
            try:
                new_shift = actions.add_duty_shift(
                    data["membership"], data["weekday"], data["starts_at"], data["ends_at"]
                )
            except AlarmError as error:
                shift_form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("%(name)s is on duty %(shift)s.")
                    % {"name": data["membership"].user.username, "shift": new_shift.describe()},
                )
                return redirect("alarms:establishment", pk=place.pk)
    elif action == "remove_shift":
        shift = (
            DutyShift.objects.filter(membership__organisation=place, pk=request.POST.get("shift"))
            .select_related("membership__user")
            .first()
        )
        if shift is None:
            raise Http404
        if not _confirmed(request):
            name = shift.membership.user.username
            return _ask(
                request,
                place,
                action=action,
                field="shift",
                value=shift.pk,
                question=_("Remove the shift of %(name)s, %(shift)s?")
                % {"name": name, "shift": shift.describe()},
                consequence=_(
                    "%(name)s will no longer be on duty at these times, unless switched on duty."
                )
                % {"name": name},
            )
        actions.remove_duty_shift(shift)
        messages.success(
            request,
            _("Shift removed: %(name)s, %(shift)s.")
            % {"name": shift.membership.user.username, "shift": shift.describe()},
        )
        return redirect("alarms:establishment", pk=place.pk)
    elif action in ("on_duty", "remove_person"):
        membership = (
            Membership.objects.filter(organisation=place, pk=request.POST.get("membership"))
            .select_related("user")
            .first()
        )
        if membership is None:
            raise Http404
        if action == "on_duty":
            on = request.POST.get("on_duty") == "on"
            account_actions.add_membership(membership.user, place, role=membership.role, on_duty=on)
            messages.success(
                request,
                (_("%(name)s is on duty.") if on else _("%(name)s is off duty."))
                % {"name": membership.user.username},
            )
        elif membership.user_id == request.user.pk:
            messages.error(request, _("You cannot remove yourself."))
        elif not _confirmed(request):
            name = membership.user.username
            return _ask(
                request,
                place,
                action=action,
                field="membership",
                value=membership.pk,
                question=_("Remove %(name)s as a reference person?") % {"name": name},
                consequence=_(
                    "%(name)s will no longer be told of alarms from the rooms of this "
                    "establishment, and their shifts here are removed."
                )
                % {"name": name},
            )
        else:
            account_actions.remove_membership(membership.user, place)
            messages.success(
                request,
                _("%(name)s is no longer a reference person.") % {"name": membership.user.username},
            )
        return redirect("alarms:establishment", pk=place.pk)

    new_key = request.session.pop(NEW_KEY_SESSION, None)
    device_url = None
    if new_key:
        # The configured public address (SITE_URL; by default the PORT that
        # `make serve` listens on), not this request's Host: behind a proxy
        # that one may be an internal name a button cannot reach.
        device_url = f"{settings.SITE_URL.rstrip('/')}{API_ALARMS}/device/{new_key['key']}"
    roster = queries.duty_roster(place, now)
    context = {
        "establishment": place,
        "buttons": queries.room_buttons(place),
        "roster": roster,
        "on_duty_now": [row for row in roster if row.on_duty_now],
        "button_form": button_form,
        "person_form": person_form,
        "shift_form": shift_form,
        "new_key": new_key,
        "device_url": device_url,
    }
    # A form that did not validate answers 400, with the form and its messages.
    status = 400 if request.method == "POST" else 200
    return render(request, "alarms/establishment.html", context, status=status)


@never_cache
@require_GET
@login_required
def compliance(request, pk: int):
    """Each room's last successful test: a test alarm that a reference person acknowledged."""
    place = establishment_for(request.user, pk)
    context = {
        "establishment": place,
        "buttons": queries.room_buttons(place),
        "now": timezone.now(),
    }
    return render(request, "alarms/compliance.html", context)
