from django.db import migrations, models

import embassies.time_zones


def time_zones_fill(apps, schema_editor):
    """Existing offices plan their events in their host country's zone until an organiser says otherwise."""
    Office = apps.get_model("embassies", "Office")
    for office in Office.objects.filter(time_zone="").only("pk", "host_country").iterator():
        zone = embassies.time_zones.time_zone_for_country(country_code=str(office.host_country))
        Office.objects.filter(pk=office.pk).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("embassies", "0003_letter_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="office",
            name="time_zone",
            field=models.CharField(
                blank=True,
                help_text="Events at this office are planned in this zone, e.g. Europe/Prague. Empty: the host country's.",
                max_length=64,
                validators=[embassies.time_zones.time_zone_validate],
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(time_zones_fill, migrations.RunPython.noop),
    ]
