from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "umbrella.consultation"
    label = "consultation"
    verbose_name = _("Consultation platform")

    def ready(self) -> None:
        # Apps provide live figures for the recommendations tracker in an
        # ``indicators`` module (see registry.py).
        autodiscover_modules("indicators")
        # A member's calendar-feed token reads her meetings: never in a log.
        from umbrella.core import log_filters

        log_filters.install(log_filters.PathMask("/calendar/", "[token]"))
