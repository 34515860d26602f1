from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("<int:pk>/evaluations/", views.create_campaign, name="create"),
    path("<int:pk>/evaluations/<int:year>/", views.campaign, name="campaign"),
    path("<int:pk>/evaluations/<int:year>/cloture/", views.close_campaign, name="close"),
    path("<int:pk>/evaluations/<int:year>/reouverture/", views.reopen_campaign, name="reopen"),
    path("<int:pk>/evaluations/<int:year>/relance/", views.remind, name="remind"),
    path("<int:pk>/evaluations/<int:year>/rapport/", views.report, name="report"),
    path(
        "<int:pk>/evaluations/<int:year>/rapport.pdf",
        views.report,
        {"pdf": True},
        name="report-pdf",
    ),
    path("<int:pk>/rapports/", views.progress_reports, name="reports"),
    path("<int:pk>/rapports/<int:year>/", views.progress_report, name="progress-report"),
    path(
        "<int:pk>/rapports/<int:year>.pdf",
        views.progress_report,
        {"pdf": True},
        name="progress-report-pdf",
    ),
    path("<int:pk>/rapports/<int:year>/modifier/", views.edit_report, name="edit-report"),
    path("<int:pk>/rapports/<int:year>/depot/", views.submit_report, name="submit-report"),
    path("<int:pk>/rapports/<int:year>/suppression/", views.delete_report, name="delete-report"),
    path(
        "<int:pk>/rapports/<int:year>/indicateurs/<int:indicator>/",
        views.indicator_value,
        name="indicator-value",
    ),
    path("<int:pk>/indicateurs/ajouter/", views.indicator_form, name="add-indicator"),
    path("<int:pk>/indicateurs/<int:indicator>/", views.indicator_form, name="edit-indicator"),
]
