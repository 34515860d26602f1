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


# Media types as the IANA registry names them (DCAT-AP wants an IRI of class dct:MediaType),
# and the file types of the EU Publications Office's authority table for `dct:format`.
IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


def _text(value: str) -> dict:
    return {"@language": "fr", "@value": value}


def _licence(iri: str) -> dict:
    return {"@id": iri, "@type": "dct:LicenseDocument"}


def _distribution(media: str, access: str, licence: str) -> dict:
    distribution = {
        "@type": "dcat:Distribution",
        "dcat:accessURL": {"@id": access},
        "dcat:mediaType": {"@id": f"{IANA}{media}", "@type": "dct:MediaType"},
        "dct:license": _licence(licence),
    }
    if media in FILE_TYPES:
        distribution["dct:format"] = {
            "@id": f"{EU_FILE_TYPE}{FILE_TYPES[media]}",
            "@type": "dct:MediaTypeOrExtent",
        }
    return distribution


def _dataset(home: str, publisher: dict, d: dict) -> dict:
    entry = {
        "@id": f"{home}donnees/#{d['id']}",
        "@type": "dcat:Dataset",
        "dct:identifier": d["id"],
        "dct:title": _text(d["title"]),
        "dct:description": _text(d["description"]),
        "dct:license": _licence(d["licence"]),
        "dct:publisher": publisher,
        "dcat:keyword": [_text(k) for k in d["keywords"]],
        "dcat:distribution": [
            _distribution(media, access, d["licence"]) for media, access in d["distributions"]
        ],
    }
    if d["modified"]:  # a dataset never loaded has no date, rather than a made-up one
        entry["dct:modified"] = {"@value": d["modified"], "@type": "xsd:date"}
    return entry


def catalogue(request: HttpRequest) -> dict:
    """The catalogue as DCAT-AP 3.0.0 (and 2.1.1) expects it: checked in the tests with the
    official SHACL shapes (tests/opendata/dcat-ap/)."""
    home = request.build_absolute_uri("/")
    publisher = {
        "@id": f"{home}#editeur",
        "@type": ["foaf:Agent", "foaf:Organization"],
        "foaf:name": settings.ALLIANCES_PUBLISHER_NAME,
    }
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{home}donnees/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _text("Catalogue des données de la plateforme Alliances"),
        "dct:description": _text(
            "Les jeux de données ouverts de la plateforme Alliances : exemples d'alliances "
            "d'intérêt général, chiffres de l'Observatoire des partenariats, ressources, "
            "territoires, objectifs de développement durable et fiches repères, chacun avec "
            "sa licence et ses formats."
        ),
        "dct:publisher": publisher,
        "dct:license": _licence(LICENCE_OUVERTE),
        "dcat:dataset": [_dataset(home, publisher, d) for d in datasets(request)],
    }
