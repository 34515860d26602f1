from django.urls import path

from . import views

app_name = "referentials"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:key>/", views.taxonomy, name="taxonomy"),
]
