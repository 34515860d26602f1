"""Synthetic alliances for tests and benchmarks (never loaded by `make serve`).

Realistic in shape, labelled in the data: `synthetic=True` and origin
"synthetic:<seed>:<n>". Partners (2 to 8) are drawn from a pool of synthetic organisations;
territories are weighted by population within each level (communes, EPCI, départements,
régions, the nation); partnership types, domains and SDGs come from the real taxonomies;
titles and summaries are built from French word lists, so full-text search has real words
to stem and rank.
"""

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.territories.models import Level, Territory

from . import bulk
from .models import Alliance, ChangeRecord, Organisation, Partner
from .names import organisation_key
from .places import scale_for

CHUNK = 5000
# Share of examples per territorial level (most examples are local).
LEVEL_WEIGHTS = {
    Level.COMMUNE: 0.50,
    Level.EPCI: 0.20,
    Level.DEPARTEMENT: 0.15,
    Level.REGION: 0.10,
    Level.COUNTRY: 0.05,
}
STRUCTURES = [
    "Plateforme",
    "Réseau",
    "Atelier",
    "Programme",
    "Coopérative",
    "Maison",
    "Chantier",
    "Collectif",
    "Pôle",
    "Fabrique",
    "Tiers-lieu",
    "Incubateur",
    "Parcours",
    "Club",
    "Laboratoire",
    "Alliance",
    "Fonds",
    "Comptoir",
]
THEMES = {
    "education": ["de réussite éducative", "d'accompagnement scolaire", "des savoirs"],
    "emploi_insertion": ["d'insertion par l'activité", "pour l'emploi", "des métiers"],
    "sante": ["de prévention santé", "d'accès aux soins", "du bien-être"],
    "handicap": ["inclusif", "pour l'autonomie", "de l'accessibilité"],
    "environnement_climat": ["de la transition écologique", "du climat", "de la biodiversité"],
    "alimentation_agriculture": ["alimentaire", "des circuits courts", "des jardins partagés"],
    "culture": ["culturel", "des arts et du patrimoine", "de la lecture"],
    "sport": ["sportif", "du sport pour tous", "de l'activité physique"],
    "logement": ["du logement solidaire", "de la rénovation énergétique", "de l'habitat"],
    "mobilite": ["de la mobilité solidaire", "du covoiturage", "du vélo"],
    "numerique": [
        "du numérique solidaire",
        "de l'inclusion numérique",
        "des compétences numériques",
    ],
    "jeunesse": ["pour la jeunesse", "des jeunes", "de l'engagement des jeunes"],
    "vieillissement": ["du bien vieillir", "intergénérationnel", "des aidants"],
    "solidarite_precarite": ["de la solidarité", "contre la précarité", "de l'entraide"],
    "developpement_economique_local": ["de l'économie locale", "des entrepreneurs", "du commerce"],
    "citoyennete_engagement": ["de l'engagement citoyen", "du bénévolat", "de la participation"],
}
VERBS = [
    "réunit",
    "associe",
    "mobilise",
    "fédère",
    "rassemble",
    "accompagne",
]
ACTIONS = [
    "pour mutualiser des moyens et des compétences",
    "afin de créer des emplois durables",
    "pour expérimenter de nouvelles solutions",
    "pour accompagner les publics les plus fragiles",
    "afin de partager un lieu et des services",
    "pour former et mettre en relation les acteurs",
    "pour lutter contre l'isolement",
    "afin de renforcer la cohésion du territoire",
]
OUTCOMES = [
    "Les partenaires se retrouvent chaque trimestre en comité de pilotage.",
    "Le dispositif a été évalué avec les bénéficiaires.",
    "Des bénévoles et des salariés en mécénat de compétences y contribuent.",
    "Le projet essaime dans les communes voisines.",
    "Une convention pluriannuelle encadre le partenariat.",
    "Les résultats sont présentés chaque année aux habitants.",
]
SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
]
TRADES = [
    "Logistique",
    "Bâtiment",
    "Conseil",
    "Énergies",
    "Distribution",
    "Transports",
    "Assurances",
    "Services",
    "Industries",
    "Numérique",
    "Alimentation",
    "Environnement",
]
CAUSES = [
    "Solidarité",
    "Entraide",
    "Avenir",
    "Insertion",
    "Partage",
    "Culture",
    "Jeunesse",
    "Nature",
    "Emploi",
    "Santé",
]
ORGANISATION_PATTERNS: dict[str, list[Callable[[random.Random, str], str]]] = {
    "association": [
        lambda r, p: f"Association {r.choice(CAUSES)} {p}",
        lambda r, p: f"{r.choice(CAUSES)} et {r.choice(CAUSES)} {p}",
    ],
    "entreprise": [
        lambda r, p: f"{r.choice(SURNAMES)} {r.choice(TRADES)}",
        lambda r, p: f"{r.choice(TRADES)} de {p}",
    ],
    "fondation": [lambda r, p: f"Fondation {r.choice(SURNAMES)} {r.choice(CAUSES)}"],
    "collectivite": [lambda r, p: f"Ville de {p}", lambda r, p: f"Communauté de communes {p}"],
    "etat": [lambda r, p: f"Préfecture {p}", lambda r, p: f"Agence {r.choice(CAUSES)} {p}"],
    "syndicat": [lambda r, p: f"Union syndicale {p}"],
    "accompagnement": [lambda r, p: f"{r.choice(CAUSES)} Conseil {p}"],
    "academique": [lambda r, p: f"Université de {p}", lambda r, p: f"Lycée {r.choice(SURNAMES)}"],
    "citoyen": [lambda r, p: f"Collectif d'habitants {p}"],
    "media": [lambda r, p: f"Radio {r.choice(CAUSES)} {p}"],
}


@dataclass
class _Weighted:
    items: list[tuple[int, str, str]]  # (id, level, name)
    cumulative: list[float]

    def pick(self, rng: random.Random) -> tuple[int, str, str]:
        return rng.choices(self.items, cum_weights=self.cumulative, k=1)[0]


def _territories() -> dict[str, _Weighted]:
    pools = {}
    for level in LEVEL_WEIGHTS:
        rows = list(
            Territory.objects.filter(level=level, obsolete=False).values_list(
                "pk", "level", "name", "population"
            )
        )
        if not rows:
            continue
        weights = itertools.accumulate(max(p or 0, 1) for *_rest, p in rows)
        pools[level] = _Weighted([(pk, lv, name) for pk, lv, name, _p in rows], list(weights))
    return pools


@dataclass
class _Vocabulary:
    """What the generator draws from: territories by level and the reference taxonomies."""

    pools: dict[str, _Weighted]
    levels: list[str]
    level_weights: list[float]
    profiles: dict[str, int]
    types: list[int]
    domains: dict[str, int]
    stages: list[int]
    goals: dict[int, int]
    targets: dict[int, list[int]]
    domain_keys: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.domain_keys = sorted(self.domains)


def _vocabulary() -> _Vocabulary:
    """Read the territories and taxonomies; says which loader to run when they are missing."""
    pools = _territories()
    levels = [lv for lv in LEVEL_WEIGHTS if lv in pools]
    if not levels:
        raise RuntimeError("territoires absents : lancez populate_territories")
    terms = Term.objects.filter(obsolete=False)
    targets: dict[int, list[int]] = {}
    for pk, number in SdgTarget.objects.values_list("pk", "goal__number"):
        targets.setdefault(number, []).append(pk)
    vocabulary = _Vocabulary(
        pools=pools,
        levels=levels,
        level_weights=[LEVEL_WEIGHTS[lv] for lv in levels],
        profiles={t.key: t.pk for t in terms.filter(taxonomy__key="actor_profiles", parent=None)},
        types=list(terms.filter(taxonomy__key="partnership_types").values_list("pk", flat=True)),
        domains=dict(terms.filter(taxonomy__key="domains").values_list("key", "pk")),
        stages=list(terms.filter(taxonomy__key="partnering_cycle").values_list("pk", flat=True)),
        goals=dict(SdgGoal.objects.values_list("number", "pk")),
        targets=targets,
    )
    if not vocabulary.profiles or not vocabulary.domains:
        raise RuntimeError("référentiels absents : lancez populate_referentials")
    return vocabulary


def generate(count: int, seed: int = 0, organisations: int | None = None) -> list[int]:
    """Create `count` published synthetic alliances; returns their ids."""
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    start = Alliance.objects.filter(synthetic=True).count()
    bulk.large_cache()
    now = timezone.now()
    organisation_ids = _organisation_pool(
        rng, organisations or max(50, count // 4), vocabulary.profiles, vocabulary.pools
    )
    created: list[int] = []
    for offset in range(0, count, CHUNK):
        drawn = [
            _draw_alliance(rng, vocabulary, organisation_ids, seed, start + offset + index, now)
            for index in range(min(CHUNK, count - offset))
        ]
        created += _write(drawn, now)
    return created


Drawn = tuple[dict, dict]  # the alliance's row, and what links to it (types, partners...)


def _draw_alliance(
    rng: random.Random,
    vocabulary: _Vocabulary,
    organisation_ids: list[int],
    seed: int,
    number: int,
    now: datetime,
) -> Drawn:
    """One synthetic alliance (the order of the draws fixes what a seed gives)."""
    level = rng.choices(vocabulary.levels, weights=vocabulary.level_weights, k=1)[0]
    territory_id, territory_level, place = vocabulary.pools[level].pick(rng)
    chosen_domains = rng.sample(vocabulary.domain_keys, k=rng.choice((1, 1, 2, 2, 3)))
    theme = rng.choice(THEMES.get(chosen_domains[0], ["solidaire"]))
    kind = Alliance.Kind.CATALYST if rng.random() < 0.3 else Alliance.Kind.ALLIANCE
    title = f"{rng.choice(STRUCTURES)} {theme} {_in_place(territory_level, place)}"
    partner_count = rng.randint(2, 8)
    summary = (
        f"{title} {rng.choice(VERBS)} {partner_count} partenaires "
        f"{rng.choice(ACTIONS)}. {rng.choice(OUTCOMES)}"
    )
    start_year = rng.randint(2000, 2025)
    stages = vocabulary.stages
    alliance = {
        "kind": kind,
        "title": title[:300],
        "slug": f"{slugify(title)[:90]}-s{seed}-{number}",
        "summary": summary,
        "description": " ".join(rng.sample(OUTCOMES, k=2)),
        "territory_id": territory_id,
        "scale": scale_for(_LevelOnly(territory_level)),
        "start_year": start_year,
        "end_year": start_year + rng.randint(1, 6) if rng.random() < 0.2 else None,
        "stage_id": rng.choice(stages) if stages and rng.random() < 0.7 else None,
        "co_construction_id": None,
        "results_text": "",
        "status": Alliance.Status.PUBLISHED,
        "published_at": now,
        "synthetic": True,
        "origin": f"synthetic:{seed}:{number}",
        "source_digest": "",
        "created_at": now,
        "updated_at": now,
    }
    goal_numbers = {17} | set(rng.sample(range(1, 17), k=rng.randint(0, 2)))
    types, targets = vocabulary.types, vocabulary.targets
    plan = {
        "types": rng.sample(types, k=rng.randint(1, min(2, len(types)))),
        "domains": [vocabulary.domains[k] for k in chosen_domains],
        "goals": [vocabulary.goals[g] for g in goal_numbers if g in vocabulary.goals],
        "targets": [rng.choice(targets[g]) for g in goal_numbers if targets.get(g)][:2],
        "partners": rng.sample(organisation_ids, k=min(partner_count, len(organisation_ids))),
    }
    return alliance, plan


_THROUGH = {
    "types": (Alliance.partnership_types.through, "term_id"),
    "domains": (Alliance.domains.through, "term_id"),
    "goals": (Alliance.sdg_goals.through, "sdggoal_id"),
    "targets": (Alliance.sdg_targets.through, "sdgtarget_id"),
}


def _write(drawn: list[Drawn], now: datetime) -> list[int]:
    """Insert one chunk of alliances with their links, partners and history, at once."""
    alliances = [alliance for alliance, _plan in drawn]
    with transaction.atomic():
        bulk.insert(Alliance, alliances)
        ids = bulk.ids_by_slug(Alliance, [a["slug"] for a in alliances])
        links: dict[str, list] = {k: [] for k in _THROUGH}
        partners, records = [], []
        for alliance, plan in drawn:
            pk = ids[alliance["slug"]]
            for key, (_model, column) in _THROUGH.items():
                links[key] += [{"alliance_id": pk, column: value} for value in plan[key]]
            partners += [
                {
                    "alliance_id": pk,
                    "organisation_id": org,
                    "role": Partner.Role.LEADER if i == 0 else Partner.Role.PARTNER,
                    "position": i,
                }
                for i, org in enumerate(plan["partners"])
            ]
            records.append(
                {
                    "alliance_id": pk,
                    "user_id": None,
                    "actor": "synthetic",
                    "at": now,
                    "action": "created",
                    "changes": {"origin": [None, alliance["origin"]]},
                }
            )
        for key, rows in links.items():
            bulk.insert(_THROUGH[key][0], rows)
        bulk.insert(Partner, partners)
        bulk.insert(ChangeRecord, records)
    return list(ids.values())


def _in_place(level: str, name: str) -> str:
    if level == Level.COUNTRY:
        return "en France"
    if level == Level.REGION:
        return f"en {name}"
    if level == Level.DEPARTEMENT:
        return f"dans le département {name}"
    if level == Level.EPCI:
        return f"sur le territoire de {name}"
    return f"à {name}"


class _LevelOnly:
    def __init__(self, level: str) -> None:
        self.level = level


def _organisation_pool(
    rng: random.Random, size: int, profiles: dict[str, int], pools: dict[str, _Weighted]
) -> list[int]:
    """Synthetic organisations, named after places weighted by population."""
    place_pool = pools.get(Level.COMMUNE) or next(iter(pools.values()))
    keys = sorted(profiles)
    weights = [5 if k in ("association", "entreprise", "collectivite") else 1 for k in keys]
    organisations = []
    used: set[str] = set()
    for _index in range(size):
        key = rng.choices(keys, weights=weights, k=1)[0]
        pattern = rng.choice(ORGANISATION_PATTERNS.get(key, ORGANISATION_PATTERNS["association"]))
        territory_id, _level, place = place_pool.pick(rng)
        name = pattern(rng, place)[:290]
        if organisation_key(name) in used:  # one name, one organisation (as in real data)
            name = f"{name} {len(used)}"
        used.add(organisation_key(name))
        organisations.append(
            Organisation(
                name=name,
                name_key=organisation_key(name),
                profile_id=profiles[key],
                territory_id=territory_id,
                synthetic=True,
            )
        )
    saved = Organisation.objects.bulk_create(organisations, batch_size=2000)
    return [o.pk for o in saved]
