"""Django settings for Umbrella Brussels (``DJANGO_SETTINGS_MODULE=umbrella.settings``).

Runs with no configuration at all (SQLite in WAL mode, console e-mail and
SMS, an in-memory channel layer), with DEBUG off: a secret key and the
field-encryption keys are generated once into ``var/``. ``UMBRELLA_ENV=production``
marks a production install, which refuses to start on anything that only suits
a local one (``umbrella/production.py``). Every variable is listed in
``docs/deployment.md``; a test keeps that table and these modules in step.

One module per concern, each reading its own variables through the helpers
of ``umbrella/env.py`` (the only other place that reads the environment):
``base.py`` (paths, apps, database, Redis, languages, static files),
``security.py`` (secrets, accounts, sign-in, sessions, HTTPS),
``services.py`` (map, e-mail, SMS and push, worker, metrics, backups) and
``logs.py``.
"""

from umbrella.env import is_set
from umbrella.settings.base import *  # noqa: F403
from umbrella.settings.logs import *  # noqa: F403
from umbrella.settings.security import *  # noqa: F403
from umbrella.settings.services import *  # noqa: F403

# --- Production -----------------------------------------------------------
if PRODUCTION:  # noqa: F405
    from umbrella.production import refuse_unsafe_configuration

    refuse_unsafe_configuration(globals(), configured=is_set)
