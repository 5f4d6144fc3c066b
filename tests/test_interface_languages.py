"""Every interface language, whole: the campaign page, the confirmation email and a PDF letter speak it, and
every shipped letter language reaches the preview, the sent email and the PDF without an English sentence."""

import datetime
import gettext
import html
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation

import pytest

from campaign.letter_language import letter_date_text
from campaign.models import LetterTemplate
from campaign.rendering import RenderedLetter
from campaign.services.seed import seed_texts_read
from printing.pdf.documents import PrintLetter
from tests.campaign.conftest import confirm_link
from tests.factories import VerifiedOfficeFactory, started_long_ago
from tests.printing.conftest import pdf_pages_text

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[1]
SEED = {text.language: text for text in seed_texts_read(directory=REPOSITORY / "campaign" / "seed" / "law_13673")}
INTERFACE_LANGUAGES = [code for code, _name in settings.LANGUAGES]
KNOWN = "Which country do you live in?"  # a string every catalogue must translate, as the campaign page shows it
OFFICE_LANGUAGES = ""  # the offices take letters in any language


@cache
def english_interface_strings(language: str) -> frozenset[str]:
    """The English sentences the catalogue of `language` translates: none may be left on its pages."""
    catalogue_file = REPOSITORY / "locale" / language / "LC_MESSAGES" / "django.mo"
    with catalogue_file.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 (the parsed .mo, msgid → msgstr)
    return frozenset(
        msgid
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str)
        and "\x04" not in msgid
        and msgid != msgstr
        and len(msgid) >= 15
        and " " in msgid
        and not re.search(r"[%{<]", msgid)
    )


def normalised(text: str) -> str:
    return " ".join(html.unescape(text).split())


def english_left(text: str, language: str) -> list[str]:
    if language == "en":
        return []
    text = normalised(text)
    return sorted(msgid for msgid in english_interface_strings(language) if normalised(msgid) in text)


def english_letter_sentences() -> list[str]:
    body = SEED["en"].body.replace("{salutation},", "").replace("{host_country}", "")
    return [sentence.strip() for sentence in re.split(r"(?<=[.!?])\s+", body) if len(sentence.strip()) > 25]


def letter_sentence(language: str) -> str:
    """The third paragraph's first sentence: no placeholders, so it reads the same in every letter."""
    paragraph = SEED[language].body.split("\n\n")[2]
    return normalised(re.split(r"(?<=[.!?])\s", paragraph)[0])


@pytest.fixture
def sample_campaign(db):
    call_command("load_sample_campaign")
    return [
        VerifiedOfficeFactory(name="Embassy of Ukraine in Czechia", city="Praha", languages=OFFICE_LANGUAGES),
        VerifiedOfficeFactory(
            name="Consulate of Ukraine in Brno", city="Brno", kind="consulate", languages=OFFICE_LANGUAGES
        ),
    ]


def letter_post(offices, *, language: str, action: str) -> dict:
    return {
        "action": action,
        "offices": [str(office.pk) for office in offices],
        "language": language,
        "name": "Jana Nováková",
        "city": "Brno",
        "email": "jana@example.org",
        "personal_paragraph": "",
        "website": "",
        "form_started": started_long_ago(),
        "paper": "a4",
    }


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_campaign_page_speaks_the_interface_language(client, sample_campaign, language):
    page = client.get(f"/{language}/c/law-13673/").content.decode()

    with translation.override(language):
        known = translation.gettext(KNOWN)
    assert known in html.unescape(page)
    assert (known != KNOWN) == (language != "en")
    assert SEED[language].title in html.unescape(page)
    assert english_left(page, language) == []


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_letter_page_speaks_the_interface_language(client, sample_campaign, language):
    page = client.get(f"/{language}/c/law-13673/cz/").content.decode()

    assert english_left(page, language) == []
    assert letter_sentence(language) in normalised(page)  # the default letter is in the interface language


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_confirmation_email_speaks_the_interface_language(
    client, sample_campaign, language, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{language}/c/law-13673/cz/",
            {**letter_post(sample_campaign, language=language, action="email"), "send_copy": "on"},
        )

    assert response.status_code == 302
    message = mail.outbox[0]
    assert f"/{language}/c/law-13673/confirm/" in message.body
    with translation.override(language):
        subject = translation.gettext("Please confirm your letters: %(title)s") % {"title": SEED[language].title}
    assert message.subject == normalised(subject)
    assert english_left(message.subject + "\n" + message.body, language) == []
    assert (
        normalised(SEED[language].title.split(":")[0].replace(",", "")) in message.from_email
    )  # named in the same language


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_a_pdf_letter_speaks_the_interface_language(client, sample_campaign, language):
    response = client.post(
        f"/{language}/print/law-13673/cz/letter.pdf", letter_post(sample_campaign, language=language, action="print")
    )

    assert response["Content-Type"] == "application/pdf"
    text = normalised(" ".join(pdf_pages_text(response.content)))
    assert letter_sentence(language) in text
    assert english_left(text, language) == []
    assert letter_date_text(on_date=datetime.date.today(), language=language) in text


@pytest.mark.parametrize("language", sorted(SEED))
def test_every_shipped_letter_language_reaches_preview_email_and_pdf_whole(
    client, sample_campaign, language, django_capture_on_commit_callbacks
):
    english = english_letter_sentences()
    sentence = letter_sentence(language)
    post = letter_post(sample_campaign, language=language, action="preview")

    preview = normalised(client.post("/en/c/law-13673/cz/", post).content.decode())
    preview_letters = preview[preview.index("preview") :]
    mailto_page = client.post("/en/c/law-13673/cz/", {**post, "action": "mailto"}).content.decode()
    mailto_links = [normalised(unquote(href)) for href in re.findall(r'href="(mailto:[^"]+)"', mailto_page)]
    pdf = client.post("/en/print/law-13673/cz/letter.pdf", {**post, "action": "print"})
    pdf_text = normalised(" ".join(pdf_pages_text(pdf.content)))
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/c/law-13673/cz/", {**post, "action": "email"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mail.outbox[0]).replace(settings.SITE_URL, ""))
    sent = [message for message in mail.outbox if message.to[0] in {office.email for office in sample_campaign}]

    assert len(sent) == len(mailto_links) == 2
    for text in (preview_letters, pdf_text, *mailto_links, *(normalised(message.body) for message in sent)):
        assert sentence in text
        if language != "en":
            assert [line for line in english if normalised(line) in text] == []
    assert {message.subject for message in sent} == {SEED[language].subject}


@pytest.mark.parametrize("language", sorted(set(SEED) - {"en"}))
def test_every_shipped_translation_is_faithful_and_starts_as_a_draft(sample_campaign, language):
    text, source = SEED[language], SEED["en"]
    demands = [line for line in text.body.splitlines() if re.match(r"\d+\. ", line)]

    assert [line[:3] for line in demands] == ["1. ", "2. ", "3. "]
    assert text.body.count("{salutation}") == source.body.count("{salutation}") == 1
    assert text.body.count("{host_country}") == source.body.count("{host_country}") == 1
    assert text.body.count("13673") == source.body.count("13673") == 2
    assert len(text.body.split("\n\n")) == len(source.body.split("\n\n"))
    assert [line for line in english_letter_sentences() if line in text.body] == []
    assert not LetterTemplate.objects.get(campaign__slug="law-13673", language=language).reviewed
    assert LetterTemplate.objects.get(campaign__slug="law-13673", language="en").reviewed


def test_at_least_the_twelve_languages_of_the_appeal_ship():
    assert {"uk", "en", "cs", "sk", "pl", "de", "it", "fr", "es", "ro", "nl", "lt"} <= set(SEED)


def test_a_bare_address_opens_in_the_visitors_language(client, sample_campaign):
    response = client.get("/c/law-13673/", HTTP_ACCEPT_LANGUAGE="pl,en;q=0.5")

    assert response.status_code == 302
    assert response["Location"] == "/pl/c/law-13673/"


def test_every_public_page_links_its_other_languages_for_people_and_search_engines(client, sample_campaign):
    page = client.get("/pl/c/law-13673/cz/?x=1").content.decode()

    for language in INTERFACE_LANGUAGES:
        assert f'<link rel="alternate" hreflang="{language}" href="http://testserver/{language}/c/law-13673/cz/' in page
        assert f'<a href="/{language}/c/law-13673/cz/?x=1" hreflang="{language}"' in page
    assert 'hreflang="x-default"' in page
    assert '<form class="language"' not in page  # the switcher is plain links: no JavaScript, no POST


@pytest.mark.parametrize("language", sorted(SEED))
def test_hand_signing_columns_are_printed_in_every_shipped_letter_language(language):
    letter = RenderedLetter(
        language=language, subject="", salutation="", body="", closing="", signature_name="", signature_city="", date=""
    )
    labels = PrintLetter(letter, "", (), "", "", sign_lines=3).sign_labels

    assert set(labels) == {"name", "city", "signature"}
    assert (labels["city"] == "City") == (language == "en")
