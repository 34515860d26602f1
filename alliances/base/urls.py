from django.urls import path  # noqa: F401

app_name = "base"
# Paths are declared in full: this module is included at the site root.
# "alliances/" -> base:search, "alliances/<slug>/" -> base:alliance,
# "organisations/<int:pk>/" -> base:organisation
urlpatterns: list = []
