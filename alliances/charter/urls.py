from django.urls import path

from . import views

app_name = "charter"
urlpatterns = [
    path("", views.index, name="index"),
    path("signer/", views.sign, name="sign"),
    path("signer/merci/", views.thanks, name="thanks"),
    path("signataires/", views.signatories, name="signatories"),
]
