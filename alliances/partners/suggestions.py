"""Suggestions on the pages: take the candidates kept in memory (`pool`, per data version),
rank them with `matching`, read the display details of the few shown, and say why in the
reader's language. Stale profiles (freshness.py) are left out.
"""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliances.base.models import Organisation, Partner
from alliances.referentials.models import Term
from alliances.territories.models import Territory
from alliances.territories.points import point_of

from . import matching, pool
from .kinds import KIND_LABELS, KIND_PROFILES
from .models import HiddenSuggestion, Listing, OrganisationProfile

LIMIT = 8
# Candidates of each sort ranked at most (nearest territories first): keeps a page fast.
MAX_ORGANISATIONS = 3000


def _code(territory: Territory | None, level: str) -> str:
    if territory is None:
        return ""
    if territory.level == level:
        return territory.code
    parent = getattr(territory, level, None) if level != "commune" else None
    return parent.code if parent is not None else ""


def place_of(territory: Territory | None) -> dict:
    if territory is None:
        return {}
    return {
        "commune": _code(territory, "commune"),
        "epci": _code(territory, "epci"),
        "departement": _code(territory, "departement"),
        "region": _code(territory, "region"),
        "point": point_of(territory.level, territory.code),
    }


def _experience(organisation_ids: list[int]) -> dict[int, tuple[int, frozenset[str]]]:
    counts: dict[int, int] = defaultdict(int)
    types: dict[int, set[str]] = defaultdict(set)
    partners = Partner.objects.filter(
        organisation_id__in=organisation_ids, alliance__status="published"
    )
    for org_id in partners.values_list("organisation_id", flat=True):
        counts[org_id] += 1
    rows = partners.values_list("organisation_id", "alliance__partnership_types__key")
    for org_id, key in rows:
        if key:
            types[org_id].add(key)
    return {k: (counts[k], frozenset(types[k])) for k in counts}


def _domains(organisation_ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    rows = OrganisationProfile.objects.filter(organisation_id__in=organisation_ids).values_list(
        "organisation_id", "domains__key"
    )
    for org_id, key in rows:
        if key:
            found[org_id].add(key)
    return {k: frozenset(v) for k, v in found.items()}


def organisation_actors(organisations: list[Organisation]) -> dict[int, matching.Actor]:
    ids = [o.pk for o in organisations]
    experience, domains = _experience(ids), _domains(ids)
    return {
        o.pk: matching.Actor(
            key=f"organisation:{o.pk}",
            profile=o.profile.key if o.profile_id else "",
            domains=domains.get(o.pk, frozenset()),
            alliance_count=experience.get(o.pk, (0, frozenset()))[0],
            alliance_types=experience.get(o.pk, (0, frozenset()))[1],
            **place_of(o.territory),
        )
        for o in organisations
    }


def _listing_domains(ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for listing_id, key in Listing.domains.through.objects.filter(listing_id__in=ids).values_list(
        "listing_id", "term__key"
    ):
        found[listing_id].add(key)
    return {k: frozenset(v) for k, v in found.items()}


def listing_actor(
    listing: Listing,
    owner: matching.Actor | None = None,
    domains: frozenset[str] | None = None,
) -> matching.Actor:
    place = place_of(listing.territory) or (
        {k: getattr(owner, k) for k in ("commune", "epci", "departement", "region", "point")}
        if owner
        else {}
    )
    return matching.Actor(
        key=f"listing:{listing.pk}",
        profile=owner.profile if owner else "",
        domains=(
            domains if domains is not None else frozenset(d.key for d in listing.domains.all())
        ),
        alliance_count=owner.alliance_count if owner else 0,
        alliance_types=owner.alliance_types if owner else frozenset(),
        kind=listing.kind,
        reach=listing.reach,
        **place,
    )


def hidden_for(user: object, subject: str) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        HiddenSuggestion.objects.filter(user=user, subject=subject).values_list("target", flat=True)
    )


def hide(user: object, subject: str, target: str) -> None:
    if subject and target and len(subject) <= 40 and len(target) <= 40:
        HiddenSuggestion.objects.get_or_create(user=user, subject=subject, target=target)


def _labels() -> dict[str, str]:
    return {
        t.key: t.label
        for t in Term.objects.filter(
            taxonomy__key__in=("actor_profiles", "domains", "partnership_types")
        )
    }


def explain(reasons: list[tuple[str, dict]], labels: dict[str, str]) -> str:
    """ "Entreprise à 12 km, active en emploi et insertion, partenaire de 2 alliances…" """
    parts: list[str] = []
    for code, values in reasons:
        if code == "profile":
            parts.append(labels.get(values["profile"], values["profile"]))
        elif code == "same_commune":
            parts.append(_("dans la même commune"))
        elif code == "same_epci":
            parts.append(_("dans la même intercommunalité"))
        elif code == "same_departement":
            parts.append(_("dans le même département"))
        elif code == "distance":
            parts.append(_("à %(km)s km") % {"km": values["km"]})
        elif code == "domains":
            names = ", ".join(labels.get(d, d) for d in values["domains"])
            parts.append(_("active en %(domains)s") % {"domains": names})
        elif code == "alliances":
            types = ", ".join(labels.get(t, t) for t in values["types"])
            text = ngettext(
                "partenaire de %(n)s alliance", "partenaire de %(n)s alliances", values["n"]
            ) % {"n": values["n"]}
            parts.append(f"{text} ({types})" if types else text)
    if not parts:
        return ""
    first, *rest = parts
    return " ".join([first, *rest[:1]]) + "".join(f", {p}" for p in rest[1:])


def _represented(key: str, organisations: pool.Organisations | None) -> bool:
    if not key.startswith("organisation:") or organisations is None:
        return True
    entry = organisations.entries.get(int(key.partition(":")[2]))
    return entry is not None and entry.represented


def _present(
    found: list[matching.Suggestion],
    objects: dict[str, object],
    organisations: pool.Organisations | None = None,
) -> list[dict]:
    """Each with its reasons in words; an organisation nobody represents on the platform
    (known through its published alliances) is marked so (ADR 0155)."""
    labels = _labels() if found else {}
    return [
        {
            "key": s.actor.key,
            "object": objects[s.actor.key],
            "is_listing": s.actor.key.startswith("listing:"),
            "score": s.score,
            "why": explain(s.reasons, labels),
            "represented": _represented(s.actor.key, organisations),
        }
        for s in found
        if s.actor.key in objects
    ]


def _subject_of(organisation: Organisation, organisations: pool.Organisations) -> matching.Actor:
    entry = organisations.entries.get(organisation.pk)
    if entry is not None:
        return entry.actor
    return organisation_actors([organisation])[organisation.pk]  # written since the read


def _details(keys: list[str]) -> dict[str, object]:
    """The display rows of the suggestions shown (a handful), in two queries."""
    listing_ids = [int(k.partition(":")[2]) for k in keys if k.startswith("listing:")]
    org_ids = [int(k.partition(":")[2]) for k in keys if k.startswith("organisation:")]
    found: dict[str, object] = {}
    if listing_ids:
        rows = Listing.objects.filter(pk__in=listing_ids).select_related("organisation")
        found.update({f"listing:{x.pk}": x for x in rows})
    if org_ids:
        found.update(
            {f"organisation:{o.pk}": o for o in Organisation.objects.filter(pk__in=org_ids)}
        )
    return found


def _ids(keys: frozenset[str], kind: str) -> set[int]:
    """The ids of the keys of this kind ("listing:12" -> 12 for "listing")."""
    return {int(k.partition(":")[2]) for k in keys if k.startswith(f"{kind}:")}


def for_listing(listing: Listing, user: object) -> list[dict]:
    """For a need: offers and organisations that could answer; for an offer: the needs."""
    organisations, listings = pool.current()
    now = timezone.now()
    owner = _subject_of(listing.organisation, organisations)
    subject = listing_actor(listing, owner)
    opposite = (
        Listing.Direction.OFFER
        if listing.direction == Listing.Direction.NEED
        else Listing.Direction.NEED
    )
    others = listings.near(subject, opposite, listing.organisation_id, now, MAX_ORGANISATIONS)
    hidden = hidden_for(user, subject.key) | {subject.key}
    left = _ids(hidden, "listing")
    tables = [(listings.table, [listings.rows[x.pk] for x in others if x.pk not in left])]
    if listing.direction == Listing.Direction.NEED:
        ids = organisations.nearby(subject, listing.organisation_id, now, MAX_ORGANISATIONS)
        left = _ids(hidden, "organisation")
        tables.append(
            (organisations.table, [organisations.rows[pk] for pk in ids if pk not in left])
        )
    found = matching.rank_rows(subject, tables, limit=LIMIT, kind_profiles=KIND_PROFILES)
    return _present(found, _details([s.actor.key for s in found]), organisations)


def for_organisation(organisation: Organisation, user: object) -> list[dict]:
    """Its "partenaires possibles": nearby organisations, best complement first."""
    organisations, _listings = pool.current()
    subject = _subject_of(organisation, organisations)
    ids = organisations.nearby(subject, organisation.pk, timezone.now(), MAX_ORGANISATIONS)
    left = _ids(hidden_for(user, subject.key) | {subject.key}, "organisation")
    rows = [organisations.rows[pk] for pk in ids if pk not in left]
    found = matching.rank_rows(subject, [(organisations.table, rows)], limit=LIMIT)
    return _present(found, _details([s.actor.key for s in found]), organisations)


def kind_label(key: str) -> str:
    return str(KIND_LABELS.get(key, key))
