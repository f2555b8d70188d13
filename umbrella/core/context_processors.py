"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from umbrella.accounts import menu

    user = getattr(request, "user", None)
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
        "COMPLETE_LANGUAGES": settings.COMPLETE_LANGUAGES,
        # The menu shows the same role sections as the person's home (one source:
        # accounts.menu), computed only when a template draws the menu.
        "ROLE_MENU": SimpleLazyObject(lambda: menu.sections_for(user)),
        "PUBLIC_MENU": SimpleLazyObject(menu.public_links),
    }
