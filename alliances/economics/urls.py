from django.urls import path

from . import views

app_name = "economics"
urlpatterns = [
    path("<int:pk>/modele/", views.model_page, name="model"),
    path("<int:pk>/modele.pdf", views.model_pdf, name="model-pdf"),
    path("<int:pk>/modele/historique/", views.history, name="history"),
    path(
        "<int:pk>/modele/apports/ajouter/<str:kind>/",
        views.contribution_form,
        name="add-contribution",
    ),
    path(
        "<int:pk>/modele/apports/<int:entry>/modifier/",
        views.contribution_form,
        name="edit-contribution",
    ),
    path(
        "<int:pk>/modele/apports/<int:entry>/supprimer/",
        views.delete_contribution,
        name="delete-contribution",
    ),
    path("<int:pk>/modele/resultats/ajouter/", views.outcome_form, name="add-outcome"),
    path(
        "<int:pk>/modele/resultats/<int:entry>/modifier/",
        views.outcome_form,
        name="edit-outcome",
    ),
    path(
        "<int:pk>/modele/resultats/<int:entry>/supprimer/",
        views.delete_outcome,
        name="delete-outcome",
    ),
]
