"""Alarm pages: the worker's panic and check-in screens, the responder console,
how the installed app looks on her phone, and the PWA plumbing (manifest,
service worker). Her circle and invitations are ``circles/views.py``; the
establishment pages are ``establishments/views.py``.

The panic, check-in and console screens are thin shells: their scripts talk to
the JSON API (``/api/v1/alarms…``, ``/api/v1/checkins…``) and the live stream,
so that the phone app, a room button and the browser share one code path.
"""

from __future__ import annotations

import functools
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from umbrella.accounts.models import Role
from umbrella.alarms import disguise, queries
from umbrella.alarms.events import alarm_summary
from umbrella.alarms.forms import AppLookForm
from umbrella.alarms.models import Alarm, Source, Status
from umbrella.alarms.models.alarm import OPEN_STATUSES
from umbrella.alarms.schemas import alarm_out, checkin_out

# Roles that may hold the responder console. A sex worker or a resident is
# never a console user: their alarms reach them on their own screens.
CONSOLE_ROLES = frozenset(
    {
        Role.RESPONDER,
        Role.SUPPORT_WORKER,
        Role.ESTABLISHMENT_REFERENCE,
        Role.POLICE_REFERENCE,
        Role.ADMIN,
    }
)
# Public paths of the API the scripts call (django-ninja routes of the alarms
# and notify apps, and the SSE view); kept here so templates pass them on.
API_ALARMS = "/api/v1/alarms"
API_CHECKINS = "/api/v1/checkins"
API_STREAM = "/api/v1/alarms/stream"
API_PUSH_KEY = "/api/v1/notify/push/public-key"
API_PUSH_SUBSCRIPTIONS = "/api/v1/notify/push/subscriptions"
THEME_COLOUR = "#0b5563"
# More open alarms than this for one responder is an incident of its own; the
# stream still delivers every new one.
CONSOLE_MAX_OPEN = 50


def role_required(roles):
    """Let signed-in people with one of ``roles`` in; refuse everyone else with 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


worker_required = role_required({Role.SEX_WORKER})
console_required = role_required(CONSOLE_ROLES)


def _api_urls() -> dict:
    return {
        "alarms": API_ALARMS,
        "checkins": API_CHECKINS,
        "stream": API_STREAM,
        "push_key": API_PUSH_KEY,
        "push_subscriptions": API_PUSH_SUBSCRIPTIONS,
    }


def _scope() -> str:
    """Return the service worker's scope: /<lang>/alarms/."""
    return reverse("alarms:service_worker").rsplit("/", 1)[0] + "/"


def _pwa_context(request) -> dict:
    return {
        # The name and icon she chose for this phone (disguise.py).
        "app_look": disguise.current(request),
        "sw_url": reverse("alarms:service_worker"),
        "sw_scope": _scope(),
        "manifest_url": reverse("alarms:manifest"),
        "theme_colour": THEME_COLOUR,
        "api": _api_urls(),
    }


# --- The worker's screens ---------------------------------------------------


@never_cache
@require_GET
@worker_required
def panic(request):
    """Show the panic button and her open alarms (check-in alarms too).

    Everything after a press happens in panic.js; the open alarms are listed
    here too, so the page never says "no alarm has been sent" while one is open.
    """
    context = _pwa_context(request)
    alarms = queries.open_alarms(request.user).order_by("-raised_at")[:CONSOLE_MAX_OPEN]
    context["open_alarms_json"] = [alarm_out(alarm, request.user) for alarm in alarms]
    context["open_alarms"] = [
        {
            "source_label": alarm.get_source_display(),
            "status_label": Status(alarm.status_for(request.user)).label,
            "raised_at_local": timezone.localtime(alarm.raised_at),
        }
        for alarm in alarms
    ]
    context["labels"] = {
        "source": {str(k): str(v) for k, v in Source.choices},
        "status": {str(k): str(v) for k, v in Status.choices},
    }
    context["time_zone"] = settings.TIME_ZONE
    # Imported here: circles/views.py imports this module (worker_required).
    from umbrella.alarms.circles.views import circle_state

    # The truth before she presses: while nobody has accepted her invitation,
    # an alarm would reach nobody, and the page says so next to 112.
    context["reaches_somebody"] = circle_state(request.user)["reaches_somebody"]
    return render(request, "alarms/panic.html", context)


@never_cache
@require_GET
@worker_required
def checkin(request):
    """Show the check-in timer: start, countdown, grace, told, "I'm safe", extend."""
    context = _pwa_context(request)
    current = queries.current_checkin(request.user)
    context["current"] = checkin_out(current) if current is not None else None
    context["time_zone"] = settings.TIME_ZONE
    return render(request, "alarms/checkin.html", context)


# --- The responder console --------------------------------------------------


@never_cache
@require_GET
@console_required
def console(request):
    """Show the live list of alarms routed to this person."""
    context = _pwa_context(request)
    context["outcomes"] = outcome_choices()
    context["open_alarms"] = open_alarms_for(request.user)
    context["open_count"] = queries.open_alarm_count_for(request.user)
    # Area codes stamped on each alarm become words on the page, in its language.
    context["place_names"] = queries.place_names(get_language())
    # The count's plural forms for the script, as the languages' rules pick them
    # (Intl.PluralRules: one, few, other); the same msgid as the template's.
    context["count_forms"] = {
        category: ngettext("%(counter)s open alarm", "%(counter)s open alarms", n)
        for category, n in (("one", 1), ("few", 2), ("other", 20))
    }
    return render(request, "alarms/console.html", context)


def open_alarms_for(user) -> list[dict]:
    """Return the open alarms routed to ``user`` as event summaries (no location, no note).

    The stream replays only after a Last-Event-ID; a console opened fresh
    starts from these, and its script fetches each one's details (audited).
    """
    alarms = (
        Alarm.objects.filter(recipients__user=user, status__in=OPEN_STATUSES)
        .select_related("owner", "acknowledged_by", "device__establishment")
        .order_by("raised_at")[:CONSOLE_MAX_OPEN]
    )
    return [alarm_summary(alarm) for alarm in alarms]


def outcome_choices() -> list[tuple[str, str]]:
    """Return the resolution outcomes offered on the console, as (value, label).

    The outcome is stored as text (encrypted); these values keep the
    evaluation's counts comparable.
    """
    return [
        ("safe", _("The person is safe")),
        ("helped", _("Help arrived")),
        ("emergency_services", _("Emergency services took over")),
        ("false_alarm", _("False alarm")),
        ("other", _("Other")),
    ]


# --- Progressive web app ----------------------------------------------------


@require_GET
def manifest(request):
    """Answer the web app manifest: the panic page, installable, in this language.

    The name and icons are the look chosen on this phone (a neutral name by
    default): the home screen of a phone others may see reveals nothing.
    """
    language = get_language()
    scope = _scope()
    look = disguise.current(request)
    body = {
        "name": str(look.name),
        "short_name": str(look.name),
        "description": _("Safety alarm and check-in timer"),
        "lang": language,
        "id": scope,
        "start_url": reverse("alarms:panic"),
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": look.manifest_icons(),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    patch_vary_headers(response, ["Cookie"])
    return response


@require_GET
def service_worker(request):
    """Serve the service worker from under /<lang>/alarms/ so its scope covers the pages.

    A script served from /static/ could only control /static/; served here it
    controls /<lang>/alarms/ (panic, check-in, console) with no extra header.
    """
    path = finders.find("alarms/sw.js")
    if path is None:  # pragma: no cover -- the file ships with the app.
        raise FileNotFoundError("alarms/sw.js")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    config = {
        "alarmsUrl": API_ALARMS,
        "consoleUrl": reverse("alarms:console"),
        # Notifications show the name and icon of the look chosen on this phone.
        "appName": str(disguise.current(request).name),
        "icon": disguise.current(request).png_192,
        # Only her panic page is kept for offline use, and only once she is
        # signed in: anyone else would cache a refusal or the sign-in page
        # under its address (and the log would show a 403 per visit).
        "offlineUrls": [reverse("alarms:panic")]
        if getattr(request.user, "role", None) == Role.SEX_WORKER
        else [],
    }
    # The configuration is data (JSON), not code taken from a request.
    script = f"self.UMBRELLA = {json.dumps(config)};\n{source}"
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    # Browsers check for a new worker at most every 24 h; no-cache makes a
    # deploy reach phones at their next visit.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = _scope()
    patch_vary_headers(response, ["Cookie"])
    return response


# How the installed app looks (issue 13 §4). The choice is stored in a cookie,
# not on her account: the disguise belongs to the phone whose home screen
# others may see. See ``disguise.py``.


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@worker_required
def app_look(request):
    """Show the looks of the installed app and store the one she picks on this phone."""
    chosen = disguise.current(request)
    status = 200
    if request.method == "POST":
        form = AppLookForm(request.POST)
        if form.is_valid():
            response = redirect("alarms:app_look")
            disguise.remember(response, form.cleaned_data["look"])
            messages.success(
                request,
                _(
                    "Saved on this phone. Now remove the app from your home screen "
                    "and add it again to see the new name and icon."
                ),
            )
            return response
        status = 400
    else:
        form = AppLookForm(initial={"look": chosen.key})
    context = {"form": form, "looks": list(disguise.LOOKS.values()), "chosen": chosen}
    return render(request, "alarms/app_look.html", context, status=status)
