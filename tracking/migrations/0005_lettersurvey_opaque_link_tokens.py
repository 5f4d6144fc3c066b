"""The survey's answer links become opaque tokens, stored only as hashes (see campaign/tokens.py).

Links mailed before this change carry the old signed tokens, which nothing reads any more: they stop working. That
is acceptable because only test deployments ever mailed them; the hashes of the surveys already asked are filled
in all the same, so their rows hold what new ones do.
"""

from django.db import migrations, models

from campaign.tokens import opaque_token, token_hash

# Spelled out rather than imported: a migration stays as it was written. They equal tracking.services.survey's.
YES_PURPOSE = "tracking.survey.yes"
NO_PURPOSE = "tracking.survey.no"
BATCH = 500


def answer_link_hashes_fill(apps, schema_editor):
    LetterSurvey = apps.get_model("tracking", "LetterSurvey")
    batch = []
    for survey in LetterSurvey.objects.only("pk", "asked_at").iterator(chunk_size=BATCH):
        parts = (survey.pk, survey.asked_at)
        survey.yes_token_hash = token_hash(opaque_token(purpose=YES_PURPOSE, parts=parts))
        survey.no_token_hash = token_hash(opaque_token(purpose=NO_PURPOSE, parts=parts))
        batch.append(survey)
        if len(batch) == BATCH:
            LetterSurvey.objects.bulk_update(batch, ["yes_token_hash", "no_token_hash"])
            batch = []
    LetterSurvey.objects.bulk_update(batch, ["yes_token_hash", "no_token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0004_reply_forward_claimed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="lettersurvey",
            name="no_token_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text='SHA-256 of the token of the "no reply" link.',
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="lettersurvey",
            name="yes_token_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text='SHA-256 of the token of the "yes, they replied" link.',
                max_length=64,
            ),
        ),
        migrations.RunPython(answer_link_hashes_fill, migrations.RunPython.noop),
    ]
