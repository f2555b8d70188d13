"""Worker heartbeats name their process (host:pid), which claims record, and when it stopped."""

from django.db import migrations, models


def name_processes(apps, schema_editor):
    # Heartbeats are ephemeral: the rows of workers that ran before this
    # migration are forgotten (a running worker writes its row again).
    apps.get_model("core", "WorkerHeartbeat").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_auditentry'),
    ]

    operations = [
        migrations.RunPython(name_processes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='workerheartbeat',
            name='name',
            field=models.CharField(max_length=200, verbose_name='worker'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='process',
            field=models.CharField(default='', max_length=200, unique=True, verbose_name='process'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='stopped_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='stopped at'),
        ),
    ]
