from importlib import import_module

from django.db import migrations

# The profile copy of the migration that put the profile on votes, with another filter.
copy_profiles = import_module("keywords.migrations.0016_sorting_votes_carry_profile").copy_profiles


def copy_missing_profiles(apps, schema_editor):
    """Votes cast from now on carry their player's device class; those that do not yet
    (unfinished players', kiosk votes delivered after their play ended) get their
    player's profile as it stands: the device class, and the rest, which is empty until
    a player finishes. On PostgreSQL the vote cells' update trigger moves their counts."""
    copy_profiles(apps, device_class="")


class Migration(migrations.Migration):
    dependencies = [
        ("keywords", "0018_sorting_vote_cells"),
    ]

    operations = [
        migrations.RunPython(copy_missing_profiles, migrations.RunPython.noop, elidable=True),
    ]
