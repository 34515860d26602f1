"""Step 1 of a search: compile a `SearchQuery` into conditions on the alliance row `a`.

Each filter of the table (`filters.table()`) compiles its own values; the text's condition
comes from the database's dialect. What compiling learns besides conditions — notices for
unknown values, labels of the values, the places covering a commune — travels with the
result in `context`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Alliance
from .analysis import Term
from .dialects import Dialect, dialect_for
from .filters import Condition, Context, table
from .query import SearchQuery

PUBLIC_STATUSES: tuple[str, ...] = (Alliance.Status.PUBLISHED,)
CURATOR_STATUSES: tuple[str, ...] = (
    Alliance.Status.PUBLISHED,
    Alliance.Status.REVIEW,
    Alliance.Status.DRAFT,
)


@dataclass
class CompiledQuery:
    query: SearchQuery
    using: str
    dialect: Dialect
    statuses: tuple[str, ...]
    conditions: dict[str, Condition]  # "q" (the text) and the names of the filters in use
    context: Context

    @property
    def terms(self) -> list[Term]:
        return self.query.terms

    def status_clause(self) -> tuple[str, list]:
        marks = ", ".join(["%s"] * len(self.statuses))
        return f"a.status IN ({marks})", [str(s) for s in self.statuses]

    def ids_sql(
        self,
        exclude: set[str] | frozenset[str] = frozenset(),
        extra: tuple[str, list] | None = None,
        score: bool = False,
    ) -> tuple[str, list]:
        """`SELECT a.id ...` of the alliances matching every condition but the excluded."""
        return self.dialect.ids_sql(self, exclude, extra, score)


def compile_query(query: SearchQuery, statuses: tuple[str, ...], using: str) -> CompiledQuery:
    dialect = dialect_for(using)
    context = Context(using)
    conditions: dict[str, Condition] = {}
    if query.terms:
        conditions["q"] = dialect.text_condition(query.terms)
    for search_filter in table().filters:
        condition = search_filter.compile(query, context)
        if condition is not None:
            conditions[search_filter.name] = condition
    return CompiledQuery(query, using, dialect, tuple(statuses), conditions, context)
