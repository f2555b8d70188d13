"""Give every report a random public id (issue 15): its public URL and Open311 id.

Added empty, filled row by row for the reports that exist, then made unique.
"""

from django.db import migrations, models

import umbrella.reports.models.reports


def fill_public_ids(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    taken: set[str] = set()
    for report in Report.objects.filter(public_id__isnull=True).only("pk").iterator():
        public_id = umbrella.reports.models.reports.new_public_id()
        while public_id in taken:
            public_id = umbrella.reports.models.reports.new_public_id()
        taken.add(public_id)
        Report.objects.filter(pk=report.pk).update(public_id=public_id)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_public_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="public_id",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="public id"
            ),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="public_id",
            field=models.CharField(
                default=umbrella.reports.models.reports.new_public_id,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="public id",
            ),
        ),
    ]
