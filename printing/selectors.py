"""Reads for printing: which offices a batch writes to, and who may see which batches and groups."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from campaign.models import Campaign
from embassies.models import Office, OfficeKind
from embassies.selectors import records_in_country_scope

from .models import Batch, Group, Signer, SignerMode

KIND_RANK = {kind: rank for rank, kind in enumerate(OfficeKind.values)}


def office_sort_key(office: Office) -> tuple:
    """Embassy first, then consulates general, consulates and honorary consulates, by city."""
    return (KIND_RANK.get(office.kind, len(KIND_RANK)), office.city, office.name)


def batch_offices_resolve(*, campaign: Campaign, host_country: str, selected: list[Office] | None) -> list[Office]:
    """The offices a batch writes to: the selection, or every active office of the country, leaving out those
    without a postal address (their letters could not be delivered)."""
    if selected is None:
        selected = Office.objects.active().filter(sending_country=campaign.sending_country, host_country=host_country)
    return sorted((office for office in selected if office.has_postal_address), key=office_sort_key)


def batch_offices_and_signers(*, batch: Batch) -> tuple[list[Office], list[Signer]]:
    """What a batch's letters are built from: its offices in print order, and its signers in list order."""
    return sorted(batch.offices.all(), key=office_sort_key), list(batch.signers.all())


def batch_letters_per_office(*, batch: Batch) -> int:
    return batch.signers_count if batch.signer_mode == SignerMode.SIGNERS else batch.copies_per_office


def batches_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Batch]:
    """A group's members see their group's batches; organisers also those for offices in their countries."""
    batches = Batch.objects.select_related("campaign", "group", "template")
    if not user.is_authenticated:
        return batches.none()
    own_group = Q(group__in=Group.objects.filter(members=user))
    if user.has_perm("printing.view_batch"):
        in_scope = records_in_country_scope(Batch.objects.all(), user=user, country_path="host_country")
        return batches.filter(own_group | Q(pk__in=in_scope.values("pk")))
    return batches.filter(own_group)


def groups_usable_by(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Group]:
    """The groups a user may print for: their own, and for organisers the groups of their countries."""
    if not user.is_authenticated:
        return Group.objects.none()
    own = Q(pk__in=Group.objects.filter(members=user).values("pk"))
    if user.has_perm("printing.add_batch"):
        in_scope = records_in_country_scope(Group.objects.all(), user=user, country_path="country")
        return Group.objects.filter(own | Q(pk__in=in_scope.values("pk")))
    return Group.objects.filter(own)
