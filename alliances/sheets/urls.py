from django.urls import path

from . import views

app_name = "sheets"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/<str:key>.pdf", views.pdf, name="pdf"),
    path("<slug:kind>/<str:key>/", views.sheet, name="sheet"),
]
