"""Create the database cache table of the rate-limit counters (settings.CACHES["ratelimit"]).

``migrate`` is what every install runs (``make setup``, ``manage.py deploy``,
the tests), so the table exists wherever the database cache is configured.
``createcachetable`` skips tables that exist and aliases that are not
database caches (Redis).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
