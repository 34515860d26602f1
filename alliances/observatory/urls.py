from django.urls import path

from . import views

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    path("indicateurs/", views.indicators, name="indicators"),
    path("indicateurs/<slug:key>/", views.indicator, name="indicator"),
    path("populations/", views.populations, name="populations"),
    path("populations/<slug:key>/", views.population, name="population"),
    path("territoires/<str:code>/", views.territory, name="territory"),
    path("territoires/<str:level>/<str:code>/", views.territory_at, name="territory-level"),
    path("fragilites/", views.fragilities, name="fragilities"),
    path("representativite/", views.representativeness, name="representativeness"),
]
