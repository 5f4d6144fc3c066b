"""A database migrated before printing and tracking left campaign/ migrates cleanly after the move."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

import pytest

MOVED_APPS = ["printing", "tracking"]


@pytest.mark.django_db(transaction=True)
def test_the_last_migrations_before_the_move_still_lead_to_the_current_schema():
    # tracking 0003 was the last migration written while the app lived in campaign/tracking.
    call_command("migrate", "tracking", "0003", verbosity=0)
    call_command("migrate", verbosity=0)

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_moved_apps_keep_their_labels_and_migration_history():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for label in MOVED_APPS:
        names = sorted(name for app, name in loader.disk_migrations if app == label)
        assert names[0] == "0001_initial", label
    assert ("tracking", "0003_reply_attachment") in loader.disk_migrations
    assert ("printing", "0001_initial") in loader.disk_migrations
