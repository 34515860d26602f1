"""Fitness tests of the architecture (ADR 0100).

- The dependencies between the parts follow the contracts written as data in
  pyproject.toml ([tool.importlinter]): layers from the pages down to `common`, nothing
  reads the sheets, views are only imported by URL configurations, the search index's
  internals stay in the base, no cycle inside a part. Known violations are listed there,
  each with its issue; a fixed one must be deleted from the list.
- No function is more complex than radon's cyclomatic complexity 25; the functions above it
  today are listed below, and the list may only shrink.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_COMPLEXITY = 25

# Functions above MAX_COMPLEXITY when this test was written, with their complexity, each
# being split into named steps under issue 13. The list may only shrink: a function that is
# not here may not pass 25, and one that changed must have its line updated or removed.
KNOWN_COMPLEX = {
    ("alliances/maps/choropleth.py", "choropleth"): 70,
    ("alliances/base/importing/importer.py", "Validator.clean_row"): 40,
    ("alliances/observatory/importer.py", "check_rows"): 35,
    ("alliances/observatory/loader.py", "load"): 31,
    ("alliances/observatory/loader.py", "_load_studies"): 28,
}


def test_imports_follow_the_contracts_of_pyproject(capsys):
    from importlinter.application.use_cases import lint_imports
    from importlinter.configuration import configure

    configure()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, (
        "An import breaks the dependency contracts of pyproject.toml "
        "([tool.importlinter], ADR 0100), or a known violation listed there was fixed and "
        "its ignore line must now be deleted:\n" + report
    )


def _complexities() -> dict[tuple[str, str], int]:
    from radon.complexity import cc_visit
    from radon.visitors import Class

    found: dict[tuple[str, str], int] = {}
    for path in sorted((ROOT / "alliances").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for block in cc_visit(path.read_text(encoding="utf-8")):
            functions = block.methods if isinstance(block, Class) else [block]
            for function in functions:
                found[(relative, function.fullname)] = function.complexity
    return found


@pytest.fixture(scope="module")
def complexities() -> dict[tuple[str, str], int]:
    return _complexities()


def test_no_new_function_above_the_complexity_limit(complexities):
    new = {
        f"{path}:{name} ({value})"
        for (path, name), value in complexities.items()
        if value > MAX_COMPLEXITY and (path, name) not in KNOWN_COMPLEX
    }
    assert not new, (
        f"Above radon cyclomatic complexity {MAX_COMPLEXITY}: split into named steps "
        f"(check with `.venv/bin/radon cc -s -n D alliances/`): {sorted(new)}"
    )


def test_the_list_of_complex_functions_only_shrinks(complexities):
    stale = []
    for (path, name), listed in KNOWN_COMPLEX.items():
        value = complexities.get((path, name))
        if value is None:
            stale.append(f"{path}:{name} is gone: remove it from KNOWN_COMPLEX")
        elif value <= MAX_COMPLEXITY:
            stale.append(f"{path}:{name} is now {value}: remove it from KNOWN_COMPLEX")
        elif value > listed:
            stale.append(f"{path}:{name} grew from {listed} to {value}: split it instead")
        elif value < listed:
            stale.append(f"{path}:{name} went down to {value}: write {value} in KNOWN_COMPLEX")
    assert not stale, stale
