"""The journeys of the people the platform is for (docs/shared personas), clicked through in
Chromium as they would: each reaches what they came for in a few steps."""

import re
import uuid
from urllib.parse import parse_qs, urlparse

from browser_helpers import SCREENSHOTS, server_log, sign_in


def _shot(page, name: str) -> None:
    folder = SCREENSHOTS / "parcours"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_association_director_on_her_phone_finds_examples_for_a_place_and_exports(phone, site_url):
    """Rural Occitanie: examples near her → one example → its similar ones → export."""
    page = phone
    page.goto(site_url + "/")
    box = page.locator("#lieu")
    box.fill("Occitanie")
    page.locator("#suggestions-0 [role=option]").first.wait_for()
    page.locator("#suggestions-0 [role=option]", has_text="Occitanie").first.click()
    assert box.input_value() == "Occitanie"
    page.locator(".hero .search-bar button[type=submit]").click()
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query)["territory"] == ["region:76"]
    _shot(page, "1-association-resultats")
    first = page.locator(".result-list > li h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text().strip() == title.strip()
    similar = page.locator("section[aria-labelledby='titre-similaires'] ul.similar a").first
    similar.wait_for()
    similar.click()
    page.wait_for_load_state()
    assert "/alliances/" in page.url and page.locator("main h1").count() == 1
    _shot(page, "2-association-similaire")
    page.go_back()
    page.go_back()
    export = page.locator(".twins a", has_text="CSV").first
    response = page.request.get(site_url + "/alliances/" + export.get_attribute("href"))
    assert response.status == 200 and "text/csv" in response.headers["content-type"]
    assert title.split()[0] in response.text()


def test_mayors_chief_of_staff_gets_the_sheet_pdf_of_her_departement(desktop, site_url):
    """The Gers: the place's page with the survey figures' scope, then its sheet in PDF."""
    page = desktop
    page.goto(site_url + "/")
    page.locator("#lieu").fill("gers")
    page.locator("#suggestions-0 [role=option]", has_text="Gers").first.click()
    page.locator(".hero .search-bar button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(".see-also a", has_text="Gers").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/territoires/departement/32/"
    figures = page.locator("#chiffres").inner_text()
    assert "Occitanie, 2019" in figures and "France entière" in figures
    _shot(page, "3-mairie-territoire")
    link = page.locator("#fiche a", has_text="PDF").first
    response = page.request.get(site_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:4] == b"%PDF"


def test_a_newcomer_signs_up_and_proposes_a_contribution(desktop, site_url):
    page = desktop
    email = f"nouvelle-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(site_url + "/")
    page.locator(".tools a", has_text="Créer un compte").click()
    page.fill("#id_email", email)
    page.fill("#id_first_name", "Camille")
    page.fill("#id_last_name", "Aubrac")
    page.fill("#id_password1", "Aveyron-Partenaires-2026")
    page.fill("#id_password2", "Aveyron-Partenaires-2026")
    page.check("#id_privacy")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    link = re.findall(r"http://\S+/comptes/\S+", server_log())
    assert link, "no confirmation e-mail"
    page.goto(link[-1])
    # Opening the link creates nothing (a mail scanner may open it): the button does.
    page.locator("main form button[type=submit]", has_text="Activer mon compte").click()
    page.wait_for_load_state()
    sign_in(page, site_url, email, "Aveyron-Partenaires-2026")
    assert page.locator(".account-menu").count() == 1, page.locator("main").inner_text()[:500]
    page.locator(".tools a", has_text="Contribuer").click()
    page.wait_for_load_state()
    page.locator("main a[href$='/contributions/proposer/']").first.click()
    page.wait_for_load_state()
    page.check("input[name=kind][value=alliance]")
    page.fill("#id_title", "Transport solidaire des aînés du Ségala")
    page.fill("#id_summary", "Des bénévoles conduisent les aînés isolés aux rendez-vous.")
    page.fill("#id_partner_1_name", "Les Aînés du Ségala")
    page.select_option("#id_partner_1_profile", index=1)
    page.fill("#id_territory", "Rodez")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    _shot(page, "4-contribution-envoyee")
    assert page.locator(".error-summary, .contrib-errors").count() == 0, page.content()[:3000]
    page.goto(site_url + "/contributions/mes-contributions/")
    assert "Transport solidaire des aînés du Ségala" in page.locator("main").inner_text()


def test_csr_manager_reaches_the_partner_workspace_of_his_alliance(desktop, site_url):
    """Near Lille: the alliance from the search, then its partners' workspace."""
    page = desktop
    sign_in(page, site_url, "contributrice@example.org")
    page.goto(site_url + "/alliances/?q=phares")
    page.locator(".result-list a", has_text=re.compile("phares", re.I)).first.click()
    page.wait_for_load_state()
    title = page.locator("main h1").inner_text()
    page.locator(".account-menu summary").click()
    page.locator(".account-menu a", has_text="Mes espaces partenaires").click()
    page.wait_for_load_state()
    page.locator("main a", has_text=title.strip()[:20]).first.click()
    page.wait_for_load_state()
    assert re.search(r"/espaces/\d+/$", page.url)
    assert title.strip()[:20] in page.locator("main").inner_text()
    _shot(page, "5-entreprise-espace")
