from django.db import migrations
from django.db.models import Case, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

# keywords.sorting.models.TARGET_GROUP_BITS as of this migration.
TARGET_GROUP_BITS = {
    "business_owner": 1 << 0,
    "student": 1 << 1,
    "family_with_children": 1 << 2,
    "new_in_country": 1 << 3,
    "young": 1 << 4,
    "older": 1 << 5,
    "disability": 1 << 6,
    "visitor": 1 << 7,
    "working": 1 << 8,
}


def copy_missing_profiles(apps, schema_editor):
    """Votes cast from now on carry their player's device class; those that do not yet
    (unfinished players', kiosk votes delivered after their play ended) get their
    player's profile as it stands: the device class, and the rest, which is empty until
    a player finishes. On PostgreSQL the vote cells' update trigger moves their counts."""
    SortVote = apps.get_model("keywords", "SortVote")
    SortParticipant = apps.get_model("keywords", "SortParticipant")
    SortParticipantTargetGroup = apps.get_model("keywords", "SortParticipantTargetGroup")
    player = SortParticipant.objects.filter(pk=OuterRef("participant_id"))
    bits = Case(
        *(When(group=group, then=Value(bit)) for group, bit in TARGET_GROUP_BITS.items()),
        default=Value(0),
    )
    mask = Subquery(
        SortParticipantTargetGroup.objects.filter(participant=OuterRef("participant_id"))
        .order_by()
        .values("participant")
        .annotate(mask=Sum(bits))
        .values("mask")
    )
    SortVote.objects.filter(device_class="").update(
        device_class=Subquery(player.values("device_class")[:1]),
        age_band=Subquery(player.values("age_band")[:1]),
        area=Subquery(player.values("area")[:1]),
        target_groups=Coalesce(mask, Value(0)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("keywords", "0018_sorting_vote_cells"),
    ]

    operations = [
        migrations.RunPython(copy_missing_profiles, migrations.RunPython.noop, elidable=True),
    ]
