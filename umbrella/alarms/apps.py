from datetime import timedelta

from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What the deadline lane's own look takes, beside its longest rest.
LOOK_SECONDS = 1.0


def due_before_the_next_look(deadline) -> bool:
    """Whether a deadline just committed needs the deadline lane to look now.

    The lane never rests longer than ``wakeup.FALLBACK_SECONDS``, and then reads
    what is due: a deadline due later than its next look is found by that look,
    on time (an escalation or a re-alert counted in minutes, a check-in's expiry in
    hours), and one already done needs nothing. Waking for those cost a NOTIFY,
    and each worker a look at the database, at every step of every alarm.
    """
    from umbrella.core import wakeup

    if deadline.done_at is not None:
        return False
    next_look = timezone.now() + timedelta(seconds=wakeup.FALLBACK_SECONDS + LOOK_SECONDS)
    return deadline.due_at <= next_look


class AlarmsConfig(AppConfig):
    name = "umbrella.alarms"
    label = "alarms"
    verbose_name = _("Alarms")

    def ready(self):
        # Room-button device keys are credentials: no log line may carry one.
        from umbrella.alarms import log_filters

        log_filters.install()
        # A new deadline due soon wakes the worker's deadline lane
        # (alarms/tasks.py, core/wakeup.py), whichever process wrote it.
        from umbrella.alarms.models import Deadline
        from umbrella.core import wakeup

        wakeup.wake_on_save(Deadline, wakeup.channel("deadlines"), needed=due_before_the_next_look)
