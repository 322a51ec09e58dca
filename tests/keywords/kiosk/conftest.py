"""Fixtures of the kiosk, workplace-meeting and integrity tests: an open round with kiosks
and workplace meetings open, on a list whose labels include hostile text."""

import pytest

from keywords.sorting import kiosk
from keywords.sorting.models import DevicePlaceKind
from tests.keywords.sorting_factories import bare_round, published_list, sorting_phase

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LABELS = ["trygghet", "kollektivtrafik", "segregation", "konstgräs", "parker", XSS, "الحديقة"]


@pytest.fixture
def sorting_round(process):
    sorting_phase(process)
    return bare_round(
        published_list(process, LABELS), deck_size=4, kiosk_open=True, workplace_open=True
    )


@pytest.fixture
def device(sorting_round, staff):
    return kiosk.device_register(
        round=sorting_round,
        name="Stadsbiblioteket, entrén",
        place="Stadsbiblioteket",
        place_kind=DevicePlaceKind.LIBRARY,
        by=staff,
    )
