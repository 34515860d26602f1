from django.urls import path

from . import views

app_name = "sdg"
urlpatterns = [
    path("", views.index, name="index"),
    # A string, so that "abc" gets the same explained 404 as 0 or 18.
    path("<str:number>/", views.goal, name="goal"),
]
