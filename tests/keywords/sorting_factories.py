"""A published keyword list and a sorting round on it, for the sorting game's tests."""

import datetime

from django.utils import timezone

from keywords.models import ItemOrigin, KeywordList, KeywordListItem
from keywords.sorting.models import SortingRound, SortingRoundItem
from tests.conftest import running_phase
from tests.consultations.factories import open_consultation
from visionportal.models import PhaseKind


def published_list(process, labels, *, consultation=None, version=1):
    """A published list of `labels` (no keywords behind them, as councillors' additions)."""
    consultation = consultation or open_consultation(process)
    keyword_list = KeywordList.objects.create(consultation=consultation, version=version)
    KeywordListItem.objects.bulk_create(
        KeywordListItem(
            keyword_list=keyword_list, label=label, origin=ItemOrigin.CURATED, position=i
        )
        for i, label in enumerate(labels, start=1)
    )
    return keyword_list


def bare_round(keyword_list, *, opened=True, **fields):
    """A round stored directly (no service), open by its dates since yesterday."""
    now = timezone.now()
    fields.setdefault("title", "Sortera nyckelorden")
    fields.setdefault("opens_at", now - datetime.timedelta(days=1))
    fields.setdefault("closes_at", now + datetime.timedelta(days=30))
    round = SortingRound.objects.create(
        process=keyword_list.consultation.process,
        keyword_list=keyword_list,
        opened_at=now - datetime.timedelta(days=1) if opened else None,
        **fields,
    )
    SortingRoundItem.objects.bulk_create(
        SortingRoundItem(round=round, item=item) for item in keyword_list.items.all()
    )
    return round


def sorting_phase(process):
    return running_phase(process, PhaseKind.SORTING)
