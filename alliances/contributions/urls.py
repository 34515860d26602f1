from django.urls import path

from . import views

app_name = "contributions"
urlpatterns = [
    path("", views.index, name="index"),
    path("proposer/", views.propose, name="propose"),
    path("corriger/<slug:slug>/", views.correct, name="correct"),
    path("signaler/<slug:slug>/", views.report, name="report"),
    path("mes-contributions/", views.mine, name="mine"),
    path("mes-contributions/<int:pk>/", views.mine_detail, name="mine-detail"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<int:pk>/", views.review, name="review"),
    path("moderation/<int:pk>/modifier/", views.edit, name="edit"),
    path("moderation/<int:pk>/accepter/", views.accept, name="accept"),
    path("moderation/<int:pk>/refuser/", views.refuse, name="refuse"),
    path("moderation/signalements/", views.reports, name="reports"),
    path("moderation/signalements/<int:pk>/clore/", views.close_report, name="close-report"),
]
