"""Sentences of the indicators written for apps whose catalogue the tracker does not own.

``umbrella/directory/indicators.py`` and ``umbrella/alarms/indicators.py``
were added to finished apps that keep their strings in the project catalogue
(``locale/``). Their labels and notes are marked here instead
(``gettext_noop``), so they are extracted into the consultation catalogue,
and those modules translate them with ``gettext(<constant>)`` at request
time. The project catalogue stays as it was.
"""

from django.utils.translation import gettext_noop

ZONES_LABEL = gettext_noop("Police zones with a designated trafficking reference person")
ZONES_DEMO_NOTE = gettext_noop("Zones with only a demo entry, not counted: %(count)s.")
TOILETS_LABEL = gettext_noop("Public toilets in neighbourhoods where sex work is visible")
TOILETS_NOTE = gettext_noop(
    "Open public toilets (not urinals) in the North quarter: %(north)s; Alhambra/Yser: "
    "%(alhambra)s; avenue Louise: %(louise)s (monitoring neighbourhoods %(codes)s)."
)
ACK_LABEL = gettext_noop("Alarms acknowledged within 60 seconds (last 90 days)")
ACK_NOTE = gettext_noop(
    "%(fast)s of %(total)s real alarms raised in the last 90 days were acknowledged within "
    "60 seconds (test alarms and alarms cancelled before anyone answered are left out)."
)
ACK_NONE_NOTE = gettext_noop("No real alarm was raised in the last 90 days.")
ACK_SUPPRESSED_NOTE = gettext_noop(
    "Not published: too few real alarms in the last 90 days. Each count behind a share must be "
    "0 or at least 10, so that no figure points at a person."
)
