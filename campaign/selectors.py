"""Reads for campaigns. Keyword-only, typed, named <noun>_<verb>."""

import datetime
from collections.abc import Iterable

from django_countries import countries

from django.db.models import Q, QuerySet
from django.utils import timezone

from embassies.models import Office
from embassies.selectors import name_sort_key, office_list_for_country

from .models import LIVE_LETTER_STATUSES, Campaign, Letter, LetterTemplate, Submission
from .rendering import RenderedLetter, letter_render


def letter_drafts_render(
    *,
    template: LetterTemplate,
    offices: Iterable[Office],
    supporter_name: str,
    supporter_city: str,
    on_date: datetime.date,
    subject: str | None = None,
    body: str | None = None,
    personal_paragraph: str = "",
) -> list[tuple[Office, RenderedLetter]]:
    """The letter each office would receive. subject/body default to the template's (the supporter may edit them)."""
    return [
        (
            office,
            letter_render(
                subject=template.subject if subject is None else subject,
                body=template.body if body is None else body,
                closing=template.closing,
                office=office,
                language=template.language,
                supporter_name=supporter_name,
                supporter_city=supporter_city,
                personal_paragraph=personal_paragraph,
                on_date=on_date,
            ),
        )
        for office in offices
    ]


def campaigns_open(*, today: datetime.date | None = None) -> QuerySet[Campaign]:
    """Open campaigns whose dates (if set) include today: a campaign that has not started or has ended takes no letters."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today),
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        is_open=True,
    )


def campaign_list_open() -> list[Campaign]:
    return list(campaigns_open().order_by("-created_at"))


def campaign_get_open(*, slug: str) -> Campaign | None:
    return campaigns_open().filter(slug=slug).first()


def campaign_host_countries(*, campaign: Campaign) -> list[tuple[str, str]]:
    """(code, name) of every country with an active office of the campaign's sending state, by name."""
    codes = (
        Office.objects.active()
        .filter(sending_country=campaign.sending_country)
        .order_by()  # the model's default ordering would make DISTINCT count (country, kind, city, name)
        .values_list("host_country", flat=True)
        .distinct()
    )
    return sorted(((str(code), str(countries.name(code))) for code in codes), key=lambda pair: name_sort_key(pair[1]))


def campaign_languages(*, campaign: Campaign) -> list[str]:
    return list(campaign.templates.values_list("language", flat=True))


def office_queryset_for_letter(*, campaign: Campaign, host_country: str) -> QuerySet[Office]:
    """The offices a supporter in host_country may write to: the only source of recipients."""
    return office_list_for_country(host_country=host_country, sending_country=str(campaign.sending_country))


def letter_offices_already_written(*, campaign: Campaign, sender_hash: str, offices: Iterable[Office]) -> list[Office]:
    """Offices this sender already has a live letter to in this campaign."""
    office_ids = set(
        Letter.objects.filter(
            campaign=campaign,
            sender_hash=sender_hash,
            office__in=list(offices),
            status__in=LIVE_LETTER_STATUSES,
        ).values_list("office_id", flat=True)
    )
    return [office for office in offices if office.pk in office_ids]


def letter_list_for_submission(*, submission: Submission) -> list[Letter]:
    return list(submission.letters.select_related("office").order_by("office__kind", "office__city"))
