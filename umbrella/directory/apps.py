from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "umbrella.directory"
    label = "directory"
    verbose_name = _("Directory of services and facilities")

    def ready(self) -> None:
        # Every saved or deleted directory row bumps the revision that
        # invalidates each process's snapshot (see ``snapshot.py``).
        from umbrella.directory import signals  # noqa: F401
