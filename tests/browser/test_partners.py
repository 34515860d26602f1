"""Faire alliance in a real browser (issue 17).

1. A partner of a published shipped alliance asks for its workspace from the alliance page
   (on a phone), a curator accepts it, and the partner finds it under /espaces/.
2. An association publishes a need; a company answers through the platform; neither address
   shows until the association replies.

The organisations are those of the shipped base; the people, their addresses and what they
write are test data.
"""

import pytest
from browser_helpers import PASSWORD as CURATOR_PASSWORD

pytestmark = pytest.mark.browser

PASSWORD = "Parcours-Partenaires-2026"
SEED = f"""
from django.contrib.auth import get_user_model
from django.db.models import Count
from alliances.base.models import Alliance, Organisation
from alliances.partners.models import Claim

User = get_user_model()
alliance = (
    Alliance.objects.published().filter(workspace__isnull=True)
    .annotate(n=Count("partners")).filter(n__gte=2).order_by("pk").first()
)
first, second = [p.organisation for p in alliance.partners.order_by("position", "pk")[:2]]
User.objects.create_user(username="espace.partenaire@example.net",
                         email="espace.partenaire@example.net", password="{PASSWORD}")
asso = User.objects.create_user(username="besoin.asso@example.net",
                                email="besoin.asso@example.net", password="{PASSWORD}")
company = User.objects.create_user(username="offre.entreprise@example.net",
                                   email="offre.entreprise@example.net", password="{PASSWORD}")
Claim.objects.create(user=asso, organisation=first, status="approved", via="curator")
Claim.objects.create(user=company, organisation=second, status="approved", via="curator")
print(alliance.slug, first.pk, second.pk)
"""


@pytest.fixture(scope="module")
def seeded(site):
    slug, first, second = site.shell(SEED).strip().splitlines()[-1].split()
    return site.url, slug, int(first), int(second)


def _context(browser, width: int):
    return browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})


def _sign_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url + "/comptes/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide at {width} px"


def test_a_partner_asks_for_the_workspace_and_gets_it(seeded, browser):
    url, slug, first, _second = seeded
    phone = _context(browser, 390)
    partner = phone.new_page()
    _sign_in(partner, url, "espace.partenaire@example.net")
    partner.goto(f"{url}/alliances/{slug}/")
    block = partner.locator("section.partners-space")
    assert "Espace partenaires" in block.inner_text()
    block.locator("select[name=organisation]").select_option(str(first))
    block.locator("button[type=submit]").click()
    partner.wait_for_load_state()
    assert "un curateur l'examine" in partner.inner_text("main")
    _fits(partner, 390)

    office = _context(browser, 1366)
    curator = office.new_page()
    _sign_in(curator, url, "curateur@example.org", CURATOR_PASSWORD)
    curator.goto(f"{url}/partenaires/moderation/")
    row = curator.locator("li", has_text="espace.partenaire@example.net")
    row.locator("button[value=approve]").click()
    curator.wait_for_load_state()
    assert "Décision enregistrée." in curator.inner_text("main")

    partner.goto(f"{url}/espaces/")
    assert partner.locator("main ul a").count() >= 1  # the new workspace is listed
    partner.goto(f"{url}/alliances/{slug}/")
    partner.locator("section.partners-space a").click()
    partner.wait_for_load_state()
    assert "/espaces/" in partner.url
    _fits(partner, 390)
    phone.close()
    office.close()


def test_a_need_answered_without_exposing_addresses(seeded, browser):
    url, _slug, first, second = seeded
    desk = _context(browser, 1366)
    asso = desk.new_page()
    _sign_in(asso, url, "besoin.asso@example.net")
    asso.goto(f"{url}/partenaires/publier/?organisation={first}")
    asso.check("input[name=direction][value=need]")
    asso.select_option("select[name=kind]", "mecenat_competences")
    asso.fill("input[name=title]", "Un regard comptable (essai navigateur)")
    asso.fill("textarea[name=description]", "Une demi-journée par mois pour nos comptes.")
    asso.select_option("select[name=reach]", "national")
    asso.locator("main form button[type=submit]").click()
    asso.wait_for_load_state()
    # The first publication of an account waits for a curator.
    assert "attend l'accord d'un curateur" in asso.inner_text("main")
    need_url = asso.url

    office = _context(browser, 1366)
    curator = office.new_page()
    _sign_in(curator, url, "curateur@example.org", CURATOR_PASSWORD)
    curator.goto(f"{url}/partenaires/moderation/")
    curator.locator("li", has_text="Un regard comptable").locator("button[value=approve]").click()
    curator.wait_for_load_state()

    company_context = _context(browser, 390)
    company = company_context.new_page()
    _sign_in(company, url, "offre.entreprise@example.net")
    company.goto(f"{url}/partenaires/?q=regard+comptable")
    company.locator("main a", has_text="Un regard comptable").click()
    company.wait_for_load_state()
    assert company.url.split("?")[0] == need_url.split("?")[0]
    assert "Partenaires possibles" in company.inner_text("main")
    company.locator("main a", has_text="Répondre par la plateforme").click()
    company.fill("textarea[name=body]", "Nous pouvons vous aider (message d'essai).")
    company.locator("main form button[type=submit]").first.click()
    company.wait_for_load_state()
    text = company.inner_text("main")
    assert "votre adresse reste cachée" in text
    assert "besoin.asso@example.net" not in text
    _fits(company, 390)

    asso.goto(f"{url}/partenaires/mon-organisation/")
    asso.locator("main a", has_text="message reçu").first.click()
    asso.wait_for_load_state()
    assert "offre.entreprise@example.net" not in asso.inner_text("main")
    asso.fill("textarea[name=body]", "Merci, parlons-en (réponse d'essai).")
    asso.locator("main form button[type=submit]").first.click()
    asso.wait_for_load_state()
    company.reload()
    text = company.inner_text("main")
    assert "besoin.asso@example.net" in text and "offre.entreprise@example.net" in text
    desk.close()
    office.close()
    company_context.close()


LISTINGS_SEED = """
from django.utils import timezone
from alliances.base.models import Organisation
from alliances.partners.models import Listing
from alliances.territories.models import Territory

orgs = list(Organisation.objects.order_by("pk")[:3])
lyon = Territory.objects.get(level="commune", code="69123")
paris = Territory.objects.get(level="commune", code="75056")
rows = [
    ("need", "benevoles", "Des bénévoles pour l'aide aux devoirs (essai)", lyon, "local"),
    ("need", "mecenat_competences", "Un comptable en mécénat de compétences (essai)", paris,
     "departement"),
    ("offer", "locaux", "Une salle de réunion prêtée le soir (essai)", lyon, "local"),
    ("offer", "materiel", "Des ordinateurs reconditionnés à donner (essai)", paris, "region"),
]
for i, (direction, kind, title, place, reach) in enumerate(rows):
    Listing.objects.create(organisation=orgs[i % len(orgs)], direction=direction, kind=kind,
                           title=title, description="Donnée d'essai du navigateur.",
                           territory=place, reach=reach, status="published",
                           published_at=timezone.now())
print("ok")
"""


def test_the_list_of_needs_and_offers_is_searched_like_the_base(site, browser):
    assert site.shell(LISTINGS_SEED).strip().endswith("ok")
    for width in (1366, 390):
        context = _context(browser, width)
        page = context.new_page()
        page.goto(f"{site.url}/partenaires/?q=benevoles")
        assert "Des bénévoles pour l'aide aux devoirs" in page.inner_text("main")
        assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
        _fits(page, width)
        page.goto(f"{site.url}/partenaires/")
        facets = page.locator("details#filtres")
        summary = facets.locator("summary")
        # Folded under "Filtres" on a phone; always shown beside the results on a wide screen.
        assert summary.is_visible() == (width < 1024)
        if summary.is_visible():
            summary.click()
        assert "Nature" in facets.inner_text() and "Région" in facets.inner_text()
        _fits(page, width)
        # A box ticked applies at once (the base's apply-on-change script).
        with page.expect_navigation():
            facets.locator("#facette-direction input[value=propositions]").check()
        assert "sens=propositions" in page.url
        assert "Des bénévoles" not in page.inner_text("main .results")
        assert page.locator("ul.chips a.chip").count() == 1
        _fits(page, width)
        context.close()
