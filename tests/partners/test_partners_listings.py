"""Item 2: needs and offers: publish (first one waits for a curator), expire, list, filter."""

from datetime import timedelta

from django.utils import timezone

from alliances.partners.models import Listing


def _data(**changes) -> dict:
    data = {
        "direction": "need",
        "kind": "mecenat_competences",
        "title": "Un comptable bénévole",
        "description": "Pour tenir nos comptes une demi-journée par mois.",
        "domains": ["emploi_insertion"],
        "place": "Rhône",
        "reach": "departement",
        "starts_on": "",
        "ends_on": "",
    }
    data.update(changes)
    return data


def _publish(client, org, **changes):
    return client.post("/partenaires/publier/", {"organisation": org.pk, **_data(**changes)})


def test_publishing_needs_a_represented_organisation(orgs, people, as_user):
    client = as_user(people["stranger"])
    page = client.get("/partenaires/publier/").content.decode()
    assert "Revendiquer ce profil" in page
    _publish(client, orgs["asso"])
    assert not Listing.objects.exists()


def test_first_publication_waits_then_the_next_ones_appear(
    orgs, people, as_user, represent, client_fr
):
    represent(people["asso"], orgs["asso"])
    client = as_user(people["asso"])
    response = _publish(client, orgs["asso"])
    first = Listing.objects.get()
    assert response["Location"] == first.get_absolute_url()
    assert first.status == "pending" and first.territory.code == "69"
    assert list(first.domains.values_list("key", flat=True)) == ["emploi_insertion"]
    assert client_fr.get(first.get_absolute_url()).status_code == 404
    assert client.get(first.get_absolute_url()).status_code == 200  # its owner sees it
    as_user(people["curator"]).post(
        f"/partenaires/moderation/publication/{first.pk}/", {"decision": "approve"}
    )
    first.refresh_from_db()
    assert first.status == "published"
    # About six months from the approval.
    assert timedelta(days=180) < first.expires_at - timezone.now() < timedelta(days=186)
    _publish(client, orgs["asso"], title="Des locaux", kind="locaux", direction="need")
    assert Listing.objects.get(title="Des locaux").status == "published"
    listing = client_fr.get("/partenaires/").content.decode()
    assert "Un comptable bénévole" in listing and "Des locaux" in listing


def test_bad_input_is_named(orgs, people, as_user, represent):
    represent(people["asso"], orgs["asso"])
    response = _publish(
        as_user(people["asso"]),
        orgs["asso"],
        title="",
        place="Nullepartville",
        starts_on="2026-05-01",
        ends_on="2026-01-01",
    )
    page = response.content.decode()
    assert "Nullepartville" in page and "La fin de la période précède son début." in page
    assert not Listing.objects.exists()


def _listing(org, **fields) -> Listing:
    values = {
        "organisation": org,
        "direction": "need",
        "kind": "benevoles",
        "title": "Titre",
        "description": "Description",
        "status": "published",
        "published_at": timezone.now(),
    }
    values.update(fields)
    return Listing.objects.create(**values)


def test_expired_and_closed_leave_the_list(orgs, client_fr):
    from alliances.territories.models import Territory

    lyon = Territory.objects.get(level="commune", code="69123")
    _listing(orgs["asso"], title="Ouvert zq", territory=lyon)
    _listing(orgs["asso"], title="Expiré zq", expires_at=timezone.now() - timedelta(days=1))
    _listing(orgs["asso"], title="Fermé zq", status="closed")
    page = client_fr.get("/partenaires/?q=zq").content.decode()
    assert "Ouvert zq" in page and "Expiré zq" not in page and "Fermé zq" not in page


def test_filters(orgs, client_fr):
    from alliances.territories.models import Territory

    lyon = Territory.objects.get(level="commune", code="69123")
    paris = Territory.objects.get(level="commune", code="75056")
    _listing(orgs["asso"], title="Besoin lyonnais", territory=lyon)
    _listing(
        orgs["company"], title="Offre lyonnaise", territory=lyon, direction="offer", kind="materiel"
    )
    _listing(orgs["company"], title="Offre parisienne", territory=paris, direction="offer")

    def titles(query: str) -> set[str]:
        return {x.title for x in client_fr.get("/partenaires/" + query).context["found"].results}

    assert titles("?sens=propositions") == {"Offre lyonnaise", "Offre parisienne"}
    assert titles("?lieu=Auvergne-Rhône-Alpes") == {"Besoin lyonnais", "Offre lyonnaise"}
    assert titles("?lieu=departement:69&nature=materiel") == {"Offre lyonnaise"}
    found = client_fr.get("/partenaires/?nature=inconnue&lieu=Nulle-Part-Xyz").context["found"]
    assert any("inconnue" in n for n in found.notices)
    assert any("Nulle-Part-Xyz" in n for n in found.notices)


def test_owner_confirms_and_closes(orgs, people, as_user, represent, client_fr):
    represent(people["asso"], orgs["asso"])
    listing = _listing(orgs["asso"], expires_at=timezone.now() + timedelta(days=3))
    client = as_user(people["asso"])
    assert (
        as_user(people["stranger"]).post(f"/partenaires/{listing.pk}/confirmer/").status_code == 403
    )
    client.post(f"/partenaires/{listing.pk}/confirmer/")
    listing.refresh_from_db()
    assert listing.expires_at - timezone.now() > timedelta(days=180)
    client.post(f"/partenaires/{listing.pk}/fermer/")
    listing.refresh_from_db()
    assert listing.status == "closed"
    assert client_fr.get(listing.get_absolute_url()).status_code == 404


def test_a_published_need_can_be_reported(orgs, people, as_user):
    listing = _listing(orgs["asso"], title="Contenu douteux")
    client = as_user(people["stranger"])
    assert "Signaler ce contenu" in client.get(listing.get_absolute_url()).content.decode()
    client.post(f"/partenaires/{listing.pk}/signaler/", {"reason": "Publicité déguisée"})
    listing.refresh_from_db()
    assert listing.status == "published"  # a report never closes it by itself
    queue = as_user(people["curator"]).get("/partenaires/moderation/").content.decode()
    assert "Publicité déguisée" in queue and "Contenu douteux" in queue


def test_unknown_action_is_refused(orgs, people, as_user, represent):
    represent(people["asso"], orgs["asso"])
    listing = _listing(orgs["asso"])
    assert as_user(people["asso"]).post(f"/partenaires/{listing.pk}/nimporte/").status_code == 404
    listing.refresh_from_db()
    assert listing.status == "published"


def test_the_place_page_shows_its_needs_and_offers(orgs, client_fr):
    from alliances.territories.models import Territory

    _listing(
        orgs["asso"],
        title="Besoin du Rhône",
        territory=Territory.objects.get(level="commune", code="69123"),
    )
    page = client_fr.get("/territoires/departement/69/").content.decode()
    assert "Besoins et propositions" in page and "Besoin du Rhône" in page
    assert "?lieu=departement:69" in page
    assert "Besoin du Rhône" not in client_fr.get("/territoires/departement/13/").content.decode()


def test_an_empty_list_leads_to_publishing_and_to_the_alliances_near_you(client_fr, client_en):
    page = client_fr.get("/partenaires/?q=aucun-mot-ne-correspond").content.decode()
    assert "Aucun besoin ni aucune proposition ne correspond" in page
    assert 'href="/alliances/"' in page
    assert "No need or offer matches yet" in client_en.get("/partenaires/?q=zzz").content.decode()
