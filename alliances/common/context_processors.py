"""What every page's layout needs: the main navigation and the account links.

Each entry names a URL by its Django name; an entry whose part is not installed (its URL
name does not resolve) is left out, so a part shows up in the menu by adding its URLs:
"Trouver des partenaires" appears as soon as a URL named `partners:index` exists.
"""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The parts of the platform, in the order users meet them (the home page is the logo).
NAVIGATION = [
    ("base:search", _("Alliances")),
    ("partners:index", _("Trouver des partenaires")),
    ("territories:index", _("Territoires")),
    ("observatory:index", _("Observatoire")),
    ("sheets:index", _("Fiches repères")),
    ("library:index", _("Ressources")),
    ("maturity:index", _("Autodiagnostic")),
    ("library:events", _("Événements")),
    ("workspaces:index", _("Espaces partenaires")),
    ("charter:index", _("Charte")),
]

# The signed-in visitor's own pages (the account menu).
ACCOUNT_LINKS = [
    ("workspaces:index", _("Mes espaces partenaires"), False),
    ("partners:mine", _("Mon organisation"), False),
    ("alerts:mine", _("Mes recherches suivies"), False),
    ("contributions:mine", _("Mes contributions"), False),
    ("contributions:queue", _("Modération"), True),
    ("accounts:my-data", _("Mes données"), False),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict:
    items = []
    path = getattr(request, "path", "/")
    for url_name, label in NAVIGATION:
        url = _url(url_name)
        if url is None:
            continue
        items.append({"url": url, "label": label, "current": path.startswith(url)})
    user = getattr(request, "user", None)
    account = []
    if user is not None and user.is_authenticated:
        for url_name, label, staff_only in ACCOUNT_LINKS:
            url = _url(url_name)
            if url is not None and (user.is_staff or not staff_only):
                account.append({"url": url, "label": label, "current": path.startswith(url)})
    return {"main_navigation": items, "account_navigation": account}
