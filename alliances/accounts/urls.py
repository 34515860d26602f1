from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inscription/", views.register, name="register"),
    path("confirmation/<str:token>/", views.confirm, name="confirm"),
    path("mes-donnees/", views.my_data, name="my-data"),
    path("supprimer/", views.delete_account, name="delete"),
]
