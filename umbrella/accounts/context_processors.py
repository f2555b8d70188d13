"""Template context of every page that this app provides: the site menu."""

from django.utils.functional import SimpleLazyObject

from umbrella.accounts import menu


def site_menu(request):
    """Give the menu the same role sections as the person's home (one source:
    ``accounts/menu.py``), computed only when a template draws the menu."""
    user = getattr(request, "user", None)
    return {
        "ROLE_MENU": SimpleLazyObject(lambda: menu.sections_for(user)),
        "PUBLIC_MENU": SimpleLazyObject(menu.public_links),
    }
