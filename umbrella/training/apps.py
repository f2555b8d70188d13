from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "umbrella.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self):
        # A feedback page's access-log line would tie an address and a minute to a service.
        from umbrella.training import log_filters

        log_filters.install()
