"""Item 3: beside a need, an offer and possible partners, a few published alliances of the
same kind of partnership or domains, labelled as inspiration, each linking to its page
(found through the base search's public interface)."""

from django.utils import timezone

from alliances.base.models import Alliance, Partner
from alliances.partners import inspiration
from alliances.partners.models import Listing, OrganisationProfile
from alliances.referentials.models import Term


def _term(taxonomy, key):
    return Term.objects.get(taxonomy__key=taxonomy, key=key, parent=None)


def _alliance(slug, title, types=(), domains=(), status="published"):
    # The newest first (the shipped base is there too): these start this year.
    alliance = Alliance.objects.create(
        kind="alliance", title=title, slug=slug, status=status, start_year=2026
    )
    alliance.partnership_types.set([_term("partnership_types", k) for k in types])
    alliance.domains.set([_term("domains", k) for k in domains])
    return alliance


def _need(organisation, kind="mecenat_competences", domains=("education",)):
    need = Listing.objects.create(
        organisation=organisation,
        direction="need",
        kind=kind,
        title="Des tuteurs",
        description="x",
        status="published",
        published_at=timezone.now(),
        territory=organisation.territory,
    )
    need.domains.set([_term("domains", k) for k in domains])
    return need


def test_a_need_page_shows_similar_alliances_as_inspiration(orgs, client_fr):
    alike = _alliance("tutorat-mecenat", "Tutorat par mécénat", ["mecenat"], ["education"])
    same_domain = _alliance(
        "ecole-ouverte", "École ouverte", ["innovation_societale"], ["education"]
    )
    unrelated = _alliance("velo-solidaire", "Vélo solidaire", ["pratiques_responsables"], ["sport"])
    draft = _alliance("brouillon-x", "Brouillon", ["mecenat"], ["education"], status="draft")
    own = _alliance("la-notre", "La nôtre", ["mecenat"], ["education"])
    need = _need(orgs["asso"])
    Partner.objects.create(alliance=own, organisation=orgs["asso"])

    found = inspiration.for_listing(need)
    alliances = [x.alliance for x in found]
    assert len(found) == inspiration.LIMIT
    assert alliances[0] == alike  # the same types and domains first
    assert unrelated not in alliances and draft not in alliances and own not in alliances
    assert all(x.shared for x in found)  # each says what it has in common
    assert same_domain in [
        x.alliance for x in inspiration.find(["innovation_societale"], ["education"])
    ]

    page = client_fr.get(need.get_absolute_url()).content.decode()
    assert "Pour s&#x27;inspirer" in page or "Pour s'inspirer" in page
    assert f'href="{alike.get_absolute_url()}"' in page
    assert "En commun : Mécénat" in page


def test_possible_partners_show_inspiration_from_the_profile(orgs, client_fr):
    alike = _alliance("insertion-ensemble", "Insertion ensemble", ["mecenat"], ["emploi_insertion"])
    alike.territory = orgs["company"].territory  # the same région comes first
    alike.save()
    profile = OrganisationProfile.objects.create(organisation=orgs["company"])
    profile.domains.set([_term("domains", "emploi_insertion")])
    url = f"/partenaires/organisations/{orgs['company'].pk}/partenaires-possibles/"
    page = client_fr.get(url).content.decode()
    assert f'href="{alike.get_absolute_url()}"' in page


def test_nothing_to_compare_shows_nothing(orgs, client_fr):
    _alliance("autre", "Autre", ["mecenat"], ["education"])
    url = f"/partenaires/organisations/{orgs['asso'].pk}/partenaires-possibles/"
    assert "Pour s" not in client_fr.get(url).content.decode()
