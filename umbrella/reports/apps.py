from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "umbrella.reports"
    label = "reports"
    verbose_name = _("Liveability reports")

    def ready(self):
        # A follow-up link's code in a log line would open the reporter's report to its reader.
        from umbrella.reports import log_filters

        log_filters.install()
