from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/invitations/", views.invite, name="invite"),
    path("<int:pk>/publication/", views.publishing, name="publishing"),
    path("invitation/<str:token>/", views.accept, name="accept"),
]
