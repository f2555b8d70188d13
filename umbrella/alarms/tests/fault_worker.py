"""Run a management command (``worker``) held at one step boundary, for the fault tests.

  python -m umbrella.alarms.tests.fault_worker POINT MARKER SECONDS worker --name doomed

In this process only, ``umbrella.core.faults.point`` is replaced: at the
boundary POINT (``after_claim``, ``in_step``, ``after_commit``) the first
worker to get there creates the file MARKER (holding its pid) and sleeps
SECONDS, so the test kills it exactly there; a second worker given the same
MARKER passes through (it is the survivor). Production code has no way to do
this: the hook is a test's patch,
not a setting or an environment variable.
"""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> None:
    point, marker, seconds, *command = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from umbrella.core import faults

    def hold(name: str) -> None:
        if name != point:
            return
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        time.sleep(float(seconds))

    faults.point = hold
    execute_from_command_line(["manage.py", *command])


if __name__ == "__main__":
    main(sys.argv[1:])
