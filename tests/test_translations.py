"""Every UI string in the code has a Swedish, Danish and Norwegian translation compiled in
the repository. Strings are extracted afresh (like `make messages`) so a new string that
nobody translated fails here, not in front of a resident."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["sv", "da", "nb"]


def _po_messages(path: Path) -> list[tuple[str | None, str, bool]]:
    """(context, msgid, is_plural) of every entry in a .po file, header excluded."""
    entries, current, field = [], {}, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if "msgid" in current:
                entries.append(current)
            current, field = ({}, None) if not line else (current, field)
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        field = keyword
        current[field] = ast.literal_eval(value)
    return [
        (entry.get("msgctxt"), entry["msgid"], "msgid_plural" in entry)
        for entry in entries
        if entry["msgid"]
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract like `make messages`, but in a copy of the code so the repository's own
    catalogs are never rewritten by a test run."""
    require_service(shutil.which("xgettext") is not None, "gettext (xgettext) is not installed")
    copy = tmp_path_factory.mktemp("project")
    skip = {".git", ".venv", "node_modules", "locale", "tests", "staticfiles", ".ci"}
    for item in ROOT.iterdir():
        if item.name in skip or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, copy / item.name)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--verbosity", "0"],
        cwd=copy,
        env={**os.environ, "DEBUG": "true"},
        check=True,
    )
    return _po_messages(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ui_string_is_translated_and_compiled(extracted, language):
    mo = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    missing = []
    for context, msgid, plural in extracted:
        key = f"{context}\x04{msgid}" if context else msgid
        translation = catalog.get((key, 0)) if plural else catalog.get(key)
        if not translation:
            missing.append(msgid)
    assert (None, "We are here", False) in extracted, "extraction missed known strings"
    assert missing == [], f"{len(missing)} untranslated in {language}: {missing[:10]}"
