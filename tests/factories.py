"""Shared factories and form-data helpers. Add yours at the end; do not rewrite others'."""

import datetime
import time

from django.core import signing
from django.utils import timezone

import factory

from campaign.models import Campaign, Letter, LetterStatus, LetterTemplate, Submission
from common.abuse import FILL_TIME_SALT
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
    reviewed = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A supporter's confirmed submission."""

    class Meta:
        model = Submission

    campaign = factory.SubFactory(CampaignFactory)
    language = "en"
    name = "Taras Supporter"
    city = "Brno"
    email = factory.Sequence(lambda n: f"supporter{n}@example.net")
    sender_hash = factory.Sequence(lambda n: f"{n:064d}")
    subject = "A protest against Law No. 13673"
    body = "{salutation},\n\nWe write on behalf of the citizens of {host_country}."
    personal_paragraph = "My neighbour fled the draft; he is not a criminal."
    confirmed_at = factory.LazyFunction(timezone.now)


class LetterFactory(factory.django.DjangoModelFactory):
    """A letter of a submission, already sent to a verified office."""

    class Meta:
        model = Letter

    submission = factory.SubFactory(SubmissionFactory)
    campaign = factory.SelfAttribute("submission.campaign")
    office = factory.SubFactory(VerifiedOfficeFactory)
    sender_hash = factory.SelfAttribute("submission.sender_hash")
    status = LetterStatus.SENT
    sent_at = factory.LazyFunction(timezone.now)


def started_long_ago() -> str:
    """A letter form's signed start time from a minute ago: filled in at a person's pace."""
    return signing.dumps(time.time() - 60, salt=FILL_TIME_SALT)


class EventFactory(factory.django.DjangoModelFactory):
    """An approved event at a verified office, two days from now, two hours long."""

    class Meta:
        model = "events.Event"

    campaign = factory.SubFactory(CampaignFactory)
    office = factory.SubFactory(VerifiedOfficeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    meeting_point = "On the pavement opposite the main gate"
    description = "Bring a sign. We read the letter aloud at noon."
    organiser_contact = "organiser-contact@example.net"
    status = "approved"


class OfficeReportFactory(factory.django.DjangoModelFactory):
    """An open report that an office's phone number is wrong, with a valid Czech number proposed."""

    class Meta:
        model = "corrections.OfficeReport"

    office = factory.SubFactory(VerifiedOfficeFactory)
    kind = "phone_wrong"
    details = "The embassy's website lists another number."
    proposed_phone = "+420 222 333 444"


class OfficeHoursFactory(factory.django.DjangoModelFactory):
    """Monday 09:00–12:00 at a verified office, in the office's local time."""

    class Meta:
        model = "embassies.OfficeHours"

    office = factory.SubFactory(VerifiedOfficeFactory)
    weekday = 0
    opens = datetime.time(9, 0)
    closes = datetime.time(12, 0)
