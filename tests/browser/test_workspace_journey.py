"""Three partners of a real shipped alliance (IBM, the Banque alimentaire du Bas-Rhin and the
Conseil départemental du Bas-Rhin) go through a campaign, a model, a yearly report and a
publication, each in their own browser: the company's CSR manager (coordinator) on a desktop
in French, the association's director on a phone in French, the département's officer on a
desktop in English. The people and the figures they type are test data.

Every workspace page met is checked for sideways scrolling at 390 px.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = "Chromium is not installed (run scripts/install-system-deps.sh as root)"
    if os.environ.get("ALLIANCES_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


PASSWORD = "Parcours-Espaces-2026"
SLUG = "ibm-banques-alimentaires-bas-rhin"
SEED = f"""
from django.contrib.auth import get_user_model
from alliances.base.models import Alliance
from alliances.workspaces.models import Membership, Workspace

User = get_user_model()
alliance = Alliance.objects.get(slug="{SLUG}")
partners = {{p.organisation.name: p.organisation for p in alliance.partners.all()}}

def person(email, first, last):
    user = User.objects.create_user(username=email, email=email, password="{PASSWORD}",
                                    first_name=first, last_name=last)
    return user

space = Workspace.objects.create(alliance=alliance)
Membership.objects.create(workspace=space, user=person("rse@example.org", "Marc", "Delattre"),
                          organisation=partners["IBM"], role="coordinator")
Membership.objects.create(workspace=space, user=person("direction@example.org", "Claire", "Muller"),
                          organisation=partners["Banque alimentaire du Bas-Rhin"])
Membership.objects.create(workspace=space, user=person("departement@example.org", "Sami", "Benali"),
                          organisation=partners["Conseil départemental du Bas-Rhin"], language="en")
print(space.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def journey_site():
    """A server of its own: the shared one is seeded for other journeys."""
    _require_browser()
    data_dir = tempfile.mkdtemp(prefix="alliances-workspaces-")
    env = {
        **os.environ,
        "ALLIANCES_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "alliances.settings",
        "DJANGO_SECRET_KEY": "browser-tests-only",
    }
    env.pop("DATABASE_URL", None)
    env.pop("ALLIANCES_TESTING", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "setup", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = subprocess.run(
        [python, "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    workspace = int(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    gunicorn = str(Path(python).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "alliances.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.3)
    yield url, workspace
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Person:
    """One partner in their own browser context (viewport, language)."""

    def __init__(self, chromium, url, email, width, language):
        self.context = chromium.new_context(
            viewport={"width": width, "height": 900},
            locale="fr-FR" if language == "fr" else "en-GB",
            extra_http_headers={"Accept-Language": language},
        )
        self.page = self.context.new_page()
        self.url = url
        self.width = width
        self.page.goto(f"{url}/comptes/login/")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("main button[type=submit]")

    def go(self, path):
        response = self.page.goto(self.url + path)
        assert response.status == 200, path
        self.fits()
        return self.page

    def fits(self):
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= self.width, f"{self.page.url}: {scroll} px wide at {self.width} px"

    def text(self):
        return self.page.inner_text("main")

    def answer_all(self, point, **choices):
        for group in self.page.locator("fieldset.axis .question").all():
            group.locator("input[type=radio]").nth(point - 1).check()
        for name, value in choices.items():
            self.page.locator(f"input[name={name}][value='{value}']").check()


def test_three_partners_campaign_model_report_and_publication(journey_site, chromium):
    url, pk = journey_site
    base = f"/espaces/{pk}"
    csr = Person(chromium, url, "rse@example.org", 1366, "fr")
    director = Person(chromium, url, "direction@example.org", 390, "fr")
    officer = Person(chromium, url, "departement@example.org", 1366, "en")

    # The coordinator opens the campaign; comments will be unsigned.
    csr.go(f"{base}/evaluations/")
    csr.page.fill("input[name=year]", "2026")
    csr.page.check("input[name=comments_attributed][value='0']")
    csr.page.click("main form button[type=submit]")
    assert "Campagne d'évaluation ouverte" in csr.text()

    # On her phone, the director cannot send an untouched form; then answers, one "don't know".
    page = director.go(f"{base}/evaluations/2026/")
    assert page.locator("input[type=radio]:checked").count() == 0
    page.click("button[value=send]")
    assert "20 questions demandent votre attention" in director.text()
    director.fits()
    director.answer_all(4, impact_confiance="dk", equilibre_charge="2")
    page.fill("textarea[name=comment]", "La charge logistique repose sur nos bénévoles.")
    page.click("button[value=send]")
    assert "Vos réponses sont envoyées" in director.text()

    # The département's officer answers in English.
    officer.go(f"{base}/evaluations/2026/")
    officer.answer_all(5)
    officer.page.click("button[value=send]")
    assert "Your answers are sent" in officer.text()

    # Closing asks first and names who has not answered (the coordinator's own company).
    csr.go(f"{base}/evaluations/2026/cloture/")
    confirm = csr.text()
    assert "N'ont pas répondu" in confirm and "IBM" in confirm
    csr.page.click("button.danger")
    results = csr.text()
    assert "NSP" in results and "La charge logistique repose sur nos bénévoles." in results
    assert "regards divergents" in results and "horizon : environ 28 ans" in results
    director.go(f"{base}/evaluations/2026/")  # the cross views fit a phone
    assert "Points à discuter ensemble" in director.text()

    # The model: each partner enters its own contribution; the coordinator an outcome.
    page = director.go(f"{base}/modele/apports/ajouter/volunteering/")
    assert "Sans valeur saisie, une heure de bénévolat compte pour" in director.text()
    page.fill("input[name=year]", "2026")
    page.fill("input[name=hours]", "80")
    page.fill("input[name=people]", "25")
    page.click("main form button[type=submit]")
    page = csr.go(f"{base}/modele/apports/ajouter/skills/")
    page.fill("input[name=year]", "2026")
    page.fill("input[name=hours]", "120")
    page.fill("input[name=people]", "3")
    page.fill("input[name=rate]", "55")
    page.fill("input[name=source]", "Coût horaire chargé de l'équipe (donnée de test)")
    page.click("main form button[type=submit]")
    page = csr.go(f"{base}/modele/resultats/ajouter/")
    for name, value in {
        "year": "2026",
        "label": "Lots tracés de bout en bout",
        "quantity": "4000",
        "unit": "lots",
        "unit_value": "8",
        "source": "Coût de traçabilité manuelle évité par lot (donnée de test)",
        "deadweight": "10",
        "displacement": "0",
        "attribution": "30",
        "duration_years": "1",
        "adjustments_reason": "Estimations des partenaires (données de test).",
    }.items():
        page.fill(f"[name={name}]", value)
    page.click("main form button[type=submit]")
    director.go(f"{base}/modele/")
    model = director.text()
    # 4,000 × 8 € = 32,000 € gross; less 10 % and 30 %: 20,160 € kept.
    assert "32\xa0000" in model and "20\xa0160" in model and "(−10 %)" in model
    assert "Sensibilité" in model and "Comment lire la fourchette" in model

    # The yearly report: drafted by the officer, submitted by the coordinator.
    page = officer.go(f"{base}/rapports/")
    page.fill("#nouveau ~ form [name=year]", "2026")
    page.fill("#nouveau ~ form [name=achievements]", "Test data: the software is in use.")
    page.click("#nouveau ~ form button[type=submit]")
    assert "Draft" in officer.text()
    csr.go(f"{base}/rapports/2026/")
    csr.page.click("text=Déposer le rapport")
    csr.go(f"{base}/")
    assert "Voyant vert" in csr.text()
    director.go(f"{base}/rapports/2026/")

    # Publication of the model: asked of every partner, public only once all agreed.
    csr.go(f"{base}/publication/")
    csr.page.locator("section[aria-labelledby=part-model] button[value=request]").click()
    public = f"{url}/alliances/{SLUG}/"
    visitor = chromium.new_context(viewport={"width": 390, "height": 900}).new_page()
    visitor.goto(public)
    assert "Lots tracés de bout en bout" not in visitor.inner_text("main")
    director.go(f"{base}/publication/")
    director.page.locator("section[aria-labelledby=part-model] button[value=agree]").click()
    officer.go(f"{base}/publication/")
    officer.page.locator("section[aria-labelledby=part-model] button[value=agree]").click()
    visitor.goto(public)
    shown = visitor.inner_text("main")
    assert "Lots tracés de bout en bout" in shown
    assert "Coût de traçabilité manuelle évité par lot" in shown
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390

    # Every workspace page fits a phone, in French and in English.
    for language in ("fr", "en"):
        phone = Person(chromium, url, "rse@example.org", 390, language)
        for path in (
            "/espaces/",
            f"{base}/",
            f"{base}/evaluations/",
            f"{base}/evaluations/2026/rapport/",
            f"{base}/modele/historique/",
            f"{base}/modele/apports/ajouter/premises/",
            f"{base}/indicateurs/ajouter/",
            f"{base}/rapports/2026/modifier/",
            f"{base}/publication/",
        ):
            phone.go(path)
