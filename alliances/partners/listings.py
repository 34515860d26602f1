"""Needs and offers: publish, report, count the curators' funnel, keep the analysed text.

The search of the list (filters, facets, text) is `search` (ADR 0146)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext as _

from alliances.base.models import Organisation
from alliances.referentials.models import Term
from alliances.territories.models import Territory

from . import services
from .models import AbuseReport, Conversation, Listing


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
    """Listings placed in this territory or anywhere inside it (a country: everywhere)."""
    if territory.level == "pays":
        return Q(pk__isnull=False)
    return (
        Q(territory=territory)
        | Q(territory__epci=territory)
        | Q(territory__departement=territory)
        | Q(territory__region=territory)
    )


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


def refresh_text(sender: object, instance: Organisation, **kwargs: object) -> None:
    """An organisation renamed: its listings' analysed text follows (post_save)."""
    for listing in Listing.objects.filter(organisation=instance).only(
        "pk", "title", "description", "organisation"
    ):
        text = listing.analysed_text()
        if text != listing.search_text:
            Listing.objects.filter(pk=listing.pk).update(search_text=text)
