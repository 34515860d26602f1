"""The reference rows a search labels its facets, chips and results with: the terms of the
taxonomies, the SDG goals and the régions, read once per process and index version.

Every search read them again from the database: one query per facet for its labels, one for
the terms of each filter in use, one for the terms of each page of results (about a fifth of
a narrow text search, issue 13). They are small (a few hundred rows) and change only with
the reference data; they are kept under the index version (`versions.per_index_version`), read
at each request, and a change to a term or a goal draws a new version (`signals`), so another
server sees it at its next request. Labels are picked in the request's language when they
are read (`label`), never stored translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliances.common.i18n import current_language
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal
from alliances.territories.models import Territory

from .versions import per_index_version


@dataclass(frozen=True)
class TermRow:
    """What the search reads of a term (never a model instance: it is shared)."""

    pk: int
    taxonomy: str
    key: str
    label_fr: str
    label_en: str
    parent_id: int | None

    @property
    def label(self) -> str:
        return self.label_en if self.label_en and current_language() == "en" else self.label_fr


@dataclass(frozen=True)
class Terms:
    by_id: dict[int, TermRow]
    by_key: dict[tuple[str, str], TermRow]  # (taxonomy key, term key)


def terms(using: str) -> Terms:
    """Every term of every taxonomy, by id and by (taxonomy, key)."""

    def read() -> Terms:
        rows = [
            TermRow(*row)
            for row in Term.objects.using(using)
            .order_by()
            .values_list("id", "taxonomy__key", "key", "label_fr", "label_en", "parent_id")
        ]
        return Terms({r.pk: r for r in rows}, {(r.taxonomy, r.key): r for r in rows})

    return per_index_version("reference-terms", read, using)


def goals(using: str) -> dict[int, tuple[int, str, str]]:
    """{goal id: (number, short French label, short English label)}."""

    def read() -> dict[int, tuple[int, str, str]]:
        rows = SdgGoal.objects.using(using).order_by()
        values = rows.values_list("id", "number", "short_fr", "short_en")
        return {pk: (number, fr, en) for pk, number, fr, en in values}

    return per_index_version("reference-goals", read, using)


def regions(using: str) -> dict[int, tuple[str, str]]:
    """{région id: (code, name)}."""

    def read() -> dict[int, tuple[str, str]]:
        rows = Territory.objects.using(using).filter(level="region").order_by()
        return {pk: (code, name) for pk, code, name in rows.values_list("id", "code", "name")}

    return per_index_version("reference-regions", read, using)
