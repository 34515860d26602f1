"""Published alliances shown as inspiration beside a need, an offer or possible partners
(issue 17, item 3; ADR 0156).

They come from the base's search engine through its public interface (`query.parse_query`,
`executor.search_ids`): published alliances (not catalysts) of the partnership types that
the kind of the need usually leads to, and of its domains. The narrowest search comes
first and is widened until there are enough: same types and domains in the same région,
then anywhere, then the domains alone, then the types alone. Each one says what it shares
with the subject.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connections, router
from django.utils.translation import get_language

from alliances.base.models import Alliance, Partner
from alliances.base.search import index as search_index
from alliances.base.search.executor import search_ids
from alliances.base.search.query import parse_query
from alliances.referentials.models import Term

from .models import Listing

LIMIT = 3

# The partnership types of the base (taxonomy partnership_types) that a kind of need or offer
# usually leads to; a kind without types is matched on its domains only.
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "mecenat_competences": ("mecenat",),
    "financement": ("mecenat",),
    "benevoles": ("mecenat",),
    "materiel": ("mecenat",),
    "locaux": ("mecenat", "cooperation_economique"),
    "expertise": ("mecenat", "cooperation_economique"),
    "mise_en_relation": (),
    "achats_responsables": ("pratiques_responsables", "cooperation_economique"),
    "projet_commun": ("cooperation_economique", "innovation_societale"),
}


@dataclass
class Inspiration:
    alliance: Alliance
    shared: list[str] = field(default_factory=list)  # labels of the shared types and domains


def _search(types: list[str], domains: list[str], region: str, limit: int) -> list[int]:
    params: dict[str, list[str]] = {"kind": ["alliance"]}
    if types:
        params["type"] = types
    if domains:
        params["domain"] = domains
    if region:
        params["territory"] = [f"region:{region}"]
    query, _notices = parse_query(params)
    return search_ids(query, cap=limit)


# What `find` found, per process, database, index version (any write to the alliances or
# their partners changes it, in any process), language (the shared labels) and question: a
# need's page asks the base's search up to four times otherwise (ADR 0167).
CACHE_SIZE = 512
_cache: OrderedDict[tuple, list[Inspiration]] = OrderedDict()
_lock = threading.Lock()


def find(
    types: list[str],
    domains: list[str],
    region: str = "",
    exclude: frozenset[int] = frozenset(),
    limit: int = LIMIT,
) -> list[Inspiration]:
    """Up to `limit` published alliances of these types and domains, nearest first."""
    alias = router.db_for_read(Alliance)
    key = (
        str(connections[alias].settings_dict.get("NAME")),
        search_index.index_version(),
        get_language(),
        tuple(types),
        tuple(domains),
        region,
        tuple(sorted(exclude)),
        limit,
    )
    with _lock:
        kept = _cache.get(key)
        if kept is not None:
            _cache.move_to_end(key)
            return list(kept)
    found = _found(types, domains, region, exclude, limit)
    with _lock:
        _cache[key] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return list(found)


def forget() -> None:
    """Drop what this process keeps (tests)."""
    with _lock:
        _cache.clear()


def _found(
    types: list[str],
    domains: list[str],
    region: str = "",
    exclude: frozenset[int] = frozenset(),
    limit: int = LIMIT,
) -> list[Inspiration]:
    if not types and not domains:
        return []
    tiers = [(types, domains, region)] if region else []
    tiers.append((types, domains, ""))
    if types and domains:
        tiers += [([], domains, ""), (types, [], "")]
    ids: list[int] = []
    for tier_types, tier_domains, tier_region in tiers:
        for pk in _search(tier_types, tier_domains, tier_region, limit + len(exclude) + 1):
            if pk not in exclude and pk not in ids:
                ids.append(pk)
        if len(ids) >= limit:
            break
    ids = ids[:limit]
    if not ids:
        return []
    rows = Alliance.objects.published().filter(pk__in=ids).select_related("territory")
    rows = rows.prefetch_related("partnership_types", "domains")
    by_id = {a.pk: a for a in rows}
    wanted = set(types) | set(domains)
    found = []
    for pk in ids:
        alliance = by_id.get(pk)
        if alliance is None:
            continue
        terms = [*alliance.partnership_types.all(), *alliance.domains.all()]
        shared = [t.label for t in terms if t.key in wanted]
        found.append(Inspiration(alliance, shared))
    return found


def _domains_of_listing(listing: Listing) -> list[str]:
    return sorted(d.key for d in listing.domains.all())  # prefetched by the page


def _region_of(territory: object) -> str:
    if territory is None:
        return ""
    if territory.level == "region":
        return territory.code
    region = getattr(territory, "region", None)
    return region.code if region is not None else ""


def _partner_of(organisation_id: int) -> frozenset[int]:
    return frozenset(
        Partner.objects.filter(organisation_id=organisation_id).values_list(
            "alliance_id", flat=True
        )
    )


def for_listing(listing: Listing) -> list[Inspiration]:
    territory = listing.territory or listing.organisation.territory
    return find(
        list(KIND_TYPES.get(listing.kind, ())),
        _domains_of_listing(listing),
        _region_of(territory),
        exclude=_partner_of(listing.organisation_id),
    )


def for_organisation(organisation: object) -> list[Inspiration]:
    """From its domains and the kinds of its open needs and offers."""
    profile = getattr(organisation, "partner_profile", None)
    domains = sorted(profile.domains.values_list("key", flat=True)) if profile else []
    kinds = Listing.objects.open().filter(organisation=organisation).values_list("kind", flat=True)
    types = sorted({t for kind in kinds for t in KIND_TYPES.get(kind, ())})
    if not domains:
        domains = sorted(
            set(
                Term.objects.filter(
                    taxonomy__key="domains",
                    parent__isnull=True,
                    pk__in=Listing.domains.through.objects.filter(
                        listing__in=Listing.objects.open().filter(organisation=organisation)
                    ).values("term_id"),
                ).values_list("key", flat=True)
            )
        )
    return find(
        types,
        domains,
        _region_of(organisation.territory),
        exclude=_partner_of(organisation.pk),
    )
