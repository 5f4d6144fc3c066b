"""The sample campaign against Law No. 13673."""

from django.db import transaction

from ..models import Campaign, LetterTemplate

SAMPLE_SLUG = "law-13673"
SAMPLE_SUMMARY = (
    "The Ukrainian government is preparing Law No. 13673, which criminalises everyone who has escaped the "
    "mobilisation. Write to the Ukrainian embassy and consulates in your country and ask them to convey your "
    "protest to the Government of Ukraine and the Ukrainian Parliament."
)


@transaction.atomic
def sample_campaign_load(*, subject: str, body: str, from_email: str) -> tuple[Campaign, bool]:
    campaign, created = Campaign.objects.update_or_create(
        slug=SAMPLE_SLUG,
        defaults={
            "title": "No to Law 13673: protect those who refuse to fight",
            "summary": SAMPLE_SUMMARY,
            "target": "Ukraine's draft Law No. 13673",
            "sending_country": "UA",
            "from_email": from_email,
            "is_open": True,
        },
    )
    LetterTemplate.objects.update_or_create(
        campaign=campaign,
        language="en",
        defaults={"subject": subject.strip(), "body": body.strip(), "closing": "Yours sincerely,"},
    )
    return campaign, created
