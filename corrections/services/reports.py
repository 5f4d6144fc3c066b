"""Reports from visitors, and their review by the organisers of the office's country.

Accepting a report changes the office through the office admin's own form (embassies.admin.forms.OfficeAdminForm,
which runs the model's clean() and the checks of embassies.validation): a report can never put into the directory
what an organiser could not type in by hand. What the form refuses is written into the report, which stays open.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from django_countries.fields import Country

from common.abuse import rate_limit_hit
from common.mail import mail_send
from common.queueing import task_queue_on_commit
from embassies.admin.forms import OfficeAdminForm
from embassies.models import Office
from embassies.selectors import organiser_country_codes, records_in_country_scope
from embassies.services import office_email_flag

from ..emails import report_answer_message_build
from ..models import NOTE_MAX, DigestSent, OfficeReport, ReportKind, ReportStatus
from ..tasks import report_answer_send_task

logger = logging.getLogger(__name__)

SCOPE_PATH = "office__host_country"


class ReportRateLimited(Exception):
    """Too many reports from one address; the view answers 429."""


@dataclass
class ReviewOutcome:
    report: OfficeReport
    applied: bool
    errors: list[str] = field(default_factory=list)


def office_report_create(
    *,
    office: Office,
    kind: str,
    details: str,
    client_ip: str,
    proposed: dict[str, str] | None = None,
    reporter_email: str = "",
    language: str = "",
) -> OfficeReport:
    """Store a visitor's report for the organisers of the office's country. The address only counts the rate."""
    if rate_limit_hit(
        scope="office-report",
        key=client_ip,
        limit=settings.RATE_LIMIT_OFFICE_REPORTS_PER_IP,
        window_seconds=settings.RATE_LIMIT_WINDOW_SECONDS,
    ):
        raise ReportRateLimited
    report = OfficeReport(
        office=office, kind=kind, details=details, reporter_email=reporter_email, language=language[:10]
    )
    for name, value in (proposed or {}).items():
        setattr(report, f"proposed_{name}", value)
    report.full_clean()
    report.save()
    logger.info("office report created report_id=%s office_id=%s kind=%s", report.pk, office.pk, kind)
    return report


def _scope_check(*, report: OfficeReport, user: AbstractBaseUser) -> None:
    codes = organiser_country_codes(user=user)
    if codes is not None and str(report.office.host_country) not in codes:
        raise PermissionDenied(_("This record belongs to a country you do not look after."))


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Country):
        return value.code or ""
    return value


def office_form_data(*, office: Office, changes: dict[str, Any]) -> dict[str, Any]:
    """What the office admin's form would post for this office, with the report's changes typed in."""
    unbound = OfficeAdminForm(instance=office)
    data = {name: _form_value(unbound[name].value()) for name in unbound.fields if name != "numbers_reviewed"}
    data.update(changes)
    return data


def _note_join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)[:NOTE_MAX]


def _errors_describe(form: OfficeAdminForm) -> list[str]:
    described = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        described.extend(f"{label}: {message}" if label else str(message) for message in messages)
    return described


def office_report_accept(*, report: OfficeReport, user: AbstractBaseUser, note: str = "") -> ReviewOutcome:
    """Apply the report's change to its office, as the office admin's form would, and close the report.

    When the form refuses the change, nothing changes: the reasons go into the resolution note and the report
    stays open for the organiser to correct the proposed values or reject it.
    """
    _scope_check(report=report, user=user)
    with transaction.atomic():
        locked = OfficeReport.objects.select_for_update().select_related("office").get(pk=report.pk)
        if not locked.is_open:
            return ReviewOutcome(report=locked, applied=False, errors=[_("This report was already resolved.")])
        office = Office.objects.select_for_update().get(pk=locked.office_id)
        changes = locked.proposed_changes
        if changes:
            form_class = type(
                "ReportOfficeForm", (OfficeAdminForm,), {"scope_codes": organiser_country_codes(user=user)}
            )
            form = form_class(data=office_form_data(office=office, changes=changes), instance=office)
            if not form.is_valid():
                errors = _errors_describe(form)
                locked.resolution_note = _note_join(
                    note, _("Could not apply the change:"), *(f"- {error}" for error in errors)
                )
                locked.save(update_fields=["resolution_note"])
                logger.info("office report not applied report_id=%s errors=%s", locked.pk, len(errors))
                return ReviewOutcome(report=locked, applied=False, errors=errors)
            office = form.save()
        if locked.kind == ReportKind.EMAIL_BOUNCED and "email" not in changes:
            # With a new address the old one is gone, and the changed address is unverified until checked.
            office_email_flag(
                office=office, reason=_("Reported as bouncing by a visitor (report %(id)s).") % {"id": locked.pk}
            )
        _resolve(report=locked, user=user, status=ReportStatus.ACCEPTED, note=note)
    logger.info("office report accepted report_id=%s office_id=%s user_id=%s", locked.pk, office.pk, user.pk)
    return ReviewOutcome(report=locked, applied=True)


def office_report_reject(*, report: OfficeReport, user: AbstractBaseUser, note: str = "") -> ReviewOutcome:
    """Close the report without changing the office."""
    _scope_check(report=report, user=user)
    with transaction.atomic():
        locked = OfficeReport.objects.select_for_update().get(pk=report.pk)
        if not locked.is_open:
            return ReviewOutcome(report=locked, applied=False, errors=[_("This report was already resolved.")])
        _resolve(report=locked, user=user, status=ReportStatus.REJECTED, note=note)
    logger.info("office report rejected report_id=%s user_id=%s", locked.pk, user.pk)
    return ReviewOutcome(report=locked, applied=True)


def _resolve(*, report: OfficeReport, user: AbstractBaseUser, status: str, note: str) -> None:
    report.status, report.resolved_by, report.resolved_at = status, user, timezone.now()
    report.resolution_note = _note_join(note)
    report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    if report.reporter_email:
        task_queue_on_commit(report_answer_send_task, report.pk)


def report_answer_send(*, report_id: int) -> bool:
    """Tell the reporter, once, how their report was resolved, then forget their address. False when there is
    nobody to tell or it was done already. A failed send leaves the address for the next try until the purge."""
    with transaction.atomic():
        claimed = (
            OfficeReport.objects.filter(pk=report_id, answered_at__isnull=True)
            .exclude(status=ReportStatus.OPEN)
            .exclude(reporter_email="")
            .update(answered_at=timezone.now())
        )
    if not claimed:
        return False
    report = OfficeReport.objects.select_related("office").get(pk=report_id)
    try:
        mail_send(report_answer_message_build(report=report))
    except Exception:
        OfficeReport.objects.filter(pk=report_id).update(answered_at=None)
        raise
    OfficeReport.objects.filter(pk=report_id).update(reporter_email="")
    logger.info("office report answered report_id=%s", report_id)
    return True


def office_reports_review(
    *, reports: QuerySet[OfficeReport], user: AbstractBaseUser, accept: bool
) -> list[ReviewOutcome]:
    """Accept or reject several open reports, only those in the reviewer's countries, one at a time."""
    scoped = records_in_country_scope(reports, user=user, country_path=SCOPE_PATH).filter(status=ReportStatus.OPEN)
    review = office_report_accept if accept else office_report_reject
    return [review(report=report, user=user) for report in scoped.select_related("office")]


def report_contacts_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase reporters' emails some days after their report was resolved, and of any report open too long; and
    forget digests older than a few weeks."""
    now = now or timezone.now()
    resolved_before = now - datetime.timedelta(days=settings.RETENTION_REPORT_CONTACT_DAYS)
    created_before = now - datetime.timedelta(days=settings.RETENTION_REPORT_CONTACT_MAX_DAYS)
    expired = Q(resolved_at__lt=resolved_before) | Q(created_at__lt=created_before)
    erased = OfficeReport.objects.filter(expired).exclude(reporter_email="").update(reporter_email="")
    DigestSent.objects.filter(sent_at__lt=now - datetime.timedelta(days=60)).delete()
    return erased
