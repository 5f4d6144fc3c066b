"""Group batches: signer modes, the generated PDF and CSV, status changes, post counts and retention."""

import csv
import datetime
import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest
from pypdf import PdfReader

from campaign.models import ContactChannel, ContactEvent
from printing.batch_contents import batch_cover_build, batch_labels_build, batch_print_letters
from printing.models import Batch, BatchStatus, Group, Signer, SignerMode
from printing.pdf.documents import document_html, letters_pdf_write, pdf_engine
from printing.selectors import batch_offices_and_signers
from printing.services import (
    batch_create,
    batch_generate,
    batch_mark_posted,
    batch_mark_printed,
    batches_generation_sweep,
    batches_personal_data_expire,
)
from printing.signers import SignerRow

from .conftest import pdf_pages_text

THREE_SIGNERS = [SignerRow("Anna Dvořáková", "Praha"), SignerRow("Łukasz Wróbel", "Brno"), SignerRow("Jürgen Groß", "")]


@pytest.fixture
def group(db):
    return Group.objects.create(name="Antimilitarists Brno", country="CZ", city="Brno", contact="stall@example.org")


@pytest.fixture
def make_batch(print_campaign, template, group, czech_offices, django_capture_on_commit_callbacks):
    def build(*, mode=SignerMode.SIGNERS, signers=THREE_SIGNERS, **options):
        with django_capture_on_commit_callbacks(execute=True):
            batch = batch_create(
                campaign=print_campaign,
                template=template,
                group=group,
                host_country="CZ",
                selected_offices=options.pop("selected_offices", None),
                signer_mode=mode,
                signers=signers if mode == SignerMode.SIGNERS else [],
                **options,
            )
        batch.refresh_from_db()
        return batch

    return build


def batch_pages(batch) -> list[str]:
    with batch.pdf.open("rb") as pdf_file:
        return pdf_pages_text(pdf_file.read())


def test_signer_list_gives_one_letter_per_signer_per_office_rendered_by_the_task(make_batch, czech_offices):
    batch = make_batch()

    assert batch.status == BatchStatus.GENERATED  # the Celery task ran (eager) after commit
    assert batch.letters_total == batch.letters_rendered == 9
    pages = batch_pages(batch)
    assert batch.pages == len(pages) == 1 + 9 + 1  # cover, one page per letter, one label sheet
    letters = pages[1:10]
    for number, office in enumerate(czech_offices):
        for signer_number, signer in enumerate(THREE_SIGNERS):
            page = letters[number * 3 + signer_number]
            assert office.name in page and office.postal_address_lines[0] in page
            assert signer.name in page
    assert "Dear Ambassador," in letters[0] and "Dear Consul," in letters[3] and "Dear Honorary Consul," in letters[6]
    cover = pages[0]
    assert "Antimilitarists Brno" in cover and "9" in cover
    assert all(signer.name not in cover for signer in THREE_SIGNERS)
    assert pages[-1].count("Consulate of Ukraine in Brno") == 3  # one label per letter


def test_group_signature_mode_signs_with_the_group(make_batch, czech_offices):
    batch = make_batch(mode=SignerMode.GROUP, group_signature="Antimilitarist stall, Brno", copies_per_office=2)

    pages = batch_pages(batch)
    assert batch.letters_total == 6 and len(pages) == 1 + 6 + 1
    assert all("Antimilitarist stall, Brno" in page for page in pages[1:7])
    assert not Signer.objects.exists()


def test_hand_signing_mode_prints_empty_numbered_lines(make_batch, czech_offices):
    batch = make_batch(mode=SignerMode.HAND, sign_lines=6)

    pages = batch_pages(batch)
    assert batch.letters_total == 3
    letter_text = "\n".join(pages[1:-1])
    assert letter_text.count("Signature") == 3  # one table head per letter
    for number in range(1, 7):
        assert letter_text.count(f"\n{number}\n") == 3, number  # the numbered lines of each letter
    assert "\n7\n" not in letter_text
    assert "Anna" not in letter_text


def test_csv_lists_offices_signers_and_counts_without_emails(make_batch, czech_offices):
    batch = make_batch()

    with batch.csv.open("rb") as csv_file:
        rows = list(csv.reader(io.StringIO(csv_file.read().decode("utf-8"))))
    assert rows[0] == ["Office", "Address", "Signer", "Letters"]
    assert len(rows) == 1 + 9
    assert rows[1][0] == "Embassy of Ukraine in the Czech Republic" and rows[1][2] == "Anna Dvořáková"
    assert "Charlese de Gaulla 29" in rows[1][1]
    assert sum(int(row[3]) for row in rows[1:]) == 9
    assert "@" not in "".join("".join(row) for row in rows)


def test_csv_neutralises_spreadsheet_formulas_in_signer_names(make_batch, czech_offices):
    batch = make_batch(signers=[SignerRow('=HYPERLINK("http://evil.example","x")', ""), SignerRow("@SUM(1)", "")])

    with batch.csv.open("rb") as csv_file:
        signers = {row[2] for row in csv.reader(io.StringIO(csv_file.read().decode("utf-8")))}
    assert signers == {"Signer", '\'=HYPERLINK("http://evil.example","x")', "'@SUM(1)"}


def test_selection_of_offices_limits_the_batch(make_batch, print_offices):
    batch = make_batch(selected_offices=[print_offices["consulate"]])

    assert batch.letters_total == 3 and not batch.whole_country
    assert all("Consulate of Ukraine in Brno" in page for page in batch_pages(batch)[1:4])


def test_whole_country_leaves_out_other_countries_and_closed_offices(make_batch, print_offices):
    print_offices["honorary"].active = False
    print_offices["honorary"].save()

    batch = make_batch()

    assert set(batch.offices.all()) == {print_offices["embassy"], print_offices["consulate"]}
    assert batch.letters_total == 6


def test_a_signer_list_mode_without_signers_is_refused(make_batch):
    with pytest.raises(ValidationError):
        make_batch(signers=[])


def test_status_goes_generated_printed_posted_and_counts_post_contacts_once(make_batch, czech_offices):
    batch = make_batch()
    posted_on = timezone.localdate() - datetime.timedelta(days=1)

    assert batch_mark_printed(batch=batch) and batch.status == BatchStatus.PRINTED
    assert not batch_mark_printed(batch=batch)
    assert batch_mark_posted(batch=batch, posted_on=posted_on)
    assert not batch_mark_posted(batch=batch, posted_on=posted_on)  # a second click counts nothing

    assert batch.status == BatchStatus.POSTED and batch.posted_on == posted_on
    events = ContactEvent.objects.filter(channel=ContactChannel.POST)
    assert {(event.office_id, event.quantity) for event in events} == {(office.pk, 3) for office in czech_offices}
    assert all(timezone.localtime(event.occurred_at).date() == posted_on for event in events)


def test_posting_a_batch_straight_from_generated_works_and_future_dates_are_refused(make_batch):
    batch = make_batch(mode=SignerMode.GROUP, copies_per_office=4)

    with pytest.raises(ValidationError):
        batch_mark_posted(batch=batch, posted_on=timezone.localdate() + datetime.timedelta(days=1))
    assert batch_mark_posted(batch=batch, posted_on=timezone.localdate())
    assert sum(ContactEvent.objects.filter(channel=ContactChannel.POST).values_list("quantity", flat=True)) == 12


def test_posting_deletes_signers_and_files_but_keeps_counts(make_batch):
    batch = make_batch()
    pdf_path = batch.pdf.path

    batch_mark_posted(batch=batch, posted_on=timezone.localdate())

    batch.refresh_from_db()
    assert not Signer.objects.filter(batch=batch).exists()
    assert not batch.pdf and not batch.csv and batch.signers_erased_at is not None
    assert not Path(pdf_path).exists()
    assert (batch.signers_count, batch.letters_total) == (3, 9)


def test_signers_expire_after_the_retention_period(make_batch, settings):
    settings.RETENTION_SIGNERS_DAYS = 30
    old, recent = make_batch(), make_batch()
    Batch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))

    assert batches_personal_data_expire() == 1

    assert not Signer.objects.filter(batch=old).exists()
    assert Signer.objects.filter(batch=recent).count() == 3
    old.refresh_from_db()
    assert old.signers_count == 3 and old.letters_total == 9 and not old.pdf
    assert not batch_generate(batch_id=old.pk)  # erased batches are never rendered again
    assert batches_personal_data_expire() == 0


def test_generation_is_idempotent(make_batch):
    batch = make_batch()
    generated_at = batch.generated_at

    assert not batch_generate(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.generated_at == generated_at and batch.status == BatchStatus.GENERATED


def test_batch_renderer_output_equals_the_naive_single_document(make_batch):
    batch = make_batch()
    offices, signers = batch_offices_and_signers(batch=batch)
    letters = batch_print_letters(batch=batch, offices=offices, signers=signers, on_date=timezone.localdate())
    naive = io.BytesIO()
    pdf_engine().write(
        html=document_html(
            title="t",
            language="en",
            paper="a4",
            letters=letters,
            cover=batch_cover_build(batch=batch, offices=offices, letters=letters),
            labels=batch_labels_build(letters=letters),
        ),
        target=naive,
        tagged=False,
    )

    assert batch_pages(batch) == pdf_pages_text(naive.getvalue())


def test_without_a_group_city_each_letter_prints_the_place_line_of_its_single_letter(make_batch, group, czech_offices):
    """The place line falls back to the signer's city; the batch's shared page must not lose it."""
    group.city = ""
    group.save()
    batch = make_batch(selected_offices=[czech_offices[1]])
    offices, signers = batch_offices_and_signers(batch=batch)
    letters = batch_print_letters(batch=batch, offices=offices, signers=signers, on_date=timezone.localdate())
    singles = []
    for letter in letters:  # as supporter_letters_pdf renders a supporter's letter
        single = io.BytesIO()
        letters_pdf_write(letters=[letter], target=single, title="t", language="en", paper=batch.paper)
        singles.extend(pdf_pages_text(single.getvalue()))

    pages = batch_pages(batch)

    assert singles[0] in pages, "the batch's first letter differs from its single letter"
    start = pages.index(singles[0])
    assert pages[start : start + len(singles)] == singles
    date = letters[0].letter.date
    assert [f"Praha, {date}" in singles[0], f"Brno, {date}" in singles[1]] == [True, True]
    assert f", {date}" not in singles[2]  # Jürgen gave no city: the date alone, as in his single letter


def test_a_failed_generation_is_recorded_and_can_run_again(make_batch, settings):
    settings.PRINT_BATCH_WORKERS = 1
    batch = make_batch(mode=SignerMode.GROUP)
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    settings.STATICFILES_DIRS = []  # the stylesheet cannot be found

    assert not batch_generate(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "print.css" in batch.failure_reason

    settings.STATICFILES_DIRS = [settings.BASE_DIR / "static"]
    assert batch_generate(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.GENERATED


def test_a_batch_whose_task_was_lost_or_whose_worker_died_is_swept_and_generated(
    make_batch, django_capture_on_commit_callbacks
):
    lost = make_batch(mode=SignerMode.GROUP)
    died = make_batch(mode=SignerMode.GROUP)
    fresh = make_batch(mode=SignerMode.GROUP)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    Batch.objects.filter(pk=lost.pk).update(status=BatchStatus.QUEUED, created_at=long_ago, pdf="")
    Batch.objects.filter(pk=died.pk).update(status=BatchStatus.GENERATING, generation_started_at=long_ago, pdf="")
    Batch.objects.filter(pk=fresh.pk).update(status=BatchStatus.QUEUED, pdf="")  # its task may be on its way

    with django_capture_on_commit_callbacks(execute=True):
        assert batches_generation_sweep() == 2

    statuses = dict(Batch.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == statuses[died.pk] == BatchStatus.GENERATED
    assert statuses[fresh.pk] == BatchStatus.QUEUED
    assert Batch.objects.get(pk=lost.pk).pdf


def test_files_holding_signer_names_get_unguessable_names(make_batch):
    batch = make_batch()

    for field in (batch.pdf, batch.csv):
        stem = field.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        assert stem.startswith(f"batch-{batch.pk}-")
        assert len(stem) >= len(f"batch-{batch.pk}-") + 16


def test_batch_pdf_carries_title_and_language(make_batch, template):
    batch = make_batch(paper="letter")

    with batch.pdf.open("rb") as pdf_file:
        reader = PdfReader(io.BytesIO(pdf_file.read()))
    assert reader.metadata.title == f"{template.subject} – Antimilitarists Brno"
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    width, height = (float(value) for value in reader.pages[1].mediabox[2:])
    assert (round(width / 72, 1), round(height / 72, 1)) == (8.5, 11.0)
