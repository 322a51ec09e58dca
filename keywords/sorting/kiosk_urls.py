"""URLs of kiosks, workplace meetings and exclusions, added to keywords/urls.py in their own
block: staff pages under a round's workspace path, the kiosk's public pages at ``k/``."""

from django.urls import include, path

from . import views_kiosk as kiosk
from . import views_kiosk_staff as staff

_round = "<slug:municipality_slug>/processes/<int:pk>/sorting/<int:round_pk>/"

staff_patterns = [
    path(f"{_round}kiosks/", staff.sorting_devices, name="sorting_devices"),
    path(f"{_round}kiosks/new/", staff.sorting_device_new, name="sorting_device_new"),
    path(
        f"{_round}kiosks/<int:device_pk>/retire/",
        staff.sorting_device_retire,
        name="sorting_device_retire",
    ),
    path(f"{_round}meetings/", staff.sorting_meetings, name="sorting_meetings"),
    path(f"{_round}meetings/new/", staff.sorting_meeting_new, name="sorting_meeting_new"),
    path(f"{_round}meetings/<int:session_pk>/", staff.sorting_meeting, name="sorting_meeting"),
    path(
        f"{_round}meetings/<int:session_pk>/counts/",
        staff.sorting_meeting_counts,
        name="sorting_meeting_counts",
    ),
    path(
        f"{_round}meetings/<int:session_pk>/screen/",
        staff.sorting_meeting_screen,
        name="sorting_meeting_screen",
    ),
    path(f"{_round}review/", staff.sorting_integrity, name="sorting_integrity"),
    path(f"{_round}review/exclude/", staff.sorting_exclude, name="sorting_exclude"),
]

kiosk_patterns = [
    path("", kiosk.kiosk_home, name="kiosk_home"),
    path("start/", kiosk.kiosk_start, name="kiosk_start"),
    path("p/<str:play>/", kiosk.kiosk_card, name="kiosk_card"),
    path("p/<str:play>/vote/", kiosk.kiosk_vote, name="kiosk_vote"),
    path("p/<str:play>/undo/", kiosk.kiosk_undo, name="kiosk_undo"),
    path("decks/", kiosk.kiosk_decks, name="kiosk_decks"),
    path("batch/", kiosk.kiosk_batch, name="kiosk_batch"),
]
# One prefix for the lot: any other path fails it in one try.
public_patterns = [path("k/<str:token>/", include(kiosk_patterns))]
