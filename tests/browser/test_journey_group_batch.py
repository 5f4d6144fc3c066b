"""A group member signs in at the printing login, creates a batch of letters for Czechia with three signers, waits for
its PDF, downloads it, and marks the batch printed, then posted. Chromium at 390 and 1280 px, JavaScript on and off."""

import io

from django.contrib.auth.models import User

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from campaign.models import ContactChannel, ContactEvent
from printing.models import Batch, BatchStatus, Group

pytestmark = [pytest.mark.browser]

PASSWORD = "pw-member-123456"
SIGNERS = ["Anna Dvořáková, Praha", "Łukasz Wróbel, Brno", "Jürgen Groß"]


@pytest.fixture
def member(site):
    user = User.objects.create_user("petra", password=PASSWORD)
    Group.objects.create(name="Brno stall", country="CZ", city="Brno").members.add(user)
    return user


def test_group_member_prints_a_batch_and_marks_it_posted(visit, site, member, campaign_sample, settings):
    settings.PRINT_BATCH_WORKERS = 1  # one layout process is enough for nine letters, and the machine is shared
    page = visit.page
    english = campaign_sample.templates.get(language="en")

    page.goto(site + "/en/print/batches/new/")
    expect(page.get_by_role("heading", name="Sign in to print batches")).to_be_visible()
    visit.look()
    page.get_by_label("Username").fill("petra")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="New print batch")).to_be_visible()
    page.get_by_role("combobox", name="Group").select_option(label="Brno stall")
    page.get_by_label("Campaign and letter language").select_option(value=str(english.pk))
    page.get_by_label("Country of the offices").select_option("CZ")
    page.get_by_label("A list of signers").check()
    page.get_by_label("Signers, one per line").fill("\n".join(SIGNERS))
    visit.look("batch-new")
    # Celery runs eagerly in tests: the batch is generated before this answer comes (the page would refresh itself
    # until it is). Layout runs in another process, which takes its time on a busy machine.
    page.get_by_role("button", name="Create the batch").click(timeout=90000)

    expect(page.get_by_role("heading", name="Print batch")).to_contain_text("Brno stall")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=30000)
    batch = Batch.objects.get()
    assert (batch.status, batch.letters_total) == (BatchStatus.GENERATED, 9)  # three signers, three offices
    visit.look("batch")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(pdf_page.extract_text() for pdf_page in pdf.pages)
    assert "Anna Dvořáková" in text and "Łukasz Wróbel" in text and "Jürgen Groß" in text
    assert "Honorary Consulate of Ukraine in Ostrava" in text

    page.get_by_role("button", name="Mark as printed").click()
    expect(page.get_by_text("Marked as printed.")).to_be_visible()
    assert Batch.objects.get().status == BatchStatus.PRINTED

    expect(page.get_by_label("Posted on")).not_to_have_value("")  # today, unless the member changes it
    page.get_by_role("button", name="Mark as posted").click()
    expect(page.get_by_text("Marked as posted")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF")).to_have_count(0)  # the files went with the names
    visit.look()
    assert Batch.objects.get().status == BatchStatus.POSTED
    posted = ContactEvent.objects.filter(campaign=campaign_sample, channel=ContactChannel.POST)
    assert sorted(posted.values_list("office__city", "quantity")) == [("Brno", 3), ("Ostrava", 3), ("Praha", 3)]
