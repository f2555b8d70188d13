from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "umbrella.alarms"
    label = "alarms"
    verbose_name = _("Alarms")

    def ready(self):
        # Room-button device keys are credentials: no log line may carry one.
        from umbrella.alarms import log_filters

        log_filters.install()
