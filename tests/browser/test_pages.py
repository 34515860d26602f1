"""Every page type, opened in Chromium at 1366×900 and 390×844: it answers, nothing widens the
page, axe-core finds no WCAG 2.1 A/AA violation, the interface speaks the page's language only,
and a screenshot is written for review (var/screenshots/, or $ALLIANCES_SCREENSHOTS).

One browser context per viewport and language is shared by the pages (a context per page
would double the run time); each page is loaded once per viewport.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import DESKTOP, PHONE, ROOT, SCREENSHOTS, sign_in

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# (page type, address): one address per kind of page.
PUBLIC_PAGES = [
    ("accueil", "/"),
    ("recherche", "/alliances/"),
    ("recherche-filtree", "/alliances/?q=emploi&domain=emploi_insertion"),
    ("recherche-lieu", "/alliances/?territory=departement:12"),
    ("recherche-commune", "/alliances/?territory=commune:25056"),
    ("recherche-vide", "/alliances/?q=zzzz"),
    ("alliance", "/alliances/ptce-le-phares/"),
    ("organisation", "@organisation"),
    ("territoires", "/territoires/"),
    ("territoires-recherche", "/territoires/?q=st+etienne"),
    ("territoire-pays", "/territoires/pays/FR/"),
    ("territoire-region", "/territoires/region/76/"),
    ("territoire-departement", "/territoires/departement/32/"),
    ("territoire-epci", "/territoires/epci/242500361/"),
    ("territoire-commune", "/territoires/commune/12202/"),
    ("observatoire", "/observatoire/"),
    ("observatoire-indicateurs", "/observatoire/indicateurs/"),
    ("observatoire-indicateur", "/observatoire/indicateurs/alliances-innovation-fragilites/"),
    ("observatoire-population", "/observatoire/populations/citoyens/"),
    ("observatoire-region", "/observatoire/territoires/76/"),
    ("observatoire-departement", "/observatoire/territoires/departement/32/"),
    ("observatoire-fragilites", "/observatoire/fragilites/"),
    ("observatoire-representativite", "/observatoire/representativite/"),
    ("fiches", "/fiches/"),
    ("fiche-region", "/fiches/region/76/"),
    ("fiche-departement", "/fiches/departement/32/"),
    ("fiche-profil", "/fiches/profil/association/"),
    ("ressources", "/ressources/"),
    ("ressources-filtrees", "/ressources/?q=évaluation&kind=methode"),
    ("ressource", "/ressources/rameau-evaluation-partenariale-en-pratique/"),
    ("evenements", "/evenements/"),
    ("diagnostic", "/diagnostic/"),
    ("diagnostic-statistiques", "/diagnostic/statistiques/"),
    ("charte", "/charte/"),
    ("charte-signer", "/charte/signer/"),
    ("charte-signataires", "/charte/signataires/"),
    ("odd", "/odd/"),
    ("odd-17", "/odd/17/"),
    ("taxonomies", "/taxonomies/"),
    ("taxonomie", "/taxonomies/actor_profiles/"),
    ("donnees", "/donnees/"),
    ("sources", "/sources/"),
    ("api", "/api/v1/"),
    ("confidentialite", "/confidentialite/"),
    ("inscription", "/comptes/inscription/"),
    ("connexion", "/comptes/login/"),
    ("mot-de-passe-oublie", "/comptes/password_reset/"),
    ("contribuer", "/contributions/"),
    ("signaler", "/contributions/signaler/ptce-le-phares/"),
    ("portails", "/portails/"),
    ("portail", "/portails/emploi-bfc/"),
]
# Pages behind sign-in, per account (tests/browser/seed_accounts.py).
SIGNED_IN_PAGES = [
    ("espaces", "contributrice@example.org", "/espaces/"),
    ("espace", "contributrice@example.org", "@workspace"),
    ("recherches-suivies", "contributrice@example.org", "/recherches/"),
    (
        "suivre-recherche",
        "contributrice@example.org",
        "/recherches/enregistrer/?q=eau&domain=environnement_climat",
    ),
    ("proposer", "contributrice@example.org", "/contributions/proposer/"),
    ("corriger", "contributrice@example.org", "/contributions/corriger/ptce-le-phares/"),
    ("mes-contributions", "contributrice@example.org", "/contributions/mes-contributions/"),
    ("mes-donnees", "contributrice@example.org", "/comptes/mes-donnees/"),
    ("moderation", "curateur@example.org", "/contributions/moderation/"),
    ("signalements", "curateur@example.org", "/contributions/moderation/signalements/"),
]
# The page types also checked in English (the language check runs both ways).
ENGLISH_PAGES = {
    "accueil",
    "recherche",
    "recherche-lieu",
    "alliance",
    "territoire-departement",
    "territoire-commune",
    "observatoire",
    "observatoire-departement",
    "fiche-departement",
    "diagnostic",
    "inscription",
    "connexion",
    "contribuer",
    "charte",
    "ressources",
}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


# --- the interface strings of each language, from the compiled catalogues ---------------------
def _normal(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _catalogue() -> tuple[set[str], set[str]]:
    """(French interface strings, English interface strings), those that differ only."""
    french, english = set(), set()
    for mo in sorted(ROOT.glob("alliances/**/locale/en/LC_MESSAGES/django.mo")):
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
        for msgid, msgstr in catalog.items():
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            if not key or not isinstance(msgstr, str):
                continue
            fr, en = _normal(key), _normal(msgstr)
            if fr == en or "%" in fr or "{" in fr or len(fr) < 4 or not re.search(r"[a-zA-Z]", fr):
                continue
            french.add(fr)
            english.add(en)
    # Proper names written the same in both languages.
    same = {"France"}
    return french - english - same, english - french - same


FRENCH_STRINGS, ENGLISH_STRINGS = _catalogue()
INTERFACE_TEXTS = """() => {
  const lang = document.documentElement.lang;
  const selector = 'header a, header button, header label, nav a, footer a, footer h2, main h1, '
    + 'main h2, main label, main button, main legend, main summary, main caption, main thead th, '
    + 'main dt, main .btn, main .chip';
  return Array.from(document.querySelectorAll(selector))
    .filter(el => { const owner = el.closest('[lang]'); return !owner || owner.lang === lang; })
    .filter(el => el.offsetParent !== null || el.closest('details'))
    .map(el => el.innerText.replace(/\\s+/g, ' ').trim())
    .filter(text => text.length > 0);
}"""


def wrong_language(page, language: str) -> list[str]:
    """Interface texts of the page that are strings of the other language."""
    foreign = ENGLISH_STRINGS if language == "fr" else FRENCH_STRINGS
    return sorted({t for t in page.evaluate(INTERFACE_TEXTS) if _normal(t) in foreign})


# --- shared pages ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def resolved(browser, site_url):
    """Addresses that depend on the data: an organisation, the seeded workspace."""
    context = browser.new_context()
    page = context.new_page()
    payload = page.request.get(site_url + "/alliances/ptce-le-phares/?format=json").json()
    addresses = {"@organisation": payload["partners"][0]["url"]}
    sign_in(page, site_url, "contributrice@example.org")
    page.goto(site_url + "/espaces/")
    addresses["@workspace"] = page.locator("main a[href^='/espaces/']").first.get_attribute("href")
    context.close()
    return addresses


@pytest.fixture(scope="module")
def shared_pages(browser, site_url):
    """One page per (viewport, language, account), created on first use."""
    pages: dict[tuple[str, str, str], object] = {}
    contexts = []

    def get(viewport: str, language: str = "fr", account: str = ""):
        key = (viewport, language, account)
        if key not in pages:
            context = browser.new_context(
                viewport=VIEWPORTS[viewport], locale="fr-FR" if language == "fr" else "en-GB"
            )
            contexts.append(context)
            context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
            page = context.new_page()
            if account:
                sign_in(page, site_url, account)
            pages[key] = page
        return pages[key]

    yield get
    for context in contexts:
        context.close()


def check_page(page, site_url: str, path: str, name: str, viewport: str, language: str) -> None:
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert page.locator("main h1").count() >= 1, path
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    folder = SCREENSHOTS / f"{language}-{viewport}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert overflow <= 0, f"{path}: the page is {overflow}px wider than the screen"
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert found == [], path
    assert wrong_language(page, language) == [], path


def _address(path: str, resolved: dict[str, str]) -> str:
    return resolved.get(path, path)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[n for n, _ in PUBLIC_PAGES])
def test_public_page(shared_pages, site_url, resolved, viewport, name, path):
    check_page(shared_pages(viewport), site_url, _address(path, resolved), name, viewport, "fr")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(
    ("name", "email", "path"), SIGNED_IN_PAGES, ids=[n for n, _e, _p in SIGNED_IN_PAGES]
)
def test_signed_in_page(shared_pages, site_url, resolved, viewport, name, email, path):
    page = shared_pages(viewport, "fr", email)
    check_page(page, site_url, _address(path, resolved), name, viewport, "fr")


ENGLISH = [(n, p) for n, p in PUBLIC_PAGES if n in ENGLISH_PAGES]


@pytest.mark.parametrize(("name", "path"), ENGLISH, ids=[n for n, _ in ENGLISH])
def test_english_page(shared_pages, site_url, resolved, name, path):
    page = shared_pages("desktop", "en")
    check_page(page, site_url, _address(path, resolved), name, "desktop", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_catalogues_give_the_language_check_something_to_find():
    # The check is only as good as its lists: both hold the strings of every app.
    assert "Rechercher des alliances" in FRENCH_STRINGS
    assert "Search alliances" in ENGLISH_STRINGS or "Find alliances" in ENGLISH_STRINGS
    assert len(FRENCH_STRINGS) > 500 and len(ENGLISH_STRINGS) > 500


def test_screenshots_are_written_for_review():
    # Runs after the page tests in this module (pytest keeps file order).
    shots = list(Path(SCREENSHOTS).glob("fr-desktop/*.png"))
    assert len(shots) >= len(PUBLIC_PAGES)
