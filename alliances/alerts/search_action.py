"""The "save this search" link of the search pages (registered with the base, which does not
import this part; the list of needs and offers uses the same registry)."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from alliances.base.search.query import SearchQuery
from alliances.partners.search import ListingQuery

from .querystrings import canonical_of
from .targets import LISTINGS


def save_links(request: HttpRequest, query: object) -> list[dict[str, str]]:
    """The link to save the search of the page: of alliances (the base's search page) or of
    needs and offers (/partenaires/, whose query is a `ListingQuery`)."""
    if isinstance(query, SearchQuery):
        querystring = canonical_of(query)
        label = _("Enregistrer cette recherche")
    elif isinstance(query, ListingQuery):
        querystring = urlencode([("cible", LISTINGS), *query.first_page().params()])
        label = _("Enregistrer cette recherche et recevoir des alertes")
    else:
        return []
    url = reverse("alerts:create") + (f"?{querystring}" if querystring else "")
    links = [{"url": url, "label": label, "rel": "nofollow"}]
    if request.user.is_authenticated:
        links.append({"url": reverse("alerts:mine"), "label": _("Mes recherches")})
    return links
