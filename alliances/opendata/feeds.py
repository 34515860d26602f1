"""Atom feeds of what is new: alliances, resources, events (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance
from alliances.common.i18n import localized
from alliances.library.models import Event, Resource

LIMIT = 50


class AllianceFeed(Feed):
    feed_type = Atom1Feed
    title = _("Alliances : nouveaux exemples publiés")
    subtitle = _("Les derniers exemples d'alliances et de catalyseurs territoriaux publiés.")
    link = reverse_lazy("base:search")

    def items(self) -> QuerySet:
        return (
            Alliance.objects.published()
            .filter(synthetic=False)
            .order_by("-published_at", "-created_at")[:LIMIT]
        )

    def item_title(self, item: Alliance) -> str:
        return item.title

    def item_description(self, item: Alliance) -> str:
        return item.summary

    def item_pubdate(self, item: Alliance):  # noqa: ANN201
        return item.published_at or item.created_at

    def item_updateddate(self, item: Alliance):  # noqa: ANN201
        return item.updated_at


class ResourceFeed(Feed):
    feed_type = Atom1Feed
    title = _("Alliances : nouvelles ressources")
    subtitle = _("Méthodes, exemples, données, outils et compétences ajoutés à la bibliothèque.")
    link = reverse_lazy("library:index")

    def items(self) -> QuerySet:
        return Resource.objects.published().order_by("-updated_at")[:LIMIT]

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return item.summary

    def item_updateddate(self, item: Resource):  # noqa: ANN201
        return item.updated_at

    def item_pubdate(self, item: Resource):  # noqa: ANN201
        return item.updated_at


class EventFeed(Feed):
    feed_type = Atom1Feed
    title = _("Alliances : événements")
    subtitle = _("Webinaires et rendez-vous annoncés sur la plateforme.")
    link = reverse_lazy("library:events")

    def items(self) -> QuerySet:
        return Event.objects.filter(published=True).order_by("-created_at")[:LIMIT]

    def item_title(self, item: Event) -> str:
        return localized(item, "title")

    def item_description(self, item: Event) -> str:
        return localized(item, "description")

    def item_link(self, item: Event) -> str:
        return f"{reverse_lazy('library:events')}#evenement-{item.uid}"

    def item_pubdate(self, item: Event):  # noqa: ANN201
        return item.created_at
