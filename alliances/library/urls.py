from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("ressources/", views.index, name="index"),
    path("ressources/<slug:slug>/", views.detail, name="detail"),
    path("evenements/", views.events, name="events"),
    path("evenements/calendrier.ics", views.calendar_feed, name="calendar"),
]
