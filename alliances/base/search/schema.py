"""The database tables the search reads, by role (alliance, partner, M2M tables...).

Resolved once from the models, so that the SQL of the filters and dialects never spells a
table name that a model could change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.territories.models import Territory

from ..models import Alliance, Organisation, Partner


@dataclass(frozen=True)
class Through:
    """A many-to-many table of the alliance: its name, the alliance column, the other one."""

    table: str
    alliance: str
    other: str


@dataclass(frozen=True)
class Tables:
    alliance: str
    partner: str
    organisation: str
    territory: str
    goal: str
    target: str
    types: Through
    domains: Through
    goals: Through
    targets: Through
    places: Through  # the alliance's other territories


def _through(name: str) -> Through:
    model = Alliance._meta.get_field(name).remote_field.through
    fields = [f for f in model._meta.fields if f.is_relation]
    own = next(f for f in fields if f.related_model is Alliance)
    other = next(f for f in fields if f is not own)
    return Through(model._meta.db_table, own.column, other.column)


@lru_cache(maxsize=1)
def tables() -> Tables:
    return Tables(
        alliance=Alliance._meta.db_table,
        partner=Partner._meta.db_table,
        organisation=Organisation._meta.db_table,
        territory=Territory._meta.db_table,
        goal=SdgGoal._meta.db_table,
        target=SdgTarget._meta.db_table,
        types=_through("partnership_types"),
        domains=_through("domains"),
        goals=_through("sdg_goals"),
        targets=_through("sdg_targets"),
        places=_through("other_territories"),
    )


def marks(values: list | tuple) -> str:
    """SQL placeholders for these values: "%s, %s, %s"."""
    return ", ".join(["%s"] * len(values))
