"""Frictions supporters met on the public pages (issue 14), each fixed and kept fixed; and the basics of access."""

import re
import time

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation

import pytest

from common.abuse import FILL_TIME_SALT
from tests.factories import LetterTemplateFactory

pytestmark = pytest.mark.django_db

FORM_URL = reverse("campaign:letter_form", args=["law-13673", "cz"])
TOO_FAST = "That was faster than a person can fill in this form."


def just_started() -> str:
    return signing.dumps(time.time(), salt=FILL_TIME_SALT)


@pytest.mark.parametrize("action", ["email", "mailto"])
def test_the_too_fast_error_is_shown_once(client, campaign, letter_data, action):
    page = client.post(FORM_URL, letter_data(action=action, form_started=just_started())).content.decode()

    assert page.count(TOO_FAST) == 1


def test_the_too_fast_error_is_shown_once_on_the_print_path(client, campaign, letter_data):
    url = reverse("printing:supporter_pdf", args=["law-13673", "cz"])
    page = client.post(url, letter_data(action="print", paper="a4", form_started=just_started())).content.decode()

    assert page.count(TOO_FAST) == 1


def test_the_too_fast_error_is_shown_once_with_field_errors_too(client, campaign, letter_data):
    page = client.post(FORM_URL, letter_data(name="", form_started=just_started())).content.decode()

    assert page.count(TOO_FAST) == 1
    assert 'aria-invalid="true"' in page


def _label_text(page: str, control_id: str) -> str:
    match = re.search(rf'<label for="{control_id}">(.*?)</label>', page, re.S)
    assert match, f"no label for {control_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_checkbox_labels_have_no_stray_colon(client, campaign, offices, language):
    with translation.override(language):
        url = reverse("campaign:letter_form", args=["law-13673", "cz"])
    page = client.get(url).content.decode()

    for control_id in ("id_send_copy", "id_share_email"):
        label = _label_text(page, control_id)
        assert label and not label.endswith((":", "：")), (language, label)


def test_check_your_inbox_names_the_address_the_email_went_to(client, campaign, letter_data):
    response = client.post(FORM_URL, letter_data(email="Jana.Novakova@Example.org"), follow=True)
    page = response.content.decode()

    assert response.redirect_chain[-1][0] == reverse("campaign:check_inbox", args=["law-13673"])
    assert "Jana.Novakova@Example.org</strong>" in page
    # Carried once, in the supporter's own browser: no server-side session, and gone on the next visit.
    assert settings.SESSION_COOKIE_NAME not in client.cookies or not client.cookies[settings.SESSION_COOKIE_NAME].value
    again = client.get(reverse("campaign:check_inbox", args=["law-13673"])).content.decode()
    assert "Jana.Novakova@Example.org" not in again


def test_check_your_inbox_without_an_address_still_explains(client, campaign):
    page = client.get(reverse("campaign:check_inbox", args=["law-13673"])).content.decode()

    assert "We have sent you an email with a link." in page
    assert "We sent the email to" not in page


def _print_option(page: str) -> str:
    match = re.search(r'<section class="send-option" aria-labelledby="send-print-heading">(.*?)</section>', page, re.S)
    assert match, "no print option"
    return match.group(1)


def test_the_paper_size_sits_with_the_print_action(client, campaign, offices):
    page = client.get(FORM_URL).content.decode()

    option = _print_option(page)
    assert 'name="paper"' in option and 'value="print"' in option
    assert 'value="email"' not in option and 'value="mailto"' not in option
    assert page.count('name="paper"') == 1


@pytest.mark.urls("tests.campaign.devmailbox_urls")
def test_the_dev_mailbox_lists_messages_without_printing_them_as_data(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "devmailbox.backend.EmailBackend"
    settings.DEV_MAILBOX_DIR = tmp_path
    send_mail("Please confirm", "Body", "from@example.org", ["jana@example.org"])

    page = client.get("/dev/mailbox/").content.decode()

    main = page[page.index("<main") : page.index("</main>")]
    assert "{&#x27;" not in main and "{'" not in main and "&#x27;subject&#x27;" not in main
    assert 'class="messages"' not in main
    assert main.count("Please confirm") == 1


def test_the_letter_preview_carries_the_letters_language_not_the_interfaces(client, campaign, letter_data):
    LetterTemplateFactory(campaign=campaign, language="uk", subject="Протест", body="{salutation},\n\nМи пишемо.")

    page = client.post(FORM_URL, letter_data(action="preview", language="uk")).content.decode()

    assert '<html lang="en"' in page
    preview = page[page.index('id="preview"') : page.index("</section>", page.index('id="preview"'))]
    assert preview.count('<div lang="uk">') == 2  # one per office
    assert 'class="letter-sample" lang="uk"' in page


def test_every_page_has_a_skip_link_and_landmarks(client, campaign, offices):
    page = client.get(FORM_URL).content.decode()

    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page and "<header" in page and "<footer" in page
    assert '<nav class="site-nav" aria-label="Main">' in page


def test_field_errors_are_linked_to_their_fields(client, campaign, letter_data):
    page = client.post(FORM_URL, letter_data(name="", email="not-an-address")).content.decode()

    for field in ("name", "email"):
        control = re.search(rf'<input[^>]*name="{field}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in control
        described = re.search(r'aria-describedby="([^"]+)"', control).group(1).split()
        assert f"id_{field}_error" in described
        for element_id in described:
            assert f'id="{element_id}"' in page
