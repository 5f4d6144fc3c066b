"""Group batches print only letters that can be delivered, with the country line only on letters abroad."""

from django.core.exceptions import ValidationError

import pytest

from embassies.models import Office
from printing.batch_contents import batch_print_letters
from printing.models import Group, SignerMode
from printing.selectors import batch_offices_and_signers
from printing.services import batch_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return Group.objects.create(name="Antimilitarists Brno", country="CZ", city="Brno")


def _create(print_campaign, template, group, selected):
    return batch_create(
        campaign=print_campaign,
        template=template,
        group=group,
        host_country="CZ",
        selected_offices=selected,
        signer_mode=SignerMode.GROUP,
        signers=[],
    )


def test_a_whole_country_batch_leaves_out_offices_without_a_street_address(
    print_campaign, template, group, czech_offices
):
    Office.objects.filter(pk=czech_offices[2].pk).update(street_lines="")

    batch = _create(print_campaign, template, group, None)

    offices, _signers = batch_offices_and_signers(batch=batch)
    assert czech_offices[2] not in offices and len(offices) == 2


def test_choosing_an_office_without_a_street_address_is_refused_by_name(print_campaign, template, group, czech_offices):
    Office.objects.filter(pk=czech_offices[1].pk).update(street_lines="")
    czech_offices[1].refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        _create(print_campaign, template, group, czech_offices[:2])

    assert czech_offices[1].name in str(refused.value)


def test_a_czech_groups_letters_to_czech_offices_carry_no_country_line(print_campaign, template, group, czech_offices):
    batch = _create(print_campaign, template, group, czech_offices[:1])
    offices, signers = batch_offices_and_signers(batch=batch)

    letters = batch_print_letters(batch=batch, offices=offices, signers=signers, on_date=batch.created_at.date())
    group.country = "PL"
    abroad = batch_print_letters(batch=batch, offices=offices, signers=signers, on_date=batch.created_at.date())

    country = str(czech_offices[0].host_country.name).upper()
    assert country not in letters[0].recipient_lines
    assert abroad[0].recipient_lines[-1] == country
