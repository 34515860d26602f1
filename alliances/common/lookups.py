"""`field__in_ids=[...]`: the `__in` of a long list of integer ids, sent as one parameter.

Django's `__in` sends each id as a parameter of its own: for the 2,000 alliances of a
re-index batch that is some ten queries of 2,000 placeholders, each value prepared one by
one and each query string split by the driver, about a quarter of a re-index worker's time
at 1,000,000 alliances (ADR 0193). One parameter: an array on PostgreSQL (`= ANY`), a JSON
array that SQLite reads with `json_each` elsewhere. Integers only: the ids are cast first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = _integers(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(ids)]


def _integers(values: Iterable[Any]) -> list[int]:
    return [int(value) for value in values]


def register() -> None:
    """Called once from the common app's ready(). A relation's lookups are its own, not its
    parent `Field`'s: `alliance_id__in_ids` needs both."""
    Field.register_lookup(InIds)
    ForeignObject.register_lookup(InIds)
