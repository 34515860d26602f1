"""The DCAT-AP catalogue (JSON-LD) of the platform's datasets.

Each dataset names its licence: Licence Ouverte 2.0 for the platform's own data; shipped
reference data keep the licence of their source.
"""

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from alliances.base.models import Alliance
from alliances.common.models import LoadedDataset
from alliances.library.models import Resource
from alliances.observatory.models import Figure

LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
MIT = "https://opensource.org/license/mit"
GPL3 = "https://www.gnu.org/licenses/gpl-3.0.html"


def _date(value: object) -> str | None:
    return value.date().isoformat() if value else None


def _loaded(name: str) -> str | None:
    dataset = LoadedDataset.objects.filter(name=name).first()
    return _date(dataset.loaded_at) if dataset else None


def datasets(request: HttpRequest) -> list[dict]:
    def url(path: str) -> str:
        return request.build_absolute_uri(path)

    search = reverse("base:search")
    alliances_modified = Alliance.objects.published().aggregate(m=Max("updated_at"))["m"]
    return [
        {
            "id": "alliances",
            "title": "Base des alliances d'intérêt général",
            "description": "Exemples réels d'alliances et de catalyseurs territoriaux : "
            "partenaires, types, domaines, ODD et cibles, territoire, résultats, sources.",
            "licence": LICENCE_OUVERTE,
            "modified": _date(alliances_modified),
            "keywords": ["alliances", "partenariats", "ODD 17", "intérêt général"],
            "distributions": [
                ("text/csv", url(f"{search}?format=csv")),
                ("application/json", url(f"{search}?format=json")),
                ("application/geo+json", url(f"{search}?format=geojson")),
                (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    url(f"{search}?format=xlsx"),
                ),
                ("application/json", url("/api/v1/alliances")),
            ],
        },
        {
            "id": "observatoire",
            "title": "Chiffres de l'Observatoire des partenariats",
            "description": "Chiffres d'enquêtes depuis 2008 par indicateur, population, année et "
            "territoire, avec taille d'échantillon, intervalle de confiance et source.",
            "licence": LICENCE_OUVERTE,
            "modified": _date(Figure.objects.aggregate(m=Max("updated_at"))["m"]),
            "keywords": ["enquêtes", "observatoire", "partenariats"],
            "distributions": [("application/json", url("/api/v1/observatory/figures"))],
        },
        {
            "id": "ressources",
            "title": "Bibliothèque M.E.D.O.C.",
            "description": "Méthodes, exemples, données, outils et compétences publiés par les "
            "acteurs du champ, avec public visé et niveaux de maturité.",
            "licence": LICENCE_OUVERTE,
            "modified": _date(Resource.objects.aggregate(m=Max("updated_at"))["m"]),
            "keywords": ["ressources", "méthodes", "outils"],
            "distributions": [
                ("application/json", url("/api/v1/resources")),
                ("text/csv", url(reverse("library:index") + "?format=csv")),
            ],
        },
        {
            "id": "territoires",
            "title": "Territoires du code officiel géographique",
            "description": "Régions, départements, EPCI et communes, avec leur inclusion "
            "(copie du découpage administratif d'Etalab).",
            "licence": LICENCE_OUVERTE,
            "modified": _loaded("territories"),
            "keywords": ["COG", "communes", "territoires"],
            "distributions": [("application/json", url("/api/v1/territories"))],
        },
        {
            "id": "odd",
            "title": "Objectifs de développement durable et cibles",
            "description": "Les 17 objectifs et 169 cibles en français et en anglais "
            "(open-sdg/sdg-translations).",
            "licence": MIT,
            "modified": _loaded("sdg"),
            "keywords": ["ODD", "SDG"],
            "distributions": [("application/json", url("/api/v1/sdg/goals"))],
        },
        {
            "id": "fiches",
            "title": "Fiches repères",
            "description": "Une fiche par profil d'acteur, domaine, région, département et ODD, "
            "en page web et en PDF.",
            "licence": LICENCE_OUVERTE,
            "modified": _date(timezone.now()),
            "keywords": ["fiches repères", "territoires"],
            "distributions": [("application/json", url("/api/v1/sheets"))],
        },
    ]


def catalogue(request: HttpRequest) -> dict:
    publisher = {
        "@type": "foaf:Organization",
        "foaf:name": settings.ALLIANCES_PUBLISHER_NAME,
    }
    home = request.build_absolute_uri("/")
    entries = []
    for d in datasets(request):
        entries.append(
            {
                "@id": f"{home}donnees/#{d['id']}",
                "@type": "dcat:Dataset",
                "dct:identifier": d["id"],
                "dct:title": {"@language": "fr", "@value": d["title"]},
                "dct:description": {"@language": "fr", "@value": d["description"]},
                "dct:license": {"@id": d["licence"]},
                "dct:publisher": publisher,
                "dct:modified": d["modified"],
                "dcat:keyword": d["keywords"],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": {"@id": access},
                        "dcat:mediaType": media,
                        "dct:license": {"@id": d["licence"]},
                    }
                    for media, access in d["distributions"]
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": f"{home}donnees/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {
            "@language": "fr",
            "@value": "Catalogue des données de la plateforme Alliances",
        },
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_OUVERTE},
        "dcat:dataset": entries,
    }
