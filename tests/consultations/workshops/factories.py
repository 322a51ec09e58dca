"""A Jevnaker-like workshop series for the workshop tests."""

import datetime

from django.utils import timezone

from consultations.workshops import services
from consultations.workshops.models import WorkshopStage


def make_series(process, **fields):
    fields.setdefault("title", "Framtidsverksted")
    fields.setdefault("description", "Tre kvelder: behov, tiltak, løsninger.")
    return services.series_create(process=process, **fields)


def make_workshop(series, *, capacity=30, days=7, stage=WorkshopStage.NEEDS, **fields):
    starts = timezone.now() + datetime.timedelta(days=days)
    fields.setdefault("title", "Kveld 1: Behov")
    fields.setdefault("place", "Jevnaker rådhus")
    return services.workshop_create(
        series=series,
        stage=stage,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=capacity,
        **fields,
    )
