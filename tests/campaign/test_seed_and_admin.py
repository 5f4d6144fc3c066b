"""Sample campaign (text kept exactly), organiser permissions, admin, dev mailbox."""

import datetime
import email
import importlib
from pathlib import Path
from string import Formatter

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

import pytest

import config.urls
from campaign.models import Campaign, LetterTemplate
from campaign.rendering import letter_render
from campaign.services.seed import seed_texts_read
from common.permissions import ORGANISERS_GROUP
from tests.factories import VerifiedOfficeFactory

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]
SEED = REPOSITORY / "campaign" / "seed" / "law_13673"
# The campaign's appeal, the source of the sample letter; checked out beside the repository (../shared) in CI.
APPEAL = REPOSITORY.parent / "shared" / "seed" / "law-13673-appeal.md"
DEMANDS = [
    "1. An immediate halt to the preparation of the laws that threaten conscientious objectors and deserters, "
    "specifically Law No. 13673.",
    "2. Respecting the right to refuse military service as guaranteed by the International human rights treaties.",
    "3. Ensuring the protection of those who refused the war – whether in Ukraine or abroad.",
]


def sample_letter_shipped() -> tuple[str, str]:
    """The English subject and body the project ships in campaign/seed, which load_sample_campaign loads."""
    english = {text.language: text for text in seed_texts_read(directory=SEED)}["en"]
    return english.subject, english.body


def sample_letter_from_appeal() -> tuple[str, str]:
    text = APPEAL.read_text(encoding="utf-8").split("## The sample letter", 1)[1]
    lines = [line[2:] if line.startswith("> ") else "" for line in text.strip().splitlines()]
    subject_line, body = "\n".join(lines).strip().split("\n", 1)
    return subject_line.removeprefix("Subject: "), body.strip()


def test_load_sample_campaign_is_idempotent(settings):
    call_command("load_sample_campaign")
    call_command("load_sample_campaign")

    campaign = Campaign.objects.get(slug="law-13673")
    assert campaign.sending_country == "UA"
    assert campaign.from_email == settings.DEFAULT_FROM_EMAIL
    assert LetterTemplate.objects.filter(campaign=campaign).count() == len(list(SEED.glob("*.txt"))) >= 12


def test_sample_letter_text_is_kept_exactly():
    call_command("load_sample_campaign")
    template = LetterTemplate.objects.get(campaign__slug="law-13673", language="en")
    subject, body = sample_letter_shipped()
    embassy = VerifiedOfficeFactory(host_country="CZ")

    letter = letter_render(
        subject=template.subject,
        body=template.body,
        closing=template.closing,
        office=embassy,
        language="en",
        supporter_name="Jana",
        supporter_city="Brno",
        on_date=datetime.date(2026, 11, 24),
    )

    assert letter.subject == subject
    assert letter.body == body.replace("{salutation}", "Dear Ambassador").replace("{host_country}", "Czechia")
    assert letter.text.endswith("\n\nYours sincerely,\nJana\nBrno\n")


def test_shipped_sample_letter_is_the_appeals_letter():
    """The seed is the appeal's sample letter word for word; its demands are checked even without ../shared."""
    subject, body = sample_letter_shipped()
    paragraphs = body.split("\n\n")

    assert subject == "A protest against criminalisation of Ukrainian conscientious objectors and deserters"
    assert paragraphs[0] == "{salutation},"
    assert paragraphs[1].startswith("We are addressing you on behalf of the citizens of {host_country} who ")
    assert [paragraph for paragraph in paragraphs if paragraph[0].isdigit()] == DEMANDS
    assert paragraphs[-1].endswith("not as a support of militarism and repression.")
    placeholders = {name for _text, name, _spec, _conversion in Formatter().parse(body) if name}
    assert placeholders == {"salutation", "host_country"}
    if APPEAL.exists():
        as_in_the_appeal = body.replace("{salutation}", "Dear Ambassador").replace("{host_country}", "[your country]")
        assert (subject, as_in_the_appeal) == sample_letter_from_appeal()


def test_organisers_may_manage_campaigns_and_read_the_outbox():
    group = Group.objects.get(name=ORGANISERS_GROUP)
    codenames = set(group.permissions.filter(content_type__app_label="campaign").values_list("codename", flat=True))
    assert {"change_campaign", "change_lettertemplate", "view_letter", "view_contactevent"} <= codenames
    assert "view_submission" not in codenames  # supporters' personal data is not for browsing


def test_template_with_unknown_placeholder_is_rejected_with_a_clear_error():
    call_command("load_sample_campaign")
    template = LetterTemplate.objects.get(campaign__slug="law-13673", language="cs")
    template.body = "{salutation}, {ambassador}"
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "{ambassador}" in str(error.value.message_dict["body"])


def test_admin_outbox_shows_no_letter_bodies(admin_client):
    call_command("load_sample_campaign")
    response = admin_client.get(reverse("admin:campaign_letter_changelist"))
    assert response.status_code == 200
    assert (
        admin_client.get(reverse("admin:campaign_campaign_change", args=[Campaign.objects.get().pk])).status_code == 200
    )


def test_dev_mailbox_backend_writes_eml_through_anymail(settings, tmp_path):
    settings.EMAIL_BACKEND = "devmailbox.backend.EmailBackend"
    settings.DEV_MAILBOX_DIR = tmp_path
    send_mail("Hello", "Open http://127.0.0.1:8000/c/x/confirm/abc/", "from@example.org", ["to@example.org"])

    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes())
    assert parsed["Subject"] == "Hello" and parsed["To"] == "to@example.org"


@pytest.mark.urls("tests.campaign.devmailbox_urls")
def test_dev_mailbox_views_render_links_clickable(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "devmailbox.backend.EmailBackend"
    settings.DEV_MAILBOX_DIR = tmp_path
    send_mail("Hello", "Open http://127.0.0.1:8000/c/x/confirm/abc/ now", "from@example.org", ["to@example.org"])
    name = next(tmp_path.glob("*.eml")).stem

    listing = client.get("/dev/mailbox/").content.decode()
    message = client.get(f"/dev/mailbox/{name}/").content.decode()

    assert "Hello" in listing and name in listing
    assert '<a href="http://127.0.0.1:8000/c/x/confirm/abc/"' in message
    assert client.get("/dev/mailbox/..%2F..%2Fetc%2Fpasswd/").status_code == 404


@pytest.mark.parametrize("debug", [False, True])
def test_dev_mailbox_is_routed_only_in_development(client, settings, debug):
    settings.DEBUG = debug
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        status = client.get("/dev/mailbox/").status_code
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()

    assert status == (200 if debug else 404)
