"""The letter in the supporter's language: choosing it, its default, its drafts, salutations and dates."""

import datetime
import re

from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import pytest

from campaign.letter_language import letter_date_text, salutation_text, salutations
from campaign.models import CampaignTranslation, LetterTemplate, Submission
from campaign.rendering import letter_demands_count, letter_language_default
from embassies.models import HeadAddressForm, HeadTitle, Office
from tests.factories import LetterTemplateFactory, VerifiedOfficeFactory, started_long_ago

pytestmark = pytest.mark.django_db


def form_url(language: str = "en", cc: str = "cz") -> str:
    with translation.override(language):
        return reverse("campaign:letter_form", args=["law-13673", cc])


@pytest.fixture
def czech_letter(campaign):
    return LetterTemplateFactory(
        campaign=campaign,
        language="cs",
        subject="Protest proti zákonu č. 13673",
        body="{salutation},\n\nPíšeme jménem občanů státu {host_country}.",
        closing="S úctou",
        reviewed=False,
    )


@pytest.fixture
def czech_offices(db):
    return [
        VerifiedOfficeFactory(name="Velvyslanectví Ukrajiny", city="Praha", languages="uk,cs"),
        VerifiedOfficeFactory(
            name="Konzulát Ukrajiny v Brně",
            city="Brno",
            kind="consulate",
            head_title=HeadTitle.CONSUL,
            languages="cs,uk,en",
        ),
    ]


def language_post(offices, **overrides) -> dict:
    data = {
        "action": "language",
        "offices": [str(office.pk) for office in offices],
        "language": "cs",
        "name": "Jana Nováková",
        "city": "Brno",
        "email": "jana@example.org",
        "personal_paragraph": "Můj soused utekl, aby nemusel zabíjet.",
        "website": "",
        "form_started": started_long_ago(),
    }
    data.update(overrides)
    return data


def test_choosing_a_language_without_javascript_loads_its_letter_and_keeps_what_was_typed(
    client, campaign, czech_letter, czech_offices
):
    response = client.post(form_url(), language_post(czech_offices))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Protest proti zákonu č. 13673" in page
    assert "Píšeme jménem občanů státu Česko." in page
    assert "We write on behalf of the citizens" not in page
    assert "Můj soused utekl, aby nemusel zabíjet." in page
    assert 'value="Jana Nováková"' in page and 'value="jana@example.org"' in page
    assert 'class="errorlist"' not in page
    assert Submission.objects.count() == 0


def test_a_language_in_the_address_loads_its_letter(client, campaign, czech_letter, czech_offices):
    page = client.get(form_url() + "?language=cs").content.decode()

    assert "Píšeme jménem občanů státu Česko." in page
    assert "{salutation}" not in page and "{host_country}" not in page


def test_the_supporter_never_sees_placeholder_syntax(client, campaign, czech_offices):
    page = client.get(form_url()).content.decode()

    assert "We write on behalf of the citizens of Czechia." in page
    assert not re.search(r"\{(salutation|host_country|supporter_name|supporter_city|date)\}", page)


def test_the_default_letter_language_follows_the_interface_when_the_offices_take_it(
    client, campaign, czech_letter, czech_offices
):
    assert client.get(form_url("cs")).context["form"].initial["language"] == "cs"
    # The embassy does not take English letters: Czech is the language both offices take.
    assert client.get(form_url("en")).context["form"].initial["language"] == "cs"
    Office.objects.update(languages="")
    assert client.get(form_url("en")).context["form"].initial["language"] == "en"


def test_the_default_letter_language_is_one_every_chosen_office_takes():
    czech_only = Office(languages="cs")
    anything = Office(languages="")
    available = ["cs", "de", "en", "uk"]

    assert letter_language_default(available=available, interface_language="de", offices=[czech_only]) == "cs"
    assert letter_language_default(available=available, interface_language="de", offices=[anything]) == "de"
    assert letter_language_default(available=available, interface_language="pl", offices=[anything]) == "en"
    assert letter_language_default(available=[], interface_language="pl", offices=[anything]) == ""


def test_language_choices_are_named_in_the_interface_language(client, campaign, czech_letter, czech_offices):
    form = client.get(form_url("cs")).context["form"]

    labels = dict(form.fields["language"].choices)
    assert labels["en"] == "angličtina (English)"
    assert labels["cs"] == "čeština"


def test_a_language_the_campaign_lacks_is_a_clear_error(client, campaign, czech_offices):
    response = client.post(form_url("cs"), language_post(czech_offices, action="preview", language="lt"))

    assert "Kampaň nemá dopis v tomto jazyce." in response.content.decode()


def test_a_language_no_chosen_office_takes_is_a_clear_error(client, campaign, czech_letter, czech_offices):
    LetterTemplateFactory(campaign=campaign, language="de", body="{salutation},\n\nWir schreiben.")

    response = client.post(form_url(), language_post(czech_offices, action="preview", language="de"))

    assert response.status_code == 200
    assert "These offices do not take letters in German" in response.content.decode()
    assert "drafts" not in response.context


def test_an_unreviewed_translation_is_marked_as_a_draft_on_the_public_page(
    client, campaign, czech_letter, czech_offices
):
    draft_notice = "This translation is an unreviewed draft"
    assert draft_notice in client.get(form_url() + "?language=cs").content.decode()
    assert draft_notice not in client.get(form_url() + "?language=en").content.decode()

    LetterTemplate.objects.filter(pk=czech_letter.pk).update(reviewed=True)
    assert draft_notice not in client.get(form_url() + "?language=cs").content.decode()


def test_campaign_texts_follow_the_interface_language(client, campaign):
    CampaignTranslation.objects.create(
        campaign=campaign, language="cs", title="Proti zákonu č. 13673", target="Návrh zákona", summary="Napište."
    )

    czech = client.get("/cs/").content.decode()
    german = client.get("/de/").content.decode()

    assert "Proti zákonu č. 13673" in czech and "Návrh zákona" in czech and "Napište." in czech
    assert "Against Law No. 13673" in german


def test_a_localised_campaign_cannot_be_saved_over_its_source(client, campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="cs", title="Proti zákonu", target="Zákon")
    localised = client.get("/cs/c/law-13673/").context["campaign"]

    assert localised.title == "Proti zákonu"
    with pytest.raises(RuntimeError):
        localised.save()


@pytest.mark.parametrize(
    ("language", "form", "expected"),
    [
        ("de", HeadAddressForm.UNKNOWN, "Sehr geehrte Frau Botschafterin, sehr geehrter Herr Botschafter"),
        ("de", HeadAddressForm.FEMININE, "Sehr geehrte Frau Botschafterin"),
        ("uk", HeadAddressForm.MASCULINE, "Вельмишановний пане После"),
        ("en", HeadAddressForm.UNKNOWN, "Dear Ambassador"),
    ],
)
def test_salutations_fit_the_head_of_mission(language, form, expected):
    assert salutation_text(language=language, head_title=HeadTitle.AMBASSADOR, address_form=form) == expected


def test_every_salutation_language_covers_every_title_and_form():
    for language, table in salutations().items():
        assert table["no_title"], language
        for title in HeadTitle.values:
            assert set(table[title]) == {"unknown", "feminine", "masculine"}, (language, title)
            assert all(text and not text.endswith(",") for text in table[title].values()), (language, title)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", "2 грудня 2026 р."),
        ("ru", "2 декабря 2026 г."),
        ("cs", "2. prosince 2026"),
        ("sk", "2. decembra 2026"),
        ("pl", "2 grudnia 2026"),
        ("de", "2. Dezember 2026"),
        ("it", "2 dicembre 2026"),
        ("fr", "2 décembre 2026"),
        ("es", "2 de diciembre de 2026"),
        ("ro", "2 decembrie 2026"),
        ("nl", "2 december 2026"),
        ("lt", "2026 m. gruodžio 2 d."),
        ("en", "2 December 2026"),
    ],
)
def test_dates_follow_each_languages_format_without_a_leading_zero(language, expected):
    assert letter_date_text(on_date=datetime.date(2026, 12, 2), language=language) == expected


def test_the_first_of_the_month_in_french():
    assert letter_date_text(on_date=datetime.date(2026, 3, 1), language="fr") == "1er mars 2026"


def test_the_admin_warns_when_a_translation_changes_the_number_of_demands(admin_client):
    call_command("load_sample_campaign")
    german = LetterTemplate.objects.get(campaign__slug="law-13673", language="de")
    url = reverse("admin:campaign_lettertemplate_change", args=[german.pk])
    shortened = "\n".join(line for line in german.body.splitlines() if not line.startswith("3. "))

    response = admin_client.post(
        url,
        {
            "campaign": german.campaign_id,
            "language": "de",
            "subject": german.subject,
            "body": shortened,
            "closing": german.closing,
        },
    )

    assert response.status_code == 302
    warnings = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("makes 2 numbered demands, but the source letter makes 3" in warning for warning in warnings)
    assert letter_demands_count(LetterTemplate.objects.get(pk=german.pk).body) == 2


def test_an_organiser_approves_draft_translations_in_the_admin(admin_client):
    call_command("load_sample_campaign")
    drafts = LetterTemplate.objects.filter(campaign__slug="law-13673", reviewed=False)
    assert drafts.count() >= 11
    changelist = reverse("admin:campaign_lettertemplate_changelist")
    assert "draft, needs review" in admin_client.get(changelist).content.decode()

    german = drafts.get(language="de")
    admin_client.post(changelist, {"action": "approve", "_selected_action": [german.pk]})

    german.refresh_from_db()
    assert german.reviewed


def test_a_template_with_an_unknown_placeholder_cannot_be_saved_in_the_admin(admin_client, campaign):
    template = campaign.templates.get()
    url = reverse("admin:campaign_lettertemplate_change", args=[template.pk])

    response = admin_client.post(
        url,
        {
            "campaign": campaign.pk,
            "language": "en",
            "subject": "x",
            "body": "{salutation}, {ambassador}",
            "closing": "Yours",
        },
    )

    assert response.status_code == 200
    assert "Unknown placeholder: {ambassador}" in response.content.decode()
    template.refresh_from_db()
    assert "{ambassador}" not in template.body


def test_a_letter_in_a_language_without_salutations_must_write_its_own_greeting(campaign):
    hungarian = LetterTemplate(
        campaign=campaign, language="hu", subject="Tiltakozás", body="{salutation},\n\nÍrunk.", closing="Tisztelettel"
    )

    with pytest.raises(ValidationError) as error:
        hungarian.full_clean()
    assert "{salutation}" in str(error.value.message_dict["body"])

    hungarian.body = "Tisztelt Nagykövet Úr!\n\nÍrunk {host_country} polgárai nevében."
    hungarian.full_clean()
