"""``manage.py alarm_worker``: the former name of ``manage.py worker``, kept for scripts."""

from umbrella.core.management.commands.worker import Command  # noqa: F401
