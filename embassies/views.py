"""Public directory pages. Thin: the reads live in selectors."""

from collections.abc import Iterable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from django_countries.fields import Country

from common.caching import public_cacheable
from common.http import public_page

from .directory_csv import offices_csv_write
from .models import Office
from .selectors import (
    country_code_known,
    country_office_counts,
    office_list_for_directory,
    office_list_public,
    sending_countries_present,
)


def sending_filter(request: HttpRequest) -> str | None:
    code = request.GET.get("sending", "").strip().upper()
    if code and not country_code_known(code=code):
        messages.warning(
            request, _("“%(code)s” is not a country code; showing every sending state.") % {"code": code[:10]}
        )
        return None
    return code or None


def host_country_or_404(cc: str) -> Country:
    if not country_code_known(code=cc):
        raise Http404(_("No such country."))
    return Country(cc.upper())


@public_page
@public_cacheable
@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    sending = sending_filter(request)
    return render(
        request,
        "embassies/country_list.html",
        {
            "country_counts": country_office_counts(sending_country=sending),
            "sending": sending,
            "sending_countries": sending_countries_present(),
        },
    )


@public_page
@public_cacheable
@require_GET
def country_detail(request: HttpRequest, cc: str) -> HttpResponse:
    country = host_country_or_404(cc)
    sending = sending_filter(request)
    offices = list(office_list_for_directory(host_country=country.code, sending_country=sending))
    return render(
        request,
        "embassies/country_detail.html",
        {"country": country, "offices": offices, "sending": sending, "sending_countries": sending_countries_present()},
    )


def csv_response(*, offices: Iterable[Office], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    offices_csv_write(offices=offices, stream=response)
    return response


@public_page
@require_GET
def directory_csv(request: HttpRequest) -> HttpResponse:
    return csv_response(offices=office_list_public(), filename="directory.csv")


@public_page
@require_GET
def country_csv(request: HttpRequest, cc: str) -> HttpResponse:
    country = host_country_or_404(cc)
    return csv_response(
        offices=office_list_public(host_country=country.code), filename=f"directory-{country.code.lower()}.csv"
    )
