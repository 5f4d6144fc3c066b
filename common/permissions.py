"""The Organisers group and its permissions.

Each app names what an organiser may do with its models in its AppConfig (`organiser_permissions`); after
every migrate, the one receiver below grants exactly those to the group. Which host countries an organiser
looks after is the directory's business (embassies.OrganiserScope).
"""

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission

ORGANISERS_GROUP = "Organisers"


def organiser_group_grant(*, app_label: str, codenames: list[str]) -> Group:
    """Give the Organisers group these permissions of one app."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*permissions)
    return group


def organiser_permissions_grant(sender: AppConfig, **kwargs) -> None:
    """post_migrate receiver: grant the permissions the migrated app lists for organisers."""
    codenames = getattr(sender, "organiser_permissions", None)
    if codenames:
        organiser_group_grant(app_label=sender.label, codenames=list(codenames))
