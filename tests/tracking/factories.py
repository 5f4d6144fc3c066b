"""Factories for tracking tests: supporters' submissions and their letters."""

import factory

from django.utils import timezone

from campaign.models import Letter, LetterStatus, Submission
from tests.factories import CampaignFactory, VerifiedOfficeFactory


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    campaign = factory.SubFactory(CampaignFactory)
    language = "en"
    name = "Taras Supporter"
    city = "Brno"
    email = factory.Sequence(lambda n: f"supporter{n}@example.net")
    sender_hash = factory.Sequence(lambda n: f"{n:064d}")
    confirmed_at = factory.LazyFunction(timezone.now)


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    submission = factory.SubFactory(SubmissionFactory)
    campaign = factory.SelfAttribute("submission.campaign")
    office = factory.SubFactory(VerifiedOfficeFactory)
    sender_hash = factory.SelfAttribute("submission.sender_hash")
    status = LetterStatus.SENT
    sent_at = factory.LazyFunction(timezone.now)
