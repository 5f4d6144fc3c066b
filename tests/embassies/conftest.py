from django.contrib.auth.models import Group

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set


@pytest.fixture
def organiser(django_user_model):
    """A staff member in the Organisers group who looks after Czechia and Slovakia."""
    user = django_user_model.objects.create_user(username="olena", password="pw-olena-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=["cz", "SK"])
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client
