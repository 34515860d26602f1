"""The Atom feed of a search of needs and offers: `/partenaires/flux/?<the list's query string>`
(Django's syndication framework, as the feeds of `opendata`)."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import search
from .models import Listing

LIMIT = 50


class ListingSearchFeed(Feed):
    """The newest open needs and offers the search finds (its text, filters and places)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> search.Found:
        return search.search(request.GET, with_facets=False, limit=1)

    def title(self, found: search.Found) -> str:
        if found.chips:
            described = " ; ".join(f"{c.label} : {c.value}" for c in found.chips)
            return _("Besoins et propositions (%(search)s)") % {"search": described}
        return _("Besoins et propositions des organisations")

    def subtitle(self, found: search.Found) -> str:
        return _(
            "Les derniers besoins et propositions publiés qui correspondent à cette recherche."
        )

    def link(self, found: search.Found) -> str:
        qs = found.query.first_page().to_querystring()
        return reverse("partners:index") + (f"?{qs}" if qs else "")

    def items(self, found: search.Found) -> list[Listing]:
        return list(
            found.rows.select_related("organisation", "territory").order_by("-published_at", "-id")[
                :LIMIT
            ]
        )

    def item_title(self, item: Listing) -> str:
        return f"{item.get_direction_display().capitalize()} · {item.title}"

    def item_description(self, item: Listing) -> str:
        place = f" · {item.territory.name}" if item.territory else ""
        return f"{item.organisation.name}{place} — {item.get_kind_display()}\n\n{item.description}"

    def item_author_name(self, item: Listing) -> str:
        return item.organisation.name

    def item_pubdate(self, item: Listing):  # noqa: ANN201
        return item.published_at

    def item_updateddate(self, item: Listing):  # noqa: ANN201
        return item.confirmed_at or item.published_at
