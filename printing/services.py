"""Writes for printing: a supporter's PDF, and a group batch from creation to posting."""

import datetime
import io
import logging
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, ContactChannel, LetterTemplate
from campaign.rendering import letter_drafts_render
from campaign.services import contact_record, contacts_mark_once_a_day
from common.abuse import rate_limit_hit
from common.queueing import task_queue_on_commit
from common.spreadsheet import SpreadsheetSafeWriter
from embassies.models import Office

from .batch_contents import (
    batch_cover_build,
    batch_csv_rows,
    batch_labels_build,
    batch_print_letters,
    print_letters_from_drafts,
)
from .models import Batch, BatchStatus, Group, Signer, SignerMode
from .pdf.batch import batch_pdf_write
from .pdf.documents import letters_pdf_write
from .selectors import batch_letters_per_office, batch_offices_and_signers, batch_offices_resolve
from .signers import SignerRow
from .tasks import batch_generate_task

logger = logging.getLogger(__name__)

BATCH_LETTERS_MAX = 20000
# A batch claimed for generation longer ago than this is taken to have lost its worker.
GENERATION_STALE_AFTER = datetime.timedelta(hours=1)
# A batch task that has not started by then was lost with the broker: the sweep queues it again.
GENERATION_QUEUED_SWEEP_AFTER = datetime.timedelta(minutes=10)


def supporter_pdf_rate_limit_hit(*, client_ip: str) -> bool:
    """Supporter PDFs cost CPU to render: count one against the per-IP limit; True when over it."""
    return rate_limit_hit(
        scope="print-pdf",
        key=client_ip,
        limit=settings.RATE_LIMIT_PDFS_PER_IP,
        window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
    )


def supporter_letters_pdf(
    *,
    campaign: Campaign,
    template: LetterTemplate,
    offices: list[Office],
    name: str,
    city: str,
    subject: str,
    body: str,
    personal_paragraph: str,
    paper: str,
    client_ip: str,
    browser: str,
) -> bytes:
    """The supporter's letters as one PDF, one letter per office. Stores nothing about the supporter.

    A download is intent, not a letter sent: it is counted as such, once per office and browser a day however
    often or in whatever paper size the supporter downloads it again. Posting is counted when they say so
    (supporter_letters_posted_mark)."""
    drafts = letter_drafts_render(
        template=template,
        offices=offices,
        supporter_name=name,
        supporter_city=city,
        on_date=timezone.localdate(),
        subject=subject,
        body=body,
        personal_paragraph=personal_paragraph,
    )
    # Supporters write to the offices of the country they are in (the letter form is per host country).
    sender_country = offices[0].host_country.code if offices else ""
    letters = print_letters_from_drafts(
        drafts=drafts, sender_name=name, sender_city=city, sender_country=sender_country
    )
    output = io.BytesIO()
    letters_pdf_write(
        letters=letters, target=output, title=drafts[0][1].subject, language=template.language, paper=paper
    )
    with transaction.atomic():
        contacts_mark_once_a_day(
            campaign=campaign,
            offices=offices,
            channel=ContactChannel.PDF,
            client_ip=client_ip,
            browser=browser,
            per_ip_limit=None,  # supporter_pdf_rate_limit_hit already limits downloads
        )
    return output.getvalue()


def supporter_letters_posted_mark(
    *, campaign: Campaign, offices: list[Office], client_ip: str, browser: str
) -> list[Office]:
    """A supporter says they posted their printed letters: counted anonymously as letters posted, once per office
    and browser a day, within the per-address limit. Returns the offices counted now."""
    return contacts_mark_once_a_day(
        campaign=campaign,
        offices=offices,
        channel=ContactChannel.POST,
        client_ip=client_ip,
        browser=browser,
        per_ip_limit=settings.RATE_LIMIT_MARKS_PER_IP,
    )


def batch_create(
    *,
    campaign: Campaign,
    template: LetterTemplate,
    group: Group,
    host_country: str,
    selected_offices: list[Office] | None,
    signer_mode: str,
    signers: list[SignerRow],
    group_signature: str = "",
    copies_per_office: int = 1,
    sign_lines: int = 10,
    paper: str = "a4",
    created_by: AbstractBaseUser | None = None,
) -> Batch:
    """Create a batch and queue its PDF. selected_offices None means every active office of the country."""
    if template.campaign_id != campaign.pk:
        raise ValidationError(_("This letter belongs to another campaign."), code="template_campaign")
    undeliverable = [office.name for office in selected_offices or [] if not office.has_postal_address]
    if undeliverable:
        raise ValidationError(
            _("These offices have no postal address yet, so a printed letter would not arrive: %(offices)s."),
            code="no_postal_address",
            params={"offices": ", ".join(undeliverable)},
        )
    offices = batch_offices_resolve(campaign=campaign, host_country=host_country, selected=selected_offices)
    if not offices:
        raise ValidationError(_("There are no offices to write to in this country."), code="no_offices")
    if signer_mode == SignerMode.SIGNERS and not signers:
        raise ValidationError(_("Add at least one signer, or choose another kind of signature."), code="no_signers")
    per_office = len(signers) if signer_mode == SignerMode.SIGNERS else copies_per_office
    if per_office * len(offices) > BATCH_LETTERS_MAX:
        raise ValidationError(
            _("That makes %(count)d letters; a batch holds at most %(max)d. Split it into several batches."),
            code="too_many_letters",
            params={"count": per_office * len(offices), "max": BATCH_LETTERS_MAX},
        )
    with transaction.atomic():
        batch = Batch.objects.create(
            campaign=campaign,
            template=template,
            group=group,
            host_country=host_country,
            whole_country=selected_offices is None,
            signer_mode=signer_mode,
            group_signature=group_signature if signer_mode == SignerMode.GROUP else "",
            copies_per_office=copies_per_office,
            sign_lines=sign_lines,
            paper=paper,
            signers_count=len(signers) if signer_mode == SignerMode.SIGNERS else 0,
            letters_total=per_office * len(offices),
            created_by=created_by,
        )
        batch.offices.set(offices)
        if signer_mode == SignerMode.SIGNERS:
            Signer.objects.bulk_create(
                Signer(batch=batch, position=position, name=row.name, city=row.city)
                for position, row in enumerate(signers)
            )
        batch_generation_queue(batch=batch)
    return batch


def batch_generation_queue(*, batch: Batch) -> None:
    task_queue_on_commit(batch_generate_task, batch.pk)


def batches_generation_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the batches whose task never ran (the broker was down) or whose worker died mid-render."""
    now = now or timezone.now()
    stranded = Batch.objects.filter(signers_erased_at__isnull=True).filter(
        Q(status=BatchStatus.QUEUED, created_at__lt=now - GENERATION_QUEUED_SWEEP_AFTER)
        | Q(status=BatchStatus.GENERATING, generation_started_at__lt=now - GENERATION_STALE_AFTER)
    )
    batch_ids = list(stranded.values_list("pk", flat=True))
    for batch_id in batch_ids:
        task_queue_on_commit(batch_generate_task, batch_id)
    return len(batch_ids)


def batch_generation_claim(*, batch_id: int) -> bool:
    """Take the batch for generation. False when it is done, being generated, or erased."""
    now = timezone.now()
    claimable = Q(status__in=[BatchStatus.QUEUED, BatchStatus.FAILED]) | Q(
        status=BatchStatus.GENERATING, generation_started_at__lt=now - GENERATION_STALE_AFTER
    )
    return bool(
        Batch.objects.filter(claimable, pk=batch_id, signers_erased_at__isnull=True).update(
            status=BatchStatus.GENERATING, generation_started_at=now, letters_rendered=0, failure_reason=""
        )
    )


def batch_generate(*, batch_id: int) -> bool:
    """Render the batch's PDF and CSV. Safe to call twice: only the caller that claims it renders.
    False when there was nothing to do or rendering failed (the batch then says so)."""
    if not batch_generation_claim(batch_id=batch_id):
        return False
    batch = Batch.objects.select_related("campaign", "group", "template").get(pk=batch_id)
    try:
        offices, signers = batch_offices_and_signers(batch=batch)
        letters = batch_print_letters(batch=batch, offices=offices, signers=signers, on_date=timezone.localdate())
        with tempfile.TemporaryDirectory(prefix="print-batch-") as folder:
            pdf_path = Path(folder) / "batch.pdf"
            pages = batch_pdf_write(
                letters=letters,
                cover=batch_cover_build(batch=batch, offices=offices, letters=letters),
                labels=batch_labels_build(letters=letters),
                target=pdf_path,
                title=f"{batch.template.subject} – {batch.group.name}",
                language=batch.template.language,
                paper=batch.paper,
                on_letters_done=lambda done: Batch.objects.filter(pk=batch_id).update(letters_rendered=done),
            )
            csv_text = io.StringIO()
            SpreadsheetSafeWriter(csv_text).writerows(batch_csv_rows(batch=batch, letters=letters))
            _batch_files_delete(batch=batch)
            # The files hold signer names: an unguessable name, in case MEDIA_ROOT is ever served by mistake.
            stem = f"batch-{batch.pk}-{secrets.token_urlsafe(16)}"
            with pdf_path.open("rb") as pdf_file:
                batch.pdf.save(f"{stem}.pdf", File(pdf_file), save=False)
            batch.csv.save(f"{stem}.csv", ContentFile(csv_text.getvalue().encode("utf-8")), save=False)
    except Exception as error:
        # Recorded on the batch for the organisers (admin: "Generate the PDF again"); not raised, so an eager
        # task in development does not turn the member's request into a server error.
        logger.exception("Print batch %s failed", batch_id)
        Batch.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, failure_reason=str(error)[:300])
        return False
    batch.status = BatchStatus.GENERATED
    batch.pages = pages
    batch.letters_rendered = len(letters)
    batch.generated_at = timezone.now()
    batch.save(update_fields=["status", "pages", "letters_rendered", "generated_at", "pdf", "csv"])
    return True


def batch_mark_printed(*, batch: Batch) -> bool:
    changed = Batch.objects.filter(pk=batch.pk, status=BatchStatus.GENERATED).update(
        status=BatchStatus.PRINTED, printed_at=timezone.now()
    )
    batch.refresh_from_db()
    return bool(changed)


def batch_mark_posted(*, batch: Batch, posted_on: datetime.date) -> bool:
    """Count the letters as posted, per office, exactly once; then delete the signers and the files."""
    if posted_on > timezone.localdate():
        raise ValidationError(_("The posting date cannot be in the future."), code="future")
    with transaction.atomic():
        changed = Batch.objects.filter(pk=batch.pk, status__in=[BatchStatus.GENERATED, BatchStatus.PRINTED]).update(
            status=BatchStatus.POSTED, posted_on=posted_on
        )
        if not changed:
            batch.refresh_from_db()
            return False
        batch.refresh_from_db()
        per_office = batch_letters_per_office(batch=batch)
        occurred_at = timezone.make_aware(datetime.datetime.combine(posted_on, datetime.time(12)))
        for office in batch.offices.all():
            contact_record(
                campaign=batch.campaign,
                office=office,
                channel=ContactChannel.POST,
                quantity=per_office,
                occurred_at=occurred_at,
            )
        batch_personal_data_erase(batch=batch)
    return True


def batch_personal_data_erase(*, batch: Batch) -> None:
    """Signer names, and the files that print them, go; the counts stay on the batch."""
    batch.signers.all().delete()
    _batch_files_delete(batch=batch)
    Batch.objects.filter(pk=batch.pk).update(signers_erased_at=timezone.now(), pdf="", csv="")
    batch.refresh_from_db()


def batches_personal_data_expire(*, now: datetime.datetime | None = None) -> int:
    """Erase signer data of batches posted, or older than RETENTION_SIGNERS_DAYS. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_SIGNERS_DAYS)
    due = (
        Batch.objects.filter(signers_erased_at__isnull=True)
        .filter(Q(status=BatchStatus.POSTED) | Q(created_at__lt=cutoff))
        .exclude(status=BatchStatus.GENERATING, generation_started_at__gt=now - GENERATION_STALE_AFTER)
    )
    erased = 0
    for batch in due:
        batch_personal_data_erase(batch=batch)
        erased += 1
    return erased


def _batch_files_delete(*, batch: Batch) -> None:
    for field in (batch.pdf, batch.csv):
        if field:
            field.delete(save=False)
