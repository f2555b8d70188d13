"""The pages a message links to, as a URL configuration of their own: the worker's.

An SMS, an e-mail or a push links to the responders' console or to the
worker's check-in screen, in the recipient's language. Reversing them in
the site's URL configuration would load it whole in the worker process
(every view module, the API and its schemas: ~11 MB) for two addresses.
This configuration holds those two, under the same language prefix and at
the same paths (``tests/test_links.py`` checks every language against the
site's own); the web process serves them from ``alarms/urls.py``.
"""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest
from django.urls import include, path, reverse


def _served_by_the_site(request: HttpRequest):
    raise Http404  # never routed: only reversed


urlpatterns = i18n_patterns(
    path(
        "alarms/",
        include(
            (
                [
                    path("console/", _served_by_the_site, name="console"),
                    path("checkin/", _served_by_the_site, name="checkin"),
                ],
                "alarms",
            )
        ),
    ),
    prefix_default_language=True,
)


def page_path(name: str) -> str:
    """Return the path of page ``name`` (``alarms:console``) in the active language."""
    return reverse(name, urlconf=__name__)
