"""Views reach objects only through their app's access helpers (visionportal/access.py,
consultations/access.py, keywords/access.py, indicators' process_for_member), so the
404-for-other-municipalities rule is written once per kind of object and cannot be
forgotten in a new view.

A view may still look up a part of an object it already holds (a round's device, a
process's goal, a budget's district): such a lookup names that parent among its filters,
and the parent came through an access helper. What no view may do is look an object up
by its id alone, whatever its module is called (views.py, views/, views_*.py,
*_views.py)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("visionportal", "consultations", "keywords", "indicators")
VIEW_MODULES = sorted(
    path
    for app in APPS
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts and ("views" in path.parts or "views" in path.stem)
)

# The objects a lookup may be scoped by: each reached through an access helper first.
PARENTS = {"municipality", "process", "consultation", "round", "budget", "workshop"}
# get_object_or_404's and get_list_or_404's first argument is the model or queryset.
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_lookup(call: ast.Call) -> bool:
    if _name(call.func) in SHORTCUTS:
        return True
    # Model.objects.get(...): a manager's get (a queryset's .get after .filter is scoped by
    # that filter, and checked by the same rule on the filter's call below).
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
    )


def _scoped(call: ast.Call) -> bool:
    """The lookup names a parent among its filters, or looks in a parent's related
    manager (budget.districts)."""
    for keyword in call.keywords:
        if keyword.arg is None:  # **scope: a dict built from a parent in the same view
            return True
        if PARENTS & set(keyword.arg.split("__")):
            return True
    if _name(call.func) in SHORTCUTS and call.args:
        target = call.args[0]
        # A manager reached from an object (budget.districts), not Model.objects.
        if isinstance(target, ast.Attribute) and target.attr != "objects":
            return isinstance(target.value, ast.Name) and target.value.id in PARENTS
    return False


def _unscoped_lookups(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"line {node.lineno}: {ast.unparse(node)[:100]}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _is_lookup(node) and not _scoped(node)
    ]


def test_the_view_modules_of_every_app_are_found():
    found = {str(path.relative_to(ROOT)) for path in VIEW_MODULES}
    assert len(found) >= 30
    # One of each naming the project uses.
    assert {
        "keywords/curation/views.py",
        "consultations/views/staff.py",
        "consultations/budget/views_staff.py",
        "keywords/sorting/staff_views.py",
        "indicators/views/staff.py",
    } <= found


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_looks_an_object_up_by_its_id_alone(path):
    unscoped = _unscoped_lookups(path)
    assert not unscoped, (
        f"{path.relative_to(ROOT)} looks objects up without a parent from an access "
        f"helper (use one): {unscoped}"
    )


@pytest.mark.parametrize(
    "source, unscoped",
    [
        ("get_object_or_404(Goal, pk=goal_pk)", True),
        ("Round.objects.get(pk=pk)", True),
        ("get_object_or_404(Goal.objects.select_related('x'), pk=pk)", True),
        ("get_object_or_404(other.goals, pk=pk)", True),
        ("get_object_or_404(Goal, pk=goal_pk, process=process)", False),
        ("get_object_or_404(Indicator, pk=pk, goal__process=process)", False),
        ("District.objects.get(pk=identity.district_id, budget=budget)", False),
        ("get_object_or_404(budget.districts, pk=district_pk)", False),
        ("get_object_or_404(model, pk=item_pk, **scope)", False),
        ("Round.objects.filter(process=process).get(pk=pk)", False),
    ],
)
def test_the_rule_tells_a_scoped_lookup_from_an_unscoped_one(tmp_path, source, unscoped):
    module = tmp_path / "views.py"
    module.write_text(f"def view(request, pk):\n    return {source}\n")
    assert bool(_unscoped_lookups(module)) is unscoped
