from django.urls import path

from . import views

app_name = "base"
# Paths are declared in full: this module is included at the site root.
urlpatterns = [
    path("alliances/", views.search, name="search"),
    path("alliances/<slug:slug>/", views.alliance_detail, name="alliance"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
]
