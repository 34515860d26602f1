from django.contrib import admin
from django.urls import include, path

from alliances.accounts import views as accounts_views
from alliances.api import views as api_views
from alliances.api.v1 import api
from alliances.home.views import healthz

urlpatterns = [
    path("", include("alliances.home.urls")),
    # base: /alliances/ and /organisations/; library: /ressources/ and /evenements/
    path("", include("alliances.base.urls")),
    path("", include("alliances.library.urls")),
    path("observatoire/", include("alliances.observatory.urls")),
    path("diagnostic/", include("alliances.maturity.urls")),
    path("charte/", include("alliances.charter.urls")),
    path("fiches/", include("alliances.sheets.urls")),
    path("espaces/", include("alliances.workspaces.urls")),
    path("espaces/", include("alliances.evaluation.urls")),
    path("espaces/", include("alliances.economics.urls")),
    # Before Django's own: a reset asked for a registration not yet confirmed explains it.
    path("comptes/password_reset/", accounts_views.password_reset, name="password_reset"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("comptes/", include("alliances.accounts.urls")),
    path("partenaires/", include("alliances.partners.urls")),
    path("contributions/", include("alliances.contributions.urls")),
    path("", include("alliances.alerts.urls")),
    path("", include("alliances.opendata.urls")),
    path("confidentialite/", accounts_views.privacy, name="privacy"),
    path("territoires/", include("alliances.territories.urls")),
    path("odd/", include("alliances.sdg.urls")),
    path("taxonomies/", include("alliances.referentials.urls")),
    path("api/v1/", api_views.documentation, name="api-docs"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
