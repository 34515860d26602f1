"""The suggested SDG codes as a filter and facet of the search, kept apart from verified ones.

Registered into the search's filter table when the app starts (`apps.py`): the base does not
know this part, this part adds what it knows of alliances. `?sdg_suggested=8` finds the
alliances with a current suggestion of goal 8 (or of one of its targets: `8.5`); the facet
"ODD suggérés (non vérifiés)" counts them. Verified codes stay in the `sdg` filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances.base.search.filters import Condition, Context, Facet, IndexRows, SdgFilter, tag
from alliances.sdg.models import SdgTarget

from .models import SdgSuggestion
from .services import suggested_pairs


class SuggestedSdgFilter(SdgFilter):
    name = "sdg_suggested"
    params = ("sdg_suggested",)
    label = gettext_lazy("l'ODD suggéré")
    api_description = (
        'SDG goal ("8") or target ("8.5") suggested by the platform\'s suggester and not yet '
        "verified by a curator (see docs/sdg.md); verified codes are the `sdg` parameter."
    )
    prefix = "gs"
    target_prefix = "cs"
    facet = Facet("sdg_suggested", "gs", gettext_lazy("ODD suggérés (non vérifiés)"))

    def compile(self, query: Any, ctx: Context) -> Condition | None:
        values = getattr(query, self.name)
        if not values:
            return None
        goal_ids, target_ids = self._known(values, ctx)
        if not goal_ids and not target_ids:
            return None
        table = SdgSuggestion._meta.db_table
        wanted, params = [], []
        if goal_ids:
            targets = SdgTarget._meta.db_table
            marks = ", ".join(["%s"] * len(goal_ids))
            wanted.append(f"s.target_id IN (SELECT id FROM {targets} WHERE goal_id IN ({marks}))")
            params += goal_ids
        if target_ids:
            wanted.append(f"s.target_id IN ({', '.join(['%s'] * len(target_ids))})")
            params += target_ids
        current = f"s.status = %s AND ({' OR '.join(wanted)})"
        params = [SdgSuggestion.Status.SUGGESTED, *params]
        return Condition(
            f"a.id IN (SELECT s.alliance_id FROM {table} s WHERE {current})",
            params,
            f"EXISTS (SELECT 1 FROM {table} s WHERE s.alliance_id = a.id AND {current})",
            params,
            tags=[tag(self.prefix, i) for i in goal_ids]
            + [tag(self.target_prefix, i) for i in target_ids],
        )

    def index_tags(self, rows: IndexRows) -> Iterator[tuple[int, str]]:
        for pair in suggested_pairs(rows.ids, using=rows.using):
            yield pair.alliance_id, tag(self.prefix, pair.goal_id)
            yield pair.alliance_id, tag(self.target_prefix, pair.target_id)

    def facet_labels(self, raw: Iterable[str], using: str) -> dict[str, tuple[str, str]]:
        labels = super().facet_labels(raw, using)
        return {
            key: (value, _("%(goal)s (suggéré)") % {"goal": label})
            for key, (value, label) in labels.items()
        }


def suggested_filter() -> SuggestedSdgFilter:
    return SuggestedSdgFilter()
