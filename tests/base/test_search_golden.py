"""The search answers what it answered before its refactoring (issue 13): same results, same
counts, same facets, same notices, on both databases.

`data/search_golden.<vendor>.json` (one per database: relevance is bm25 on SQLite and
ts_rank on PostgreSQL, so orders differ between them) were written by the executor of
revision a2166ef (before the declarative filter table and the three-step executor) from
1,500 synthetic alliances (generator seed 0) with every other alliance archived, through the
public API. This test
builds the same data inside its transaction and compares the API's answers to it. Results are
compared by slug (ids differ between databases).

To write the file again on purpose (a deliberate change of behaviour, said in the commit):
    ALLIANCES_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/base/test_search_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from alliances.base.models import Alliance
from alliances.base.search import index
from alliances.base.synthetic import generate

DATA = Path(__file__).with_name("data")
SIZE = 1500

# The benchmark's searches (bench/base_search.py), then broad and edge cases.
SEARCHES: list[dict[str, str]] = [
    {"q": "insertion", "domain": "emploi_insertion", "territory": "region:84"},
    {"q": "numérique", "profile": "association", "territory": "region:11"},
    {"q": "jardins partagés", "type": "mecenat", "territory": "region:75"},
    {"q": "mobilité solidaire", "domain": "mobilite", "kind": "alliance"},
    {"q": "santé", "profile": "entreprise", "territory": "region:76"},
    {"q": "transition écologique", "type": "cooperation_economique", "kind": "alliance"},
    {"q": "économie locale", "domain": "developpement_economique_local", "territory": "region:53"},
    {"q": "bénévolat", "profile": "fondation", "type": "innovation_societale"},
    {"q": "accès aux soins", "domain": "sante", "territory": "region:44"},
    {"q": "réussite éduc", "domain": "education", "profile": "collectivite"},
    {},
    {"sort": "title"},
    {"page": "3"},
    {"q": "alliance"},
    {"q": "insertion", "sort": "date"},
    {"q": "insertion", "sort": "title", "page": "2"},
    {"type": "mecenat", "profile": "entreprise"},
    {"domain": "education", "kind": "catalyst"},
    {"domain": "education", "domain_": "sante"},
    {"sdg": "17"},
    {"sdg": "3.8"},
    {"stage": "mise_en_oeuvre"},
    {"stage": "pilotage", "q": "insertion"},
    {"territory": "commune:75056"},
    {"territory": "commune:31555", "q": "santé"},
    {"territory": "epci:200054781"},
    {"territory": "region:76", "territory_": "region:84"},
    {"kind": "alliance", "kind_": "catalyst", "sort": "title", "page_size": "50"},
    {"organisation": "999999"},
    {"year_min": "2015", "year_max": "2018"},
    {"territory": "departement:25"},
    {"territory": "75"},
    {"territory": "pays:FR"},
    {"q": "zzzzqqq", "domain": "education"},
    {"q": "insertion", "domain": "inconnu", "territory": "region:99"},
    {"page": "9999"},
    {"light": "green"},
]


def _params(search: dict[str, str]) -> list[tuple[str, str]]:
    # "domain_" stands for a second value of the same parameter.
    return [(key.rstrip("_"), value) for key, value in search.items()]


def _answer(client, search: dict[str, str]) -> dict:
    response = client.get("/api/v1/alliances?" + urlencode(_params(search)))
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    out = {
        "count": data["count"],
        "page": data["page"],
        "last_page": data["last_page"],
        "results": [row["slug"] for row in data["results"]],
        "facets": {
            name: sorted((v["value"], v["count"]) for v in values)
            for name, values in data["facets"].items()
        },
        "notices": data["notices"],
        "suggestions": [(s["drop"], s["count"]) for s in data["suggestions"]],
    }
    if data.get("covering"):
        out["covering"] = data["covering"]["count"]
    return out


@pytest.fixture
def synthetic_base(db):
    Alliance.objects.filter(synthetic=False).update(status=Alliance.Status.ARCHIVED)
    generate(SIZE, seed=0)
    index.rebuild_index()


def test_the_search_answers_as_before(synthetic_base, client_en):
    golden = DATA / f"search_golden.{connection.vendor}.json"
    answers = {urlencode(_params(s)): _answer(client_en, s) for s in SEARCHES}
    if os.environ.get("ALLIANCES_WRITE_GOLDEN") == "1":
        golden.write_text(json.dumps(answers, ensure_ascii=False, indent=1, sort_keys=True))
    expected = json.loads(golden.read_text())
    assert sorted(answers) == sorted(expected)
    for key, answer in answers.items():
        assert json.loads(json.dumps(answer)) == expected[key], key
