"""The confirmation and status links become opaque tokens, stored only as hashes (see campaign/tokens.py).

Links mailed before this change carry the old signed tokens, which nothing reads any more: they stop working. That
is acceptable because only test deployments ever mailed them. The hashes of existing submissions are filled in all
the same, so every link computed from now on (a confirmation the sweep mails again, the status link after
confirming, the copy of the letter) works for them too.
"""

from django.db import migrations, models

from campaign.tokens import opaque_token, token_hash

# Spelled out rather than imported: a migration stays as it was written. They equal campaign.tokens' purposes.
CONFIRM_PURPOSE = "campaign.submission.confirm"
STATUS_PURPOSE = "campaign.submission.status"
BATCH = 500


def link_hashes_fill(apps, schema_editor):
    Submission = apps.get_model("campaign", "Submission")
    batch = []
    for submission in Submission.objects.only("pk", "created_at", "erased_at").iterator(chunk_size=BATCH):
        parts = (submission.pk, submission.created_at)
        submission.confirm_token_hash = token_hash(opaque_token(purpose=CONFIRM_PURPOSE, parts=parts))
        # As on erasure: no status link finds an erased submission.
        if submission.erased_at is None:
            submission.status_token_hash = token_hash(opaque_token(purpose=STATUS_PURPOSE, parts=parts))
        batch.append(submission)
        if len(batch) == BATCH:
            Submission.objects.bulk_update(batch, ["confirm_token_hash", "status_token_hash"])
            batch = []
    Submission.objects.bulk_update(batch, ["confirm_token_hash", "status_token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0007_supporter_mail_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="confirm_token_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="SHA-256 of the supporter's confirmation link token.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="status_token_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="SHA-256 of the supporter's letter-status link token.",
                max_length=64,
            ),
        ),
        migrations.RunPython(link_hashes_fill, migrations.RunPython.noop),
    ]
