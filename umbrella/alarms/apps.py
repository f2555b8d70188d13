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
        # A new deadline wakes the worker's deadline lane (alarms/tasks.py,
        # core/wakeup.py), whichever process wrote it.
        from umbrella.alarms.models import Deadline
        from umbrella.core import wakeup

        wakeup.wake_on_save(Deadline, wakeup.channel("deadlines"))
