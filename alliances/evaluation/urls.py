from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("<int:pk>/evaluations/", views.create_campaign, name="create"),
    path("<int:pk>/evaluations/<int:year>/", views.campaign, name="campaign"),
    path("<int:pk>/evaluations/<int:year>/cloture/", views.close_campaign, name="close"),
    path("<int:pk>/evaluations/<int:year>/rapport/", views.report, name="report"),
    path(
        "<int:pk>/evaluations/<int:year>/rapport.pdf",
        views.report,
        {"pdf": True},
        name="report-pdf",
    ),
    path("<int:pk>/rapports/", views.progress_reports, name="reports"),
]
