from django.urls import path

from . import views

app_name = "maturity"
urlpatterns = [
    path("", views.index, name="index"),
    path("statistiques/", views.statistics, name="statistics"),
    path("<str:token>/", views.resume, name="resume"),
    path("<str:token>/etape/<int:step>/", views.step, name="step"),
    path("<str:token>/resultat/", views.result, name="result"),
    path("<str:token>/resultat.pdf", views.result_pdf, name="result_pdf"),
    path("<str:token>/consentement/", views.consent, name="consent"),
]
