"""How the installed app looks on this phone: a neutral name and icon (issue 13 §4).

The choice belongs to the phone, not the account: someone who picks up her
phone sees the home screen, whoever is signed in. It is kept in a cookie that
holds only the choice's key, read by the manifest, the service worker and the
installable pages' <head>. An unknown value reads as the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

COOKIE_NAME = "umbrella_app_look"
# Browsers cap a cookie's life at 400 days; a choice made once should last.
COOKIE_MAX_AGE = 400 * 24 * 60 * 60
DEFAULT = "umbrella"


@dataclass(frozen=True)
class Look:
    """One way the installed app may look: its name on the home screen and its icon files."""

    key: str
    name: str | Promise
    # Base name of the files in static/alarms/icons/: <icon>.svg, <icon>-192.png, <icon>-512.png.
    icon: str

    @property
    def svg(self) -> str:
        return static(f"alarms/icons/{self.icon}.svg")

    @property
    def png_192(self) -> str:
        return static(f"alarms/icons/{self.icon}-192.png")

    @property
    def png_512(self) -> str:
        return static(f"alarms/icons/{self.icon}-512.png")

    def manifest_icons(self) -> list[dict]:
        """Return the manifest's icons; each drawing stays inside the maskable safe zone."""
        return [
            {"src": self.png_192, "sizes": "192x192", "type": "image/png"},
            {"src": self.png_512, "sizes": "512x512", "type": "image/png"},
            {"src": self.png_512, "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": self.svg, "sizes": "any", "type": "image/svg+xml"},
        ]


LOOKS: dict[str, Look] = {
    look.key: look
    for look in (
        # The platform's own name is a name, not a word: not translated.
        Look(DEFAULT, "Umbrella", "icon"),
        Look("calculator", pgettext_lazy("name of the installed app", "Calculator"), "calculator"),
        Look("notes", pgettext_lazy("name of the installed app", "Notes"), "notes"),
        Look("weather", pgettext_lazy("name of the installed app", "Weather"), "weather"),
    )
}


def current(request) -> Look:
    """Return the look chosen on this phone, or the default for a missing or unknown value."""
    return LOOKS.get(request.COOKIES.get(COOKIE_NAME, ""), LOOKS[DEFAULT])


def context(request) -> dict:
    """Template context: the name every page shows (title and header) on this phone,
    and the icon of its tab.

    Someone who opens the installed "Calculator" and scrolls, or opens the
    menu, must not meet the platform's name either. A page without an icon
    makes the browser ask for /favicon.ico, a 404 at every page.
    """
    look = current(request)
    return {"APP_NAME": look.name, "APP_ICON": look.svg}


def remember(response, key: str) -> None:
    """Store ``key`` (a key of LOOKS) in this phone's cookie."""
    response.set_cookie(
        COOKIE_NAME,
        key,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        # No script reads it: the server draws the manifest and the pages from it.
        httponly=True,
    )
