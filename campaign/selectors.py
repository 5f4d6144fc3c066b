"""Reads for campaigns. Keyword-only, typed, named <noun>_<verb>."""

import copy
from collections.abc import Iterable

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import translation

from django_countries import countries

from embassies.models import Office
from embassies.selectors import name_sort_key, office_list_for_country

from .models import (
    LIVE_LETTER_STATUSES,
    Campaign,
    CampaignTranslation,
    Letter,
    LetterChannel,
    LetterTemplate,
    Submission,
)
from .rendering import letter_demands_count


def campaign_localised(*, campaign: Campaign, language: str | None = None) -> Campaign:
    """The campaign as a reader of that language (default: the active one) sees it: title, target and summary
    from its translation when there is one. A copy, which refuses to be saved."""
    language = language or translation.get_language() or ""
    if language == campaign.source_language:
        return campaign
    translated = getattr(campaign, "translations_in_language", None)
    if translated is None:
        translated = list(campaign.translations.filter(language=language))
    translated = [row for row in translated if row.language == language]
    if not translated:
        return campaign
    localised = copy.copy(campaign)
    localised.title, localised.target = translated[0].title, translated[0].target
    localised.summary = translated[0].summary or campaign.summary
    localised.localised_to = language
    return localised


def _with_translations(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    language = translation.get_language() or ""
    return queryset.prefetch_related(
        Prefetch(
            "translations",
            queryset=CampaignTranslation.objects.filter(language=language),
            to_attr="translations_in_language",
        )
    )


def campaign_list_open() -> list[Campaign]:
    campaigns = _with_translations(Campaign.objects.open().order_by("-created_at"))
    return [campaign_localised(campaign=campaign) for campaign in campaigns]


def campaign_get_open(*, slug: str) -> Campaign | None:
    campaign = _with_translations(Campaign.objects.open().filter(slug=slug)).first()
    return campaign_localised(campaign=campaign) if campaign else None


def campaign_is_open(*, campaign: Campaign) -> bool:
    """The one rule every channel follows: open, and today within the campaign's dates."""
    return Campaign.objects.open().filter(pk=campaign.pk).exists()


def letter_for_sending(*, letter_id: int) -> Letter:
    """The letter with its submission, campaign, office and its template's closing line, in one query."""
    closing = LetterTemplate.objects.filter(
        campaign_id=OuterRef("campaign_id"), language=OuterRef("submission__language")
    ).values("closing")[:1]
    return (
        Letter.objects.select_related("submission", "campaign", "office")
        .annotate(template_closing=Subquery(closing))
        .get(pk=letter_id)
    )


def letter_template_closing(*, campaign_id: int, language: str) -> str:
    """The closing line of the campaign's letter in that language ("" if the language has no template)."""
    closing = (
        LetterTemplate.objects.filter(campaign_id=campaign_id, language=language)
        .values_list("closing", flat=True)
        .first()
    )
    return closing or ""


def letter_template_demands_mismatch(*, template: LetterTemplate) -> tuple[int, int] | None:
    """(this text's numbered demands, the source letter's) when they differ; None when they agree or there is no
    source letter to compare with."""
    if template.language == template.campaign.source_language:
        return None
    source = LetterTemplate.objects.filter(
        campaign_id=template.campaign_id, language=template.campaign.source_language
    ).first()
    if source is None:
        return None
    counts = (letter_demands_count(template.body), letter_demands_count(source.body))
    return counts if counts[0] != counts[1] else None


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


def office_queryset_for_letter(*, campaign: Campaign, host_country: str) -> QuerySet[Office]:
    """The offices a supporter in host_country may write to: the only source of recipients."""
    return office_list_for_country(host_country=host_country, sending_country=str(campaign.sending_country))


def letter_offices_already_written(
    *, campaign: Campaign, sender_hash: str, offices: Iterable[Office], channel: str = LetterChannel.EMAIL
) -> list[Office]:
    """Offices this sender already has a live letter to in this campaign, sent the same way."""
    office_ids = set(
        Letter.objects.filter(
            campaign=campaign,
            sender_hash=sender_hash,
            channel=channel,
            office__in=list(offices),
            status__in=LIVE_LETTER_STATUSES,
        ).values_list("office_id", flat=True)
    )
    return [office for office in offices if office.pk in office_ids]


def letter_list_for_submission(*, submission: Submission) -> list[Letter]:
    return list(submission.letters.select_related("office").order_by("office__kind", "office__city"))
