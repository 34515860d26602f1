"""Item 3 on the pages: suggestions explained in words, hidden on request."""

from django.utils import timezone

from alliances.base.models import Alliance, Partner
from alliances.partners import suggestions
from alliances.partners.models import Listing


def test_explanations_in_words():
    labels = {"entreprise": "Entreprise", "emploi_insertion": "emploi et insertion"}
    text = suggestions.explain(
        [
            ("profile", {"profile": "entreprise", "value": 1.0}),
            ("distance", {"km": 12}),
            ("domains", {"domains": ["emploi_insertion"]}),
            ("alliances", {"n": 2, "types": ["mecenat"]}),
        ],
        {**labels, "mecenat": "mécénat"},
    )
    assert text == (
        "Entreprise à 12 km, active en emploi et insertion, partenaire de 2 alliances (mécénat)"
    )


def _need(org) -> Listing:
    need = Listing.objects.create(
        organisation=org,
        direction="need",
        kind="mecenat_competences",
        title="Un comptable",
        description="x",
        status="published",
        published_at=timezone.now(),
        territory=org.territory,
        reach="departement",
    )
    return need


def test_a_need_suggests_nearby_companies_and_offers_with_reasons(orgs, people, as_user):
    alliance = Alliance.objects.create(
        kind="alliance", title="A", slug="a-partenaires-x", status="published"
    )
    Partner.objects.create(alliance=alliance, organisation=orgs["company"])
    need = _need(orgs["asso"])
    offer = Listing.objects.create(
        organisation=orgs["company"],
        direction="offer",
        kind="mecenat_competences",
        title="Deux jours de comptabilité",
        description="x",
        status="published",
        published_at=timezone.now(),
        territory=orgs["company"].territory,
    )
    found = suggestions.for_listing(need, people["asso"])
    keys = [s["key"] for s in found]
    assert f"listing:{offer.pk}" in keys and f"organisation:{orgs['company'].pk}" in keys
    company = next(s for s in found if s["key"] == f"organisation:{orgs['company'].pk}")
    assert company["why"].startswith("Entreprise")
    assert "même intercommunalité" in company["why"]  # Lyon and Villeurbanne: the Métropole
    assert "partenaire de 1 alliance" in company["why"]
    # Hide it: it leaves this person's suggestions.
    client = as_user(people["asso"])
    client.post(
        "/partenaires/masquer/",
        {"subject": f"listing:{need.pk}", "target": company["key"], "next": "/x/"},
    )
    again = [s["key"] for s in suggestions.for_listing(need, people["asso"])]
    assert company["key"] not in again and company["key"] in [
        s["key"] for s in suggestions.for_listing(need, people["stranger"])
    ]


def test_possible_partners_page(client_fr, orgs, alliance):
    page = client_fr.get(f"/partenaires/organisations/{orgs['asso'].pk}/partenaires-possibles/")
    assert page.status_code == 200
    assert "Entreprise d&#x27;essai" in page.content.decode()
