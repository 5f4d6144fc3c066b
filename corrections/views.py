"""The public "report a problem with this office" page. Thin: reads in selectors, writes in services."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.abuse import client_ip
from common.http import public_page
from embassies.models import Office

from .forms import FIELDS_FOR_KIND, OfficeReportForm
from .selectors import office_get_reportable
from .services.reports import ReportRateLimited, office_report_create


def _office_or_404(office_id: int) -> Office:
    office = office_get_reportable(office_id=office_id)
    if office is None:
        raise Http404(_("No such office."))
    return office


def _form_page(request: HttpRequest, *, office: Office, form: OfficeReportForm, status: int = 200) -> HttpResponse:
    return render(request, "corrections/report_form.html", {"office": office, "form": form}, status=status)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: HttpRequest, office_id: int) -> HttpResponse:
    office = _office_or_404(office_id)
    if request.method != "POST":
        return _form_page(request, office=office, form=OfficeReportForm(office=office))
    form = OfficeReportForm(request.POST, office=office)
    if not form.is_valid():
        return _form_page(request, office=office, form=form, status=400)
    data = form.cleaned_data
    kind = data["kind"]
    proposed = {name.removeprefix("proposed_"): data[name] for name in FIELDS_FOR_KIND[kind] if data[name]}
    try:
        office_report_create(
            office=office,
            kind=kind,
            details=data["details"],
            proposed=proposed,
            reporter_email=data["reporter_email"],
            language=translation.get_language() or "",
            client_ip=client_ip(request),
        )
    except ReportRateLimited:
        form.add_error(None, _("Many reports were sent from your network in the last hour. Please try later."))
        return _form_page(request, office=office, form=form, status=429)
    except ValidationError as refusal:
        form.add_error(None, refusal.messages[0])
        return _form_page(request, office=office, form=form, status=400)
    return redirect("corrections:office_report_sent", office_id=office.pk)


@public_page
@require_GET
def report_sent(request: HttpRequest, office_id: int) -> HttpResponse:
    return render(request, "corrections/report_sent.html", {"office": _office_or_404(office_id)})
