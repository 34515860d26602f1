"""The "save this search" link of the search page (registered with the base, which does not
import this part)."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from alliances.base.search.query import SearchQuery

from .querystrings import canonical_of


def save_links(request: HttpRequest, query: object) -> list[dict[str, str]]:
    if not isinstance(query, SearchQuery):
        return []
    querystring = canonical_of(query)
    url = reverse("alerts:create") + (f"?{querystring}" if querystring else "")
    links = [{"url": url, "label": _("Enregistrer cette recherche"), "rel": "nofollow"}]
    if request.user.is_authenticated:
        links.append({"url": reverse("alerts:mine"), "label": _("Mes recherches")})
    return links
