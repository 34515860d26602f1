"""Each page type, opened in Chromium: it renders, and axe-core finds no serious or critical
accessibility violation (WCAG 2.1 A and AA rules)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

# One URL per page type. Parts add theirs as they land.
PAGES = [
    "/",
    "/sources/",
    "/api/v1/",
    "/odd/",
    "/odd/17/",
    "/taxonomies/",
    "/taxonomies/actor_profiles/",
    "/ressources/",
    "/ressources/?q=évaluation&kind=methode",
    "/ressources/rameau-evaluation-partenariale-en-pratique/",
    "/evenements/",
    "/charte/",
    "/charte/signer/",
    "/charte/signataires/",
    "/alliances/",
    "/alliances/?q=emploi&domain=emploi_insertion",
    "/alliances/?territory=commune:25056",
    "/alliances/?q=zzzz",
    "/alliances/ptce-le-phares/",
    "/donnees/",
    "/confidentialite/",
    "/comptes/inscription/",
    "/comptes/login/",
    "/observatoire/",
    "/observatoire/indicateurs/",
    "/observatoire/indicateurs/alliances-innovation-fragilites/",
    "/observatoire/populations/citoyens/",
    "/observatoire/territoires/27/",
    "/observatoire/fragilites/",
    "/observatoire/representativite/",
    "/fiches/",
    "/fiches/region/27/",
    "/fiches/profil/association/",
    "/territoires/",
    "/territoires/?q=st+etienne",
    "/territoires/region/27/",
    "/territoires/departement/25/",
    "/territoires/epci/242500361/",
    "/territoires/commune/25056/",
    "/territoires/pays/FR/",
    "/diagnostic/",
    "/diagnostic/statistiques/",
    "/contributions/",
    "/contributions/signaler/ptce-le-phares/",
    "/portails/",
    "/portails/emploi-bfc/",
]
# Pages behind sign-in (accounts made by seed_accounts.py), per account.
SIGNED_IN_PAGES = [
    ("contributrice@example.org", "/recherches/"),
    ("contributrice@example.org", "/recherches/enregistrer/?q=eau&domain=environnement_climat"),
    ("contributrice@example.org", "/contributions/proposer/"),
    ("contributrice@example.org", "/contributions/corriger/ptce-le-phares/"),
    ("contributrice@example.org", "/contributions/mes-contributions/"),
    ("contributrice@example.org", "/comptes/mes-donnees/"),
    ("curateur@example.org", "/contributions/moderation/"),
    ("curateur@example.org", "/contributions/moderation/signalements/"),
]
PASSWORD = "Navigateur-Essai-2026"  # tests/browser/seed_accounts.py

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v.get("impact") in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(page, site_url, path):
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("main h1").count() >= 1
    results = Axe().run(page, options=AXE_OPTIONS)
    assert _serious(results.response["violations"]) == []


@pytest.mark.parametrize(("email", "path"), SIGNED_IN_PAGES)
def test_signed_in_page_has_no_serious_accessibility_violation(page, site_url, email, path):
    page.goto(site_url + "/comptes/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("main h1").count() >= 1
    results = Axe().run(page, options=AXE_OPTIONS)
    assert _serious(results.response["violations"]) == []


def test_the_widget_is_accessible_and_has_no_script(page, site_url):
    response = page.goto(site_url + "/portails/emploi-bfc/widget/?limit=5")
    assert response is not None and response.status == 200
    assert page.locator("script").count() == 0
    results = Axe().run(page, options=AXE_OPTIONS)
    assert _serious(results.response["violations"]) == []


def test_skip_link_moves_focus_to_the_content(page, site_url):
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Aller au contenu" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_language_switch_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(site_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.select_option("#language-select", "en")
    page.click(".lang-switch button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to content").count() == 1
    context.close()
