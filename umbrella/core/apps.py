from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "umbrella.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # WhiteNoise warns when STATIC_ROOT is missing; in development the
        # finders serve everything and collectstatic has not run yet. Made at
        # start-up, not when the settings are imported (settings only describe).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Apps provide live figures (the tracker's, the observatory's) in an
        # ``indicators`` module (see core/indicators.py).
        autodiscover_modules("indicators")
