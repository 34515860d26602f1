from django.urls import path

from . import feeds, views

app_name = "opendata"
urlpatterns = [
    path("donnees/", views.index, name="index"),
    path("donnees/catalogue.jsonld", views.catalogue_jsonld, name="catalogue"),
    path("donnees/registre/iati.xml", views.registry_iati, name="registry-iati"),
    path("donnees/registre/odd.csv", views.registry_csv_view, name="registry-csv"),
    path("flux/alliances.atom", feeds.AllianceFeed(), name="feed-alliances"),
    path("flux/ressources.atom", feeds.ResourceFeed(), name="feed-resources"),
    path("flux/evenements.atom", feeds.EventFeed(), name="feed-events"),
]
