"""A small, known set of alliances for the search tests (built inside each test's transaction).

Reference rows (terms, SDGs, territories) are fetched or created by their official keys, so
the fixtures work with or without the loaded reference data; alliances already in the
database (the shipped examples) are archived for the duration of the test, so counts are
exactly those of this set.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliances.base.models import Alliance, Organisation, Partner
from alliances.base.search import index
from alliances.referentials.models import Taxonomy, Term
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.territories.models import Territory


def term(taxonomy: str, key: str, label: str, parent: Term | None = None) -> Term:
    tax, _ = Taxonomy.objects.get_or_create(key=taxonomy, defaults={"name_fr": taxonomy})
    obj, _ = Term.objects.get_or_create(
        taxonomy=tax, key=key, defaults={"label_fr": label, "label_en": label, "parent": parent}
    )
    return obj


def goal(number: int) -> SdgGoal:
    obj, _ = SdgGoal.objects.get_or_create(
        number=number,
        defaults={
            "short_fr": f"ODD {number}",
            "short_en": f"SDG {number}",
            "title_fr": f"ODD {number}",
            "title_en": f"SDG {number}",
        },
    )
    return obj


def target(code: str) -> SdgTarget:
    number = int(code.split(".")[0])
    obj, _ = SdgTarget.objects.get_or_create(
        code=code, defaults={"goal": goal(number), "title_fr": code, "title_en": code}
    )
    return obj


def place(level: str, code: str, name: str, parent: Territory | None = None) -> Territory:
    obj = Territory.objects.filter(level=level, code=code).first()
    if obj is not None:
        return obj
    obj = Territory.objects.create(level=level, code=code, name=name, search_name=name.lower())
    obj.parent = parent
    if level == "region":
        obj.region = obj
    elif parent is not None:
        obj.region = parent.region
        obj.departement = obj if level == "departement" else parent.departement
        if level == "commune" and parent.level == "epci":
            obj.epci = parent
        elif level == "epci":
            obj.epci = obj
    obj.save()
    return obj


@dataclass
class World:
    alliances: dict[str, Alliance]
    terms: dict[str, Term]
    places: dict[str, Territory]
    organisations: dict[str, Organisation]

    def ids(self, *names: str) -> set[int]:
        return {self.alliances[n].pk for n in names}


def build_world() -> World:
    Alliance.objects.exclude(status=Alliance.Status.ARCHIVED).update(
        status=Alliance.Status.ARCHIVED
    )
    t = {
        "association": term("actor_profiles", "association", "Association"),
        "entreprise": term("actor_profiles", "entreprise", "Entreprise"),
        "collectivite": term("actor_profiles", "collectivite", "Collectivité"),
        "fondation": term("actor_profiles", "fondation", "Fondation"),
        "mecenat": term("partnership_types", "mecenat", "Mécénat"),
        "cooperation_economique": term(
            "partnership_types", "cooperation_economique", "Coopération économique"
        ),
        "emploi_insertion": term("domains", "emploi_insertion", "Emploi et insertion"),
        "sante": term("domains", "sante", "Santé"),
        "education": term("domains", "education", "Éducation"),
        "environnement_climat": term("domains", "environnement_climat", "Environnement"),
        "experimentation": term("partnering_cycle", "experimentation", "Expérimentation"),
        "deploiement": term("partnering_cycle", "deploiement", "Déploiement"),
    }
    fr = place("pays", "FR", "France")
    bfc = place("region", "27", "Bourgogne-Franche-Comté", fr)
    doubs = place("departement", "25", "Doubs", bfc)
    gbm = place("epci", "242500361", "Grand Besançon Métropole", doubs)
    besancon = place("commune", "25056", "Besançon", gbm)
    bretagne = place("region", "53", "Bretagne", fr)
    ille = place("departement", "35", "Ille-et-Vilaine", bretagne)
    rennes = place("commune", "35238", "Rennes", ille)
    places = {
        "fr": fr,
        "bfc": bfc,
        "doubs": doubs,
        "gbm": gbm,
        "besancon": besancon,
        "bretagne": bretagne,
        "ille": ille,
        "rennes": rennes,
    }
    orgs = {
        "solidarite": Organisation.objects.create(
            name="Association Solidarité Doubs", name_key="t-solidarite", profile=t["association"]
        ),
        "alpha": Organisation.objects.create(
            name="Entreprise Alpha", name_key="t-alpha", profile=t["entreprise"]
        ),
        "fondation": Organisation.objects.create(
            name="Fondation Santé Ouest", name_key="t-fondation", profile=t["fondation"]
        ),
        "ville": Organisation.objects.create(
            name="Ville de Besançon", name_key="t-ville", profile=t["collectivite"]
        ),
    }
    specs = [
        # name, kind, title, summary, description, territory, year, stage, domains, types,
        # partners, goals, targets, status
        (
            "emploi",
            "alliance",
            "Emploi et insertion à Besançon",
            "Un partenariat entre associations et entreprises pour l'économie locale.",
            "Des chantiers d'insertion.",
            besancon,
            2015,
            "experimentation",
            ["emploi_insertion"],
            ["cooperation_economique"],
            ["solidarite", "alpha"],
            [8],
            [],
            "published",
        ),
        (
            "sante",
            "alliance",
            "Partenariats pour la santé en Bretagne",
            "Une fondation soutient des maisons de santé.",
            "",
            bretagne,
            2020,
            "deploiement",
            ["sante"],
            ["mecenat"],
            ["fondation", "alpha"],
            [],
            ["3.8"],
            "published",
        ),
        (
            "pole",
            "catalyst",
            "Pôle territorial de coopération du Doubs",
            "Un catalyseur de l'économie sociale et solidaire.",
            "",
            doubs,
            2010,
            "deploiement",
            ["emploi_insertion", "environnement_climat"],
            ["cooperation_economique"],
            ["solidarite", "ville"],
            [8, 17],
            ["17.17"],
            "published",
        ),
        (
            "national",
            "alliance",
            "Réseau national pour l'éducation",
            "Des écoles et des entreprises partout en France.",
            "",
            fr,
            2018,
            None,
            ["education"],
            ["mecenat"],
            ["alpha"],
            [4],
            [],
            "published",
        ),
        (
            "mobilite",
            "alliance",
            "Mobilité durable dans le Grand Besançon",
            "Covoiturage et transports partagés.",
            "",
            gbm,
            None,
            None,
            ["environnement_climat"],
            [],
            ["ville", "solidarite"],
            [11],
            [],
            "published",
        ),
        (
            "brouillon",
            "alliance",
            "Brouillon secret de partenariat",
            "Pas encore relu.",
            "",
            rennes,
            2021,
            None,
            ["sante"],
            [],
            ["fondation"],
            [],
            [],
            "draft",
        ),
        (
            "script",
            "alliance",
            "<script>alert(1)</script> Jardin partagé",
            "Un <b>jardin</b> partagé & solidaire.",
            "",
            rennes,
            2019,
            None,
            ["environnement_climat"],
            ["mecenat"],
            ["ville"],
            [],
            [],
            "published",
        ),
        (
            "numerique_titre",
            "alliance",
            "Inclusion numérique à Rennes",
            "Des ateliers pour tous.",
            "",
            rennes,
            2022,
            None,
            ["education"],
            [],
            ["solidarite"],
            [],
            [],
            "published",
        ),
        (
            "numerique_desc",
            "alliance",
            "Ateliers solidaires",
            "Des ateliers pour tous.",
            "Avec une part de numérique.",
            rennes,
            2016,
            None,
            ["education"],
            [],
            ["alpha"],
            [],
            [],
            "published",
        ),
    ]
    alliances = {}
    for spec in specs:
        (
            name,
            kind,
            title,
            summary,
            description,
            where,
            year,
            stage,
            domains,
            types,
            partners,
            goals,
            targets,
            status,
        ) = spec
        alliance = Alliance.objects.create(
            kind=kind,
            title=title,
            slug=f"test-search-{name}",
            summary=summary,
            description=description,
            territory=where,
            start_year=year,
            stage=t[stage] if stage else None,
            status=status,
        )
        alliance.domains.set([t[d] for d in domains])
        alliance.partnership_types.set([t[x] for x in types])
        alliance.sdg_goals.set([goal(g) for g in goals])
        alliance.sdg_targets.set([target(c) for c in targets])
        for i, org in enumerate(partners):
            Partner.objects.create(alliance=alliance, organisation=orgs[org], position=i)
        alliances[name] = alliance
    index.update_index([a.pk for a in alliances.values()])
    return World(alliances=alliances, terms=t, places=places, organisations=orgs)
