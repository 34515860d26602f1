from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/invitations/", views.invite, name="invite"),
    path("<int:pk>/publication/", views.publication, name="publication"),
    path("<int:pk>/curateurs/", views.curators, name="curators"),
    path("<int:pk>/langue/", views.language, name="language"),
    path("invitation/<str:token>/", views.accept, name="accept"),
]
