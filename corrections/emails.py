"""The emails of corrections: the organisers' weekly digest, and the one answer to a reporter who asked for it.
Templates live in templates/corrections/emails/."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from anymail.message import AnymailMessage

from common.mail import mail_intent

from .models import OfficeReport, ReportStatus
from .selectors import Digest

DIGEST = mail_intent("corrections/emails/digest", tag="organiser-digest")
REPORT_ANSWER = mail_intent("corrections/emails/report_answer", tag="report-answer")


def site_link(path: str) -> str:
    """An absolute address on this site (SITE_URL), for links in emails."""
    return settings.SITE_URL.rstrip("/") + path


def digest_message_build(*, digest: Digest, to: str, week: str) -> AnymailMessage:
    # Organisers have no language of their own in the data; they get the site's default, like the bounce notice.
    return DIGEST.build(
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={
            "digest": digest,
            "week": week,
            "reports": [
                (report, site_link(reverse("admin:corrections_officereport_change", args=[report.pk])))
                for report in digest.open_reports
            ],
            "flagged": [
                (office, site_link(reverse("admin:embassies_office_change", args=[office.pk])))
                for office in digest.flagged_offices
            ],
            "unverified": [
                (office, site_link(reverse("admin:embassies_office_change", args=[office.pk])))
                for office in digest.unverified_offices
            ],
            "queue_url": site_link(reverse("admin:corrections_officereport_changelist") + "?status__exact=open"),
        },
    )


def report_answer_message_build(*, report: OfficeReport) -> AnymailMessage:
    language = report.language if report.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        directory = reverse("embassies:country_detail", args=[report.office.host_country.code.lower()])
    return REPORT_ANSWER.build(
        to=[report.reporter_email],
        from_email=settings.DEFAULT_FROM_EMAIL,
        language=language,
        context={
            "office": report.office,
            "accepted": report.status == ReportStatus.ACCEPTED,
            "directory_url": site_link(f"{directory}#office-{report.office_id}"),
        },
    )
