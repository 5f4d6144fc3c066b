"""Shared factories. Add yours at the end; do not rewrite others'."""

import factory

from campaign.models import Campaign, LetterTemplate
from embassies.models import HeadTitle, Office, OfficeKind


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    sending_country = "UA"
    host_country = "CZ"
    kind = OfficeKind.EMBASSY
    head_title = HeadTitle.AMBASSADOR
    name = factory.Sequence(lambda n: f"Office {n} of Ukraine")
    city = factory.Sequence(lambda n: f"City {n}")
    street_lines = "Charlese de Gaulla 29"
    postcode = "160 00"
    email = factory.Sequence(lambda n: f"office{n}@example.org")
    phone = "+420233342000"
    languages = "uk,en"
    source = "https://example.org/source"
    source_date = "2026-01-01"


class VerifiedOfficeFactory(OfficeFactory):
    verified_on = factory.Faker("past_date")
    verified_by = "organiser"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = factory.Sequence(lambda n: f"Campaign {n}")
    target = "Law No. 13673"
    sending_country = "UA"
    from_email = "letters@example.org"


class LetterTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterTemplate

    campaign = factory.SubFactory(CampaignFactory)
    language = "en"
    subject = "A protest against Law No. 13673"
    body = "{salutation},\n\nWe write on behalf of the citizens of {host_country}."
    closing = "Yours sincerely,"
