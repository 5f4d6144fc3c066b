"""A letter as the PDF a fax machine prints: the same layout as the supporter's printed letter."""

import io

from django.utils import timezone

from campaign.emails import letter_rendered
from campaign.models import Letter
from printing.batch_contents import print_letters_from_drafts
from printing.pdf.documents import letters_pdf_write

FAX_PAPER = "a4"


def letter_fax_pdf(*, letter: Letter) -> bytes:
    rendered = letter_rendered(letter, closing=letter.template_closing or "")
    submission = letter.submission
    printed = print_letters_from_drafts(
        drafts=[(letter.office, rendered)],
        sender_name=submission.name,
        sender_city=submission.city,
        sender_country=letter.office.host_country.code,
    )
    output = io.BytesIO()
    letters_pdf_write(
        letters=printed, target=output, title=rendered.subject, language=submission.language, paper=FAX_PAPER
    )
    return output.getvalue()


def fax_filename(*, letter: Letter) -> str:
    return f"letter-{timezone.localdate(letter.created_at).isoformat()}.pdf"
