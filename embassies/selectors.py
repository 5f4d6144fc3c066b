"""Reads for the directory. Keyword-only, typed, named <noun>_<verb>."""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from django_countries import countries
from django_countries.fields import Country

from .models import Office, OfficeImportJob, OfficeKind, OrganiserScope

# The order supporters read a country's offices in: embassy first, honorary consulates last.
KIND_RANK = [
    OfficeKind.EMBASSY,
    OfficeKind.MISSION,
    OfficeKind.CONSULATE_GENERAL,
    OfficeKind.CONSULATE,
    OfficeKind.HONORARY_CONSULATE,
]
KIND_ORDER = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_RANK)],
    default=Value(len(KIND_RANK)),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str  # in the active language
    office_count: int


def name_sort_key(name: str) -> str:
    """Alphabetical as readers expect it: Österreich among the O's, not after Z."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def country_code_known(*, code: str) -> bool:
    return bool(code) and code.upper() in dict(countries)


def office_list_for_country(*, host_country: str, sending_country: str | None = None) -> QuerySet[Office]:
    """Active offices in one host country, embassy first, then consulates general, consulates, honorary ones."""
    offices = Office.objects.active().filter(host_country=host_country.upper())
    if sending_country:
        offices = offices.filter(sending_country=sending_country.upper())
    return offices.order_by(KIND_ORDER, "city", "name", "pk")


def office_list_for_directory(*, host_country: str, sending_country: str | None = None) -> QuerySet[Office]:
    """A country's offices as the directory shows them, with their opening hours in one more query."""
    return office_list_for_country(host_country=host_country, sending_country=sending_country).prefetch_related("hours")


def office_list_public(*, host_country: str | None = None) -> QuerySet[Office]:
    """The public directory (all host countries, or one), in reading order."""
    offices = Office.objects.active()
    if host_country:
        offices = offices.filter(host_country=host_country.upper())
    return offices.order_by("host_country", KIND_ORDER, "city", "name", "pk")


def country_office_counts(*, sending_country: str | None = None) -> list[CountryCount]:
    """Host countries with their number of active offices, sorted by the country's name in the active language."""
    offices = Office.objects.active()
    if sending_country:
        offices = offices.filter(sending_country=sending_country.upper())
    rows = offices.values("host_country").annotate(office_count=Count("pk")).order_by()
    counts = [
        CountryCount(
            code=str(row["host_country"]), name=str(Country(row["host_country"]).name), office_count=row["office_count"]
        )
        for row in rows
    ]
    return sorted(counts, key=lambda count: name_sort_key(count.name))


def sending_countries_present() -> list[Country]:
    codes = Office.objects.active().values_list("sending_country", flat=True).distinct().order_by()
    return sorted((Country(code) for code in codes), key=lambda country: name_sort_key(str(country.name)))


def organiser_country_codes(*, user: AbstractBaseUser | AnonymousUser) -> list[str] | None:
    """The host countries a user may manage; None means all of them (superusers)."""
    if user.is_superuser:
        return None
    scope = OrganiserScope.objects.filter(user=user).first()
    return scope.country_codes if scope else []


def records_in_country_scope(
    queryset: QuerySet, *, user: AbstractBaseUser | AnonymousUser, country_path: str
) -> QuerySet:
    """The one scope rule: the records whose host country (reached through `country_path`) the user looks after.

    Every admin and every organiser page narrows its records through here; a record without a host country
    (say, a reply that matched no letter) is in nobody's scope but a superuser's.
    """
    codes = organiser_country_codes(user=user)
    return queryset if codes is None else queryset.filter(**{f"{country_path}__in": codes})


def office_queryset_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Office]:
    return records_in_country_scope(Office.objects.all(), user=user, country_path="host_country")


def organiser_emails_for_country(*, host_country: str) -> list[str]:
    """The addresses of the active organisers who look after this host country."""
    scopes = OrganiserScope.objects.filter(user__is_active=True, user__is_staff=True).exclude(user__email="")
    return sorted(
        {scope.user.email for scope in scopes.select_related("user") if host_country.upper() in scope.country_codes}
    )


def office_import_jobs_visible(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[OfficeImportJob]:
    """An organiser's own import jobs; a superuser's view of everyone's."""
    jobs = OfficeImportJob.objects.all()
    return jobs if user.is_superuser else jobs.filter(user_id=user.pk)
