import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("embassies", "0004_office_time_zone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeImportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(blank=True, upload_to="office-imports/", verbose_name="file")),
                ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                ("file_format", models.CharField(max_length=20, verbose_name="format")),
                (
                    "sending_state",
                    django_countries.fields.CountryField(blank=True, max_length=2, verbose_name="sending state"),
                ),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "being checked"),
                            ("checked", "checked, waiting for your confirmation"),
                            ("refused", "not imported: some rows have errors"),
                            ("confirmed", "being imported"),
                            ("done", "imported"),
                            ("failed", "not imported: the import stopped with errors"),
                            ("discarded", "discarded"),
                        ],
                        default="waiting",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="rows")),
                ("rows_processed", models.PositiveIntegerField(default=0, verbose_name="rows processed")),
                ("totals", models.JSONField(blank=True, default=dict, verbose_name="totals")),
                ("changes", models.JSONField(blank=True, default=list, verbose_name="changes")),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="errors")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("checked_at", models.DateTimeField(blank=True, null=True, verbose_name="checked")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="confirmed")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="office_import_jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "office import",
                "verbose_name_plural": "office imports",
                "ordering": ["-created_at"],
            },
        ),
    ]
