from django.urls import path

from . import views

app_name = "economics"
urlpatterns = [
    path("<int:pk>/modele/", views.model_page, name="model"),
    path(
        "<int:pk>/modele/apports/<int:entry>/supprimer/",
        views.delete_contribution,
        name="delete-contribution",
    ),
    path(
        "<int:pk>/modele/resultats/<int:entry>/supprimer/",
        views.delete_outcome,
        name="delete-outcome",
    ),
]
