"""What the index stores of an alliance besides its own text (issue 16, item 5): what people
search for and an alliance's own words may not say.

- `places`: the name of its territory and of every territory holding it (EPCI, département
  with its number, région, and the former région of its département): "Lille" finds an
  alliance of Lille whose text only says "la métropole";
- `labels`: the French and English labels of its domains, partnership types, stage, and of
  its partners' profiles and sub-types ("youth", "Entreprise", "Skills-based volunteering");
- `results`: its results (the source's text and each figure's label) and the titles of its
  sources.

Read in a few queries per batch of alliances; no Django model instance is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from alliances.referentials.models import Term
from alliances.territories.models import Territory

from ..models import Alliance, Partner, Result, Source
from .places import FORMER_REGIONS


@dataclass
class Extra:
    places: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def former_region_of() -> dict[str, str]:
    """{département code: the name of its former région} (data/referentials)."""
    data = yaml.safe_load(FORMER_REGIONS.read_text(encoding="utf-8"))
    return {code: item["name"] for item in data["former_regions"] for code in item["departements"]}


def _territories(ids: set[int], using: str) -> dict[int, list[str]]:
    """{territory id: its name and the names of the territories holding it}."""
    rows = {
        r[0]: r
        for r in Territory.objects.using(using)
        .filter(pk__in_ids=ids)
        .values_list("id", "name", "level", "code", "epci_id", "departement_id", "region_id")
    }
    holders = {i for r in rows.values() for i in r[4:] if i and i not in rows}
    names = {
        pk: (name, level, code)
        for pk, name, level, code in Territory.objects.using(using)
        .filter(pk__in_ids=holders | set(rows))
        .values_list("id", "name", "level", "code")
    }
    out: dict[int, list[str]] = {}
    for pk, (_id, name, level, code, *held_by) in rows.items():
        texts = [name]
        for holder in held_by:
            if holder and holder != pk and holder in names:
                h_name, h_level, h_code = names[holder]
                texts.append(f"{h_name} {h_code}" if h_level == "departement" else h_name)
                if h_level == "departement" and h_code in former_region_of():
                    texts.append(former_region_of()[h_code])
        if level == "departement":
            texts.append(code)
            if code in former_region_of():
                texts.append(former_region_of()[code])
        out[pk] = list(dict.fromkeys(texts))
    return out


def _labels(term_ids: set[int], using: str) -> dict[int, str]:
    return {
        pk: " ".join(dict.fromkeys(x for x in (fr, en) if x))
        for pk, fr, en in Term.objects.using(using)
        .filter(pk__in=term_ids)
        .values_list("id", "label_fr", "label_en")
    }


def extras(rows: Sequence[tuple], using: str) -> dict[int, Extra]:
    """{alliance id: Extra} for rows (id, title, summary, description, kind, stage, territory,
    light, results_text) of the index's batches."""
    ids = [r[0] for r in rows]
    out = {pk: Extra() for pk in ids}
    places = _territories({r[6] for r in rows if r[6]}, using)
    terms: dict[int, set[int]] = {pk: set() for pk in ids}
    for row in rows:
        if row[6] in places:
            out[row[0]].places += places[row[6]]
        if row[5]:
            terms[row[0]].add(row[5])
        if len(row) > 8 and row[8]:
            out[row[0]].results.append(row[8])
    for field_name in ("domains", "partnership_types"):
        through = Alliance._meta.get_field(field_name).remote_field.through
        for pk, term_id in (
            through.objects.using(using)
            .filter(alliance_id__in_ids=ids)
            .values_list("alliance_id", "term_id")
        ):
            terms[pk].add(term_id)
    for pk, profile, subtype in (
        Partner.objects.using(using)
        .filter(alliance_id__in_ids=ids)
        .values_list("alliance_id", "organisation__profile_id", "organisation__subtype_id")
    ):
        terms[pk].update(t for t in (profile, subtype) if t)
    labels = _labels({t for s in terms.values() for t in s}, using)
    for pk, term_ids in terms.items():
        out[pk].labels += [labels[t] for t in sorted(term_ids) if t in labels]
    for pk, label in (
        Result.objects.using(using)
        .filter(alliance_id__in_ids=ids)
        .values_list("alliance_id", "label")
    ):
        out[pk].results.append(label)
    for pk, title in (
        Source.objects.using(using)
        .filter(alliance_id__in_ids=ids)
        .values_list("alliance_id", "title")
    ):
        if title:
            out[pk].results.append(title)
    return out
