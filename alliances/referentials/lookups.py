"""How other parts read the taxonomies: the live terms of a list, or one term by its key.

from alliances.referentials.lookups import term, terms
terms("domains")                  # non-obsolete terms, in the source's order
terms("actor_profiles", top_level=True)   # without the subtypes
term("partnership_types", "mecenat")      # or None
"""

from django.db.models import QuerySet

from .models import Taxonomy, Term


def terms(taxonomy_key: str, *, top_level: bool = False) -> QuerySet[Term]:
    """The non-obsolete terms of a list, ordered as in the source (subtypes after parent)."""
    queryset = Term.objects.filter(taxonomy__key=taxonomy_key, obsolete=False)
    if top_level:
        queryset = queryset.filter(parent__isnull=True)
    return queryset.select_related("parent").order_by("position", "key")


def term(taxonomy_key: str, key: str | int) -> Term | None:
    """One term by list and key (obsolete ones included: old records still point to them)."""
    return (
        Term.objects.filter(taxonomy__key=taxonomy_key, key=str(key))
        .select_related("taxonomy", "parent")
        .first()
    )


def taxonomy(key: str) -> Taxonomy | None:
    return Taxonomy.objects.filter(key=key).first()


def labels(taxonomy_key: str) -> dict[str, str]:
    """Key -> label in the active language, for the live terms of a list."""
    return {t.key: t.label for t in terms(taxonomy_key)}
