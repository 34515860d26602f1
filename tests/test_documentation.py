"""Datasette's rule: a setting or an endpoint that is not documented fails the build."""

import re
from pathlib import Path

from alliances.api.v1 import api

ROOT = Path(__file__).resolve().parents[1]


def _docs_text() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "docs").rglob("*.md"))


def test_every_environment_variable_is_documented():
    # The settings and the process manager's configuration (gunicorn.conf.py) read them.
    settings_source = "\n".join(
        (ROOT / name).read_text() for name in ("alliances/settings.py", "gunicorn.conf.py")
    )
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


def test_every_search_parameter_and_facet_is_documented():
    from alliances.base.search.filters import table

    search_docs = (ROOT / "docs" / "base-search.md").read_text()
    params = [p for f in table().filters for p in f.params]
    missing = [p for p in [*params, *table().facet_names] if f"`{p}`" not in search_docs]
    assert missing == [], f"search parameters or facets not in docs/base-search.md: {missing}"


def test_the_architecture_page_names_files_that_exist():
    """docs/architecture.md guides the next engineer: every path it names must exist."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`([a-z_/]+/[a-z_0-9]+\.(?:py|md|html|toml))", text))
    assert len(named) > 15
    roots = [
        ROOT,
        ROOT / "alliances",
        ROOT / "alliances" / "base",
        ROOT / "alliances" / "base" / "search",
    ]
    roots += [ROOT / "alliances" / "sheets" / "templates"]
    missing = sorted(n for n in named if not any((root / n).exists() for root in roots))
    assert missing == [], f"docs/architecture.md names files that do not exist: {missing}"


def test_every_listing_parameter_and_facet_is_documented():
    """The search of needs and offers (ADR 0146): its parameters and facets, for people."""
    from alliances.partners.search import FILTERS

    partners_docs = (ROOT / "docs" / "partners.md").read_text()
    names = [n for f in FILTERS for n in (f.param, f.facet_name) if n] + ["q", "exact"]
    missing = [n for n in names if f"`{n}`" not in partners_docs]
    assert missing == [], f"listing parameters or facets not in docs/partners.md: {missing}"
