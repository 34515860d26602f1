"""Datasette's rule: a setting or an endpoint that is not documented fails the build."""

import re
from pathlib import Path

from alliances.api.v1 import api

ROOT = Path(__file__).resolve().parents[1]


def _docs_text() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "docs").rglob("*.md"))


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "alliances" / "settings.py").read_text()
    names = set(re.findall(r"""environ(?:\.get)?\(\s*["']([A-Z_]+)["']""", settings_source))
    names |= set(re.findall(r"""environ\[["']([A-Z_]+)["']\]""", settings_source))
    names |= set(re.findall(r"""env_flag\(\s*["']([A-Z_]+)["']""", settings_source))
    assert names, "no environment variable found: the pattern is wrong"
    operators = (ROOT / "docs" / "operators.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in operators)
    assert missing == [], f"settings not documented in docs/operators.md: {missing}"


def test_every_api_path_is_documented():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    docs = _docs_text()
    missing = sorted(path for path in schema["paths"] if path not in docs)
    assert missing == [], f"API paths not documented in docs/: {missing}"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make serve" in readme and "make test" in readme
