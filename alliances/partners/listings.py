"""Needs and offers: publish, list with filters, count the curators' funnel.

The list reads the territories' containment (a place contains its communes, EPCI,
départements) and a plain text match; it does not use the base's search engine, whose
index is built for alliances (ADR 0141).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from alliances.base.models import Organisation
from alliances.referentials.models import Term
from alliances.territories.models import Territory

from . import services
from .forms import resolve_place
from .kinds import KIND_LABELS
from .models import AbuseReport, Conversation, Listing

PAGE_SIZE = 30
DIRECTIONS = {"besoins": Listing.Direction.NEED, "propositions": Listing.Direction.OFFER}


def create(data: dict, organisation: Organisation, user: AbstractBaseUser) -> Listing:
    listing = Listing(
        organisation=organisation,
        direction=data["direction"],
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        territory=data.get("place"),
        reach=data["reach"],
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
    )
    services.publish_listing(listing, user)
    listing.domains.set(Term.objects.filter(taxonomy__key="domains", key__in=data["domains"]))
    return listing


def within(territory: Territory) -> Q:
    """Listings placed in this territory or anywhere inside it."""
    return (
        Q(territory=territory)
        | Q(territory__epci=territory)
        | Q(territory__departement=territory)
        | Q(territory__region=territory)
    )


@dataclass
class Found:
    results: list[Listing] = field(default_factory=list)
    count: int = 0
    notices: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    kinds: list[tuple[str, str, int]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)
    place: Territory | None = None
    rows: object = None  # the filtered queryset (the API pages it itself)


def _filter(rows: object, params: QueryDict | dict, found: Found) -> object:
    direction = DIRECTIONS.get(found.values["sens"])
    if direction:
        rows = rows.filter(direction=direction)
    if found.values["nature"]:
        if found.values["nature"] in KIND_LABELS:
            rows = rows.filter(kind=found.values["nature"])
        else:
            found.notices.append(_("Nature inconnue, ignorée : %s") % found.values["nature"])
    if found.values["domaine"]:
        rows = rows.filter(domains__taxonomy__key="domains", domains__key=found.values["domaine"])
    if found.values["lieu"]:
        try:
            found.place = resolve_place(found.values["lieu"])
        except ValidationError as error:
            found.notices.extend(error.messages)
        if found.place is not None:
            rows = rows.filter(within(found.place))
    text = found.values["q"]
    if text:
        rows = rows.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(organisation__name__icontains=text)
        )
    return rows


def search(params: QueryDict | dict) -> Found:
    found = Found(
        values={
            key: " ".join(params.get(key, "").split())[:200]
            for key in ("sens", "nature", "domaine", "lieu", "q")
        }
    )
    rows = _filter(Listing.objects.open(), params, found).distinct()
    found.rows = rows
    found.count = rows.count()
    found.results = list(
        rows.select_related("organisation", "territory").order_by("-published_at", "-id")[
            :PAGE_SIZE
        ]
    )
    counts = dict(rows.order_by().values_list("kind").annotate(n=Count("id", distinct=True)))
    found.kinds = [(k, str(label), counts.get(k, 0)) for k, label in KIND_LABELS.items()]
    found.domains = [
        (t.key, t.label)
        for t in Term.objects.filter(taxonomy__key="domains", parent__isnull=True).order_by(
            "position", "key"
        )
    ]
    return found


def funnel() -> list[dict]:
    """Per région: needs and offers published → contacts → replies (the curators' funnel)."""
    published = Listing.objects.exclude(status__in=["pending", "refused"])
    contacts = Conversation.objects.all()
    rows = []
    for region in Territory.objects.filter(level="region", obsolete=False).order_by("name"):
        place = Q(territory=region) | Q(territory__region=region)
        n_published = published.filter(place).count()
        talks = contacts.filter(
            Q(recipient__territory=region) | Q(recipient__territory__region=region)
        )
        n_contacts = talks.count()
        if not (n_published or n_contacts):
            continue
        rows.append(
            {
                "region": region,
                "published": n_published,
                "contacts": n_contacts,
                "replies": talks.filter(replied_at__isnull=False).count(),
                "partnerships": talks.filter(partnership_started=True).count(),
            }
        )
    return rows


def report(user: AbstractBaseUser, listing: Listing, reason: str) -> AbuseReport:
    """Anyone signed in may report a published need or offer; the curators decide."""
    from . import mail

    record = AbuseReport.objects.create(listing=listing, reporter=user, reason=reason)
    mail.tell_curators(_("Besoin ou proposition signalé"), f"{listing.title}: {reason[:500]}")
    return record
