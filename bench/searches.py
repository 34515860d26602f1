"""The searches the benchmarks of the base run, and their Datasette equivalents (no Django)."""

from __future__ import annotations

from urllib.parse import urlencode

# Text + 2 filters, words taken from the generator's French vocabulary.
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("insertion", {"domain": "emploi_insertion", "territory": "region:84"}),
    ("numérique", {"profile": "association", "territory": "region:11"}),
    ("jardins partagés", {"type": "mecenat", "territory": "region:75"}),
    ("mobilité solidaire", {"domain": "mobilite", "kind": "alliance"}),
    ("santé", {"profile": "entreprise", "territory": "region:76"}),
    ("transition écologique", {"type": "cooperation_economique", "kind": "alliance"}),
    ("économie locale", {"domain": "developpement_economique_local", "territory": "region:53"}),
    ("bénévolat", {"profile": "fondation", "type": "innovation_societale"}),
    ("accès aux soins", {"domain": "sante", "territory": "region:44"}),
    ("réussite éduc", {"domain": "education", "profile": "collectivite"}),
]
# Broad searches (issue 20): results that are most of the base.
BROAD: list[tuple[str, dict[str, str]]] = [
    ("", {}),  # no text, no filter
    ("partenaires", {}),  # a word found in every synthetic alliance's summary
    ("solidaire", {}),  # a common word alone
    ("", {"type": "mecenat", "profile": "association"}),  # two filters over 10 %
    ("", {"domain": "emploi_insertion", "kind": "alliance"}),
    ("", {"page": "5"}),  # a deep page of everything
    ("insertion", {"page": "5"}),
]

_ARRAY_COLUMNS = {"profile": "profiles", "type": "types", "domain": "domains"}


def query_of(text: str, filters: dict[str, str]) -> dict[str, str]:
    """The query string of the platform's search (API and page) for a search of the set."""
    return {**({"q": text} if text else {}), **filters}


def datasette_url(db_name: str, text: str, filters: dict[str, str]) -> str | None:
    """The same search on Datasette's table (bench/base_search.py exports it): first page of
    20 with the same facets. None when Datasette has no equivalent (a numbered page: it pages
    by keyset only)."""
    if "page" in filters:
        return None
    params: list[tuple[str, str]] = [("_size", "20")]
    if text:
        params.append(("_search", text))
    for name, value in filters.items():
        if name == "territory":
            params.append(("region", value.split(":", 1)[1]))
        elif name == "kind":
            params.append(("kind", value))
        else:
            params.append((f"{_ARRAY_COLUMNS[name]}__arraycontains", value))
    for facet in ("kind", "stage", "region"):
        params.append(("_facet", facet))
    for facet in ("profiles", "types", "domains", "sdg"):
        params.append(("_facet_array", facet))
    params.append(("_facet_size", "max"))
    return f"/{db_name}/alliances.json?" + urlencode(params)
