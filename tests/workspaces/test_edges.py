"""Edges run one way: a page of one part never imports another part's pages (issue 13).

Domain functions live in services/permissions modules; views import those, never views.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "alliances"
PARTS = ["workspaces", "evaluation", "economics"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("part", PARTS)
def test_no_module_of_the_part_imports_another_parts_views(part):
    offending = []
    for path in (ROOT / part).rglob("*.py"):
        for module in _imports(path):
            pieces = module.split(".")
            if len(pieces) >= 3 and pieces[0] == "alliances" and pieces[2] == "views":
                if pieces[1] != part:
                    offending.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offending == []


def test_the_domain_functions_live_outside_views():
    from alliances.economics import services
    from alliances.workspaces import permissions

    assert callable(services.compute_for)
    assert callable(permissions.get_workspace_for)
