"""The apps' dependency rule (CONVENTIONS.md): visionportal <- consultations <- keywords, and
indicators depends on visionportal only. So consultations never imports keywords or
indicators, and indicators never imports consultations or keywords; what they share (such as
a proposed initiative) lives in the core. Read from the source with `ast`, so an import
inside a function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "consultations": {"keywords", "indicators"},
    "indicators": {"consultations", "keywords"},
}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every absolute import in `path`, including the string
    given to importlib.import_module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add((node.args[0].value.split(".")[0], node.lineno))
    return found


def test_the_reader_sees_imports_anywhere_in_a_module(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(
        "import os\n"
        "from . import sibling\n"
        "def f():\n"
        "    from indicators.models import Initiative\n"
        "    importlib.import_module('keywords.tasks')\n",
        encoding="utf-8",
    )
    assert imported_apps(path) == {("os", 1), ("indicators", 4), ("keywords", 5)}


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_only_what_the_dependency_rule_allows(app):
    root = Path(settings.BASE_DIR) / app
    files = sorted(root.rglob("*.py"))
    assert files, f"no Python files under {root}"
    offences = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} imports {package}"
        for path in files
        for package, line in sorted(imported_apps(path))
        if package in FORBIDDEN[app]
    ]
    assert not offences, "\n".join(offences)
