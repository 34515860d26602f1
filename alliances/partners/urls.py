from django.urls import path

from . import views
from .feeds import ListingSearchFeed

app_name = "partners"
urlpatterns = [
    path("", views.index, name="index"),
    path("flux/", ListingSearchFeed(), name="feed"),
    path("publier/", views.publish, name="publish"),
    path("mon-organisation/", views.mine, name="mine"),
    path("<int:pk>/signaler/", views.report_listing, name="report-listing"),
    path("<int:pk>/", views.listing_detail, name="listing"),
    path(
        "<int:pk>/<str:action>/",
        views.listing_action,
        name="listing-action",
    ),
    path("espace/<slug:slug>/", views.request_workspace, name="request-workspace"),
    path("organisations/inscrire/", views.register, name="register"),
    path("organisations/<int:pk>/revendiquer/", views.claim, name="claim"),
    path("organisations/<int:pk>/modifier/", views.edit_profile, name="edit"),
    path("organisations/<int:pk>/confirmer/", views.confirm_profile, name="confirm"),
    path("organisations/<int:pk>/contacter/", views.contact, name="contact"),
    path(
        "organisations/<int:pk>/partenaires-possibles/",
        views.possible_partners,
        name="possible-partners",
    ),
    path("masquer/", views.hide, name="hide"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("conversations/<int:pk>/signaler/", views.report_abuse, name="report"),
    path("conversations/<int:pk>/partenariat/", views.partnership, name="partnership"),
    path("conversations/<int:pk>/alliance/", views.draft_alliance, name="draft-alliance"),
    path("conversations/<int:pk>/publication/", views.ask_publication, name="ask-publication"),
    path("facilitation/", views.facilitation_view, name="facilitation"),
    path("facilitation/verifier/<int:pk>/", views.verify, name="verify"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<str:what>/<int:pk>/", views.decide, name="decide"),
]
