"""The worker's choice of how the installed app looks on this phone (issue 13 §4).

The choice is stored in a cookie, not on her account: the disguise belongs to
the phone whose home screen others may see. See ``disguise.py``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from umbrella.alarms import disguise
from umbrella.alarms.forms import AppLookForm
from umbrella.alarms.views import worker_required


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
