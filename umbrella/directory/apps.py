from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "umbrella.directory"
    label = "directory"
    verbose_name = _("Directory of services and facilities")

    def ready(self) -> None:
        # Every saved or deleted directory row bumps the revision that
        # invalidates each process's snapshot (see ``snapshot.py``).
        from umbrella.areas import references
        from umbrella.directory import signals  # noqa: F401
        from umbrella.directory.revision import current_revision

        # The police-zone pages and map layer show each zone's reference function
        # (areas/references.py); the areas do not import the directory.
        references.provide(_references_by_zone_code, current_revision)


def _references_by_zone_code(language: str | None) -> dict[str, dict | None]:
    # Imported when a page first asks, not at start-up: the worker never does.
    from umbrella.directory.queries import references_by_zone_code

    return references_by_zone_code(language)
