from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "umbrella.alarms"
    label = "alarms"
    verbose_name = _("Alarms")
