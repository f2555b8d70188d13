"""Refusals the person can read: a consultation page that gets a request it cannot handle
(400), refuses (403) or finds nothing to show (404) answers on the site's own page with
the refusal's own sentence and a link back to the platform.

The project's 400/403/404 pages (``core/templates/``) say the same general sentence for
every app; ``urls.py`` wraps every view of this app so that a refusal keeps its reason
("Only the platform's secretary or the chair of this body may do this.").
"""

from __future__ import annotations

import functools

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def explained(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as refusal:
            context = {
                "heading": pgettext("refusal page", "This request cannot be handled"),
                "message": str(refusal) or _("Reload the page and try again."),
            }
            return render(request, "consultation/refused.html", context, status=400)
        except PermissionDenied as refusal:
            context = {
                "heading": pgettext("refusal page", "Not allowed"),
                "message": str(refusal) or _("You may not do this."),
            }
            return render(request, "consultation/refused.html", context, status=403)
        except Http404:
            # Not the exception's text: it names models, and the public is not told
            # whether a members-only meeting exists.
            context = {
                "heading": pgettext("refusal page", "Page not found"),
                "message": _("This page does not exist, or it is not public."),
            }
            return render(request, "consultation/refused.html", context, status=404)

    return wrapper
