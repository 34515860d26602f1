from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The parts of the platform, in the order users meet them. A part whose pages are not
# installed yet is simply left out of the menu.
NAVIGATION = [
    ("home:index", _("Accueil")),
    ("base:search", _("Alliances")),
    ("observatory:index", _("Observatoire")),
    ("sheets:index", _("Fiches repères")),
    ("library:index", _("Ressources")),
    ("maturity:index", _("Autodiagnostic")),
    ("library:events", _("Événements")),
    ("charter:index", _("Charte")),
    ("territories:index", _("Territoires")),
    ("sdg:index", _("ODD")),
]


def navigation(request: HttpRequest) -> dict:
    items = []
    for url_name, label in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if url == "/":
            current = request.path == "/"
        else:
            current = request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"main_navigation": items}
