"""In Chromium: a supporter reading the site in Ukrainian writes a Czech letter to the offices in Czechia."""

import email
import email.policy
import io
import re

from django.conf import settings

import pytest
from pypdf import PdfReader

from campaign.services.seed import seed_texts_read
from tests.test_interface_languages import REPOSITORY, english_letter_sentences, letter_sentence, normalised

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.campaign.devmailbox_urls")]

CZECH = {text.language: text for text in seed_texts_read(directory=REPOSITORY / "campaign" / "seed" / "law_13673")}[
    "cs"
]
PERSONAL = "Můj soused odešel, aby nemusel zabíjet. Žádný zločinec."


def mailbox_messages() -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(settings.DEV_MAILBOX_DIR.glob("*.eml"))
    ]


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_ukrainian_interface_czech_letter_preview_pdf_and_email(site, page, tmp_path):
    response = page.goto(site + "/en/c/law-13673/cz/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    page.get_by_role("link", name="Українська").click()
    assert page.url.startswith(site + "/uk/c/law-13673/cz/")
    assert page.locator("html").get_attribute("lang") == "uk"

    page.select_option("select[name=language]", "cs")
    page.locator("[data-language-load]").click()  # without JavaScript: a round trip
    assert letter_sentence("cs") in normalised(page.inner_text(".letter-sample"))
    assert "чернетка" in page.inner_text(".letter-sample")  # the unreviewed-draft notice, in Ukrainian
    page.fill("input[name=name]", "Jana Nováková")
    page.fill("input[name=city]", "Brno")
    page.fill("input[name=email]", "jana@example.org")
    page.fill("textarea[name=personal_paragraph]", PERSONAL)

    page.locator("button[value=preview]").click()
    previews = page.locator(".card.preview")
    assert previews.count() == 2
    first = normalised(previews.nth(0).inner_text())
    assert normalised(f"{CZECH.subject} Vážená paní velvyslankyně, vážený pane velvyslanče,") in first
    assert letter_sentence("cs") in first and PERSONAL in first and "S úctou Jana Nováková Brno" in first

    page.wait_for_timeout(1100)  # FORM_MIN_FILL_SECONDS: the preview page is a fresh form
    with page.expect_download() as download:
        page.locator("button[value=print]").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    pdf_text = normalised(" ".join(page_.extract_text() for page_ in pdf.pages))
    assert letter_sentence("cs") in pdf_text
    assert "Vážená paní velvyslankyně" in pdf_text and "odpíračů" in pdf_text and "Žádný zločinec" in pdf_text
    assert [sentence for sentence in english_letter_sentences() if sentence in pdf_text] == []

    page.locator("button[value=email]").click()
    assert "/uk/c/law-13673/check-your-inbox/" in page.url
    (confirmation,) = mailbox_messages()
    link = re.search(r"https?://\S+/confirm/\S+", text_of(confirmation)).group(0)
    assert "/uk/c/law-13673/confirm/" in link
    page.goto(link)
    page.locator("main form button[type=submit]").click()  # the page asks first: link scanners confirm nothing
    assert page.locator("[data-status]").count() == 2

    letters = [message for message in mailbox_messages() if message["To"].endswith("@mfa.example")]
    assert len(letters) == 2
    for letter in letters:
        body = normalised(text_of(letter))
        assert normalised(str(letter["Subject"])) == CZECH.subject
        assert letter_sentence("cs") in body and PERSONAL in body
        assert body.endswith("S úctou Jana Nováková Brno")
        assert [sentence for sentence in english_letter_sentences() if normalised(sentence) in body] == []
        assert not re.search(r"\b(Dear|Yours|Ambassador)\b", body)


def test_with_javascript_choosing_a_language_keeps_the_supporters_own_words(site, page_with_javascript):
    page = page_with_javascript
    page.goto(site + "/uk/c/law-13673/cz/")
    assert not page.locator("[data-language-load]").is_visible()  # the script switches on change
    page.fill("textarea[name=personal_paragraph]", PERSONAL)
    page.fill("input[name=name]", "Jana Nováková")

    with page.expect_navigation():
        page.select_option("select[name=language]", "cs")

    assert letter_sentence("cs") in normalised(page.inner_text(".letter-sample"))
    assert page.input_value("textarea[name=personal_paragraph]") == PERSONAL
    assert page.input_value("input[name=name]") == "Jana Nováková"
    assert page.locator("html").get_attribute("lang") == "uk"
