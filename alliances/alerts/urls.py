from django.urls import path

from . import views

app_name = "alerts"
# Paths are declared in full: this module is included at the site root.
urlpatterns = [
    path("recherches/", views.mine, name="mine"),
    path("recherches/enregistrer/", views.create, name="create"),
    path("recherches/<int:pk>/modifier/", views.edit, name="edit"),
    path("recherches/<int:pk>/supprimer/", views.delete, name="delete"),
    path("recherches/<int:pk>/portail/", views.portal_edit, name="portal-edit"),
    path("recherches/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("portails/", views.portals, name="portals"),
    path("portails/<slug:slug>/", views.portal, name="portal"),
    path("portails/<slug:slug>/widget/", views.widget, name="widget"),
]
