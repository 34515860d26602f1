"""Taking a diagnosis through the web pages: start, steps, resume link, result, PDF."""

import re
import shutil
import subprocess

import pytest
from django.test import Client
from maturity_helpers import answer_all

from alliances.maturity.models import Diagnosis, ReferentialVersion

pytestmark = pytest.mark.django_db


def start(client, referential="organisation", profile="association", **extra):
    data = {"referential": referential, "profile": profile, **extra}
    response = client.post("/diagnostic/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Diagnosis.objects.latest("created_at"), response


def post_step(client, diagnosis, step, answers):
    data = {}
    for key, value in answers.items():
        data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return client.post(f"/diagnostic/{diagnosis.token}/etape/{step}/", data)


def complete(client, diagnosis, pick="best"):
    ref = diagnosis.referential.referential
    for number, axis in enumerate(ref.axes, start=1):
        response = post_step(client, diagnosis, number, answer_all(ref, pick, axis.key))
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_start_page_fr_and_en(client_fr, client_en):
    fr = client_fr.get("/diagnostic/").content.decode()
    assert "Autodiagnostic de maturité" in fr and "Découverte" in fr
    assert 'name="csrfmiddlewaretoken"' in fr
    en = client_en.get("/diagnostic/").content.decode()
    assert "Maturity self-diagnosis" in en and "Discovery" in en


def test_start_form_errors(client_fr):
    response = client_fr.post("/diagnostic/", {"referential": "nope", "profile": ""})
    assert response.status_code == 400
    assert Diagnosis.objects.count() == 0


def test_flow_through_all_steps_with_resume_link(client_fr):
    diagnosis, response = start(client_fr, consent_to_aggregate="on")
    assert response["Location"] == f"/diagnostic/{diagnosis.token}/etape/1/"
    assert len(diagnosis.token) >= 40
    page = client_fr.get(response["Location"]).content.decode()
    assert "Étape 1 sur 5" in page
    assert '<progress id="progress-1" max="5" value="1">' in page
    assert f"/diagnostic/{diagnosis.token}/" in page and "lien privé" in page
    ref = diagnosis.referential.referential
    # step 1, then "come back later" through the resume link
    post_step(client_fr, diagnosis, 1, answer_all(ref, "best", "strategie"))
    other = Client(HTTP_ACCEPT_LANGUAGE="fr")  # another browser: no session needed
    resume = other.get(f"/diagnostic/{diagnosis.token}/").content.decode()
    assert "Étape 2 sur 5" in resume and f"/diagnostic/{diagnosis.token}/etape/2/" in resume
    # a later step cannot be skipped to
    skip = other.get(f"/diagnostic/{diagnosis.token}/etape/4/")
    assert skip.status_code == 302 and skip["Location"].endswith("/etape/2/")
    # the first step shows its saved answers
    step1 = other.get(f"/diagnostic/{diagnosis.token}/etape/1/").content.decode()
    assert re.search(r'value="portefeuille" checked', step1)
    for number, axis in enumerate(ref.axes[1:], start=2):
        response = post_step(other, diagnosis, number, answer_all(ref, "best", axis.key))
        assert response.status_code == 302
    assert response["Location"] == f"/diagnostic/{diagnosis.token}/resultat/"
    diagnosis.refresh_from_db()
    assert diagnosis.completed and diagnosis.overall_level == 4
    assert diagnosis.axis_levels == {a.key: 4 for a in ref.axes}


def test_missing_answer_is_asked_again(client_fr):
    diagnosis, _ = start(client_fr)
    answers = answer_all(diagnosis.referential.referential, "best", "strategie")
    del answers["strat_projet"]
    response = post_step(client_fr, diagnosis, 1, answers)
    assert response.status_code == 200
    assert "Répondez à cette question pour continuer." in response.content.decode()
    diagnosis.refresh_from_db()
    assert diagnosis.answers == {} and diagnosis.current_step == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("strat_portefeuille", "milliers", "l&#x27;option « milliers » n&#x27;existe pas"),
        ("strat_gouvernance", "7", "la valeur 7 sort de l&#x27;échelle"),
        (
            "strat_objectifs",
            ["innovation", "piratage"],
            "l&#x27;option « piratage » n&#x27;existe pas",
        ),
    ],
)
def test_tampered_post_is_refused_and_earlier_answers_kept(client_fr, key, value, message):
    diagnosis, _ = start(client_fr)
    ref = diagnosis.referential.referential
    post_step(client_fr, diagnosis, 1, answer_all(ref, "worst", "strategie"))
    diagnosis.refresh_from_db()
    saved = dict(diagnosis.answers)
    answers = answer_all(ref, "best", "strategie")
    answers[key] = value
    response = post_step(client_fr, diagnosis, 1, answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Réponse refusée" in page and message in page
    assert "vos réponses précédentes sont conservées" in page
    diagnosis.refresh_from_db()
    assert diagnosis.answers == saved and diagnosis.current_step == 2


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/diagnostic/", {"referential": "organisation", "profile": "association"}
    )
    assert response.status_code == 403


def test_profile_rules_hide_questions(client_fr):
    company, _ = start(client_fr, profile="entreprise")
    page = client_fr.get(f"/diagnostic/{company.token}/etape/1/").content.decode()
    assert "Vos politiques publiques" not in page
    ref = company.referential.referential
    for number, axis in enumerate(ref.axes[:2], start=1):
        post_step(client_fr, company, number, answer_all(ref, "best", axis.key))
    page = client_fr.get(f"/diagnostic/{company.token}/etape/3/").content.decode()
    assert "mécénat de compétences" in page and "bénévoles et administrateurs" not in page
    authority, _ = start(client_fr, profile="collectivite")
    page = client_fr.get(f"/diagnostic/{authority.token}/etape/1/").content.decode()
    assert "Vos politiques publiques" in page


def test_condition_on_earlier_step_hides_question(client_fr):
    diagnosis, _ = start(client_fr)
    ref = diagnosis.referential.referential
    answers = answer_all(ref, "worst", "strategie")  # strat_portefeuille = aucun
    post_step(client_fr, diagnosis, 1, answers)
    page = client_fr.get(f"/diagnostic/{diagnosis.token}/etape/2/").content.decode()
    assert "Évaluez-vous vos partenariats" not in page
    step2 = answer_all(ref, "best", "processus")
    del step2["proc_evaluation"]  # not applicable: not required
    assert post_step(client_fr, diagnosis, 2, step2).status_code == 302


def test_result_page_with_chart_levels_and_path(client_fr):
    diagnosis, _ = start(client_fr)
    complete(client_fr, diagnosis, "middle")
    response = client_fr.get(f"/diagnostic/{diagnosis.token}/resultat/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Niveau global" in page and "<svg" in page and 'role="img"' in page
    assert "<caption>Niveau et score de chaque axe</caption>" in page
    assert "Ce que signifient les niveaux" in page
    for label in ("Stratégie et gouvernance", "Systèmes et processus", "Ancrage territorial"):
        assert label in page
    assert "Votre parcours" in page


def test_result_before_completion_redirects(client_fr):
    diagnosis, _ = start(client_fr)
    response = client_fr.get(f"/diagnostic/{diagnosis.token}/resultat/")
    assert response.status_code == 302 and response["Location"].endswith("/etape/1/")


def test_unknown_token_is_404(client_fr):
    assert client_fr.get("/diagnostic/pas-un-jeton/").status_code == 404


def test_result_in_english(client_en):
    diagnosis, _ = start(client_en, referential="territoire", profile="collectivite")
    complete(client_en, diagnosis, "worst")
    page = client_en.get(f"/diagnostic/{diagnosis.token}/resultat/").content.decode()
    assert "Overall level" in page and "Shared diagnosis" in page and "Discovery" in page


def test_pdf_export(client_fr):
    diagnosis, _ = start(client_fr)
    complete(client_fr, diagnosis, "middle")
    response = client_fr.get(f"/diagnostic/{diagnosis.token}/resultat.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Résultat de l" in text and "Niveau global" in text
        assert "Stratégie et gouvernance" in text
    else:
        assert len(response.content) > 5000


def test_consent_can_be_changed_from_result(client_fr):
    diagnosis, _ = start(client_fr)
    complete(client_fr, diagnosis)
    client_fr.post(f"/diagnostic/{diagnosis.token}/consentement/", {"consent": "1"})
    diagnosis.refresh_from_db()
    assert diagnosis.consent_to_aggregate
    client_fr.post(f"/diagnostic/{diagnosis.token}/consentement/", {})
    diagnosis.refresh_from_db()
    assert not diagnosis.consent_to_aggregate


def test_diagnosis_keeps_its_version_when_a_new_one_is_published(client_fr):
    from maturity_helpers import shipped_text

    from alliances.maturity.services import install_referential

    diagnosis, _ = start(client_fr)
    install_referential(shipped_text("organisation").replace("version: 2", "version: 3", 1))
    assert ReferentialVersion.objects.get(key="organisation", active=True).version == 3
    complete(client_fr, diagnosis)
    diagnosis.refresh_from_db()
    assert diagnosis.referential.version == 2 and diagnosis.completed


def test_changing_an_answer_after_completion_rescores_and_asks_follow_up(client_fr):
    diagnosis, _ = start(client_fr)
    ref = diagnosis.referential.referential
    post_step(client_fr, diagnosis, 1, answer_all(ref, "worst", "strategie"))  # no partnership
    step2 = answer_all(ref, "best", "processus")
    del step2["proc_evaluation"]  # not applicable yet
    post_step(client_fr, diagnosis, 2, step2)
    for number, axis in enumerate(ref.axes[2:], start=3):
        post_step(client_fr, diagnosis, number, answer_all(ref, "best", axis.key))
    diagnosis.refresh_from_db()
    assert diagnosis.completed
    first_level = diagnosis.axis_levels["strategie"]
    # back to step 1: now a portfolio of partnerships -> the evaluation question applies
    response = post_step(client_fr, diagnosis, 1, answer_all(ref, "best", "strategie"))
    assert response["Location"].endswith("/etape/2/")
    diagnosis.refresh_from_db()
    assert not diagnosis.completed and diagnosis.overall_level is None
    page = client_fr.get(f"/diagnostic/{diagnosis.token}/etape/2/").content.decode()
    assert "Évaluez-vous vos partenariats" in page
    assert client_fr.get(f"/diagnostic/{diagnosis.token}/resultat/").status_code == 302
    response = post_step(client_fr, diagnosis, 2, answer_all(ref, "best", "processus"))
    assert response["Location"].endswith("/resultat/")
    diagnosis.refresh_from_db()
    assert diagnosis.completed and diagnosis.axis_levels["strategie"] > first_level


def test_start_with_territory_code(client_fr):
    from alliances.territories.models import Territory

    region = Territory.objects.filter(level="region").first() or Territory.objects.create(
        level="region", code="99", name="Région test"
    )
    diagnosis, _ = start(
        client_fr, referential="territoire", territory_level="region", territory_code=region.code
    )
    assert diagnosis.territory == region
    response = client_fr.post(
        "/diagnostic/",
        {"referential": "territoire", "profile": "etat", "territory_level": "region",
         "territory_code": "ZZ9"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Aucun territoire de ce niveau n&#x27;a le code « ZZ9 »" in response.content.decode()
