"""Views reach objects only through their app's access helpers (visionportal/access.py,
consultations/access.py, keywords/access.py), so the 404-for-other-municipalities rule is
written once per kind of object and cannot be forgotten in a new view."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted(
    path
    for app in ("visionportal", "consultations", "keywords")
    for path in (ROOT / app).rglob("*.py")
    if "views" in path.parts or path.stem == "views"
)


def test_the_view_modules_are_found():
    assert len(VIEW_MODULES) >= 10


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_looks_an_object_up_itself(path):
    source = path.read_text()
    for lookup in ("get_object_or_404", "get_list_or_404", ".objects.get("):
        assert lookup not in source, f"{path.relative_to(ROOT)} uses {lookup}: use an access helper"
