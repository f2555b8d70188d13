from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "umbrella.consultation"
    label = "consultation"
    verbose_name = _("Consultation platform")

    def ready(self) -> None:
        # A member's calendar-feed token reads her meetings: never in a log.
        from umbrella.core import log_filters

        log_filters.install(log_filters.PathMask("/calendar/", "[token]"))
