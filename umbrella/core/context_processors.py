"""Template context shared by every page (the menu's is ``accounts.context_processors``)."""

from django.conf import settings


def site(request):
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "TILE_URL": settings.TILE_URL,
        "TILE_ATTRIBUTION": settings.TILE_ATTRIBUTION,
        "COMPLETE_LANGUAGES": settings.COMPLETE_LANGUAGES,
    }
