"""Benchmark: matching for one need, one offer, one organisation (target: median <= 100 ms
with 100,000 organisations and 20,000 open needs and offers).

All data here is SYNTHETIC and labelled so ("Organisation synthétique n°…"): organisations are
placed in real communes (alliances/data/territories/communes.csv) drawn in proportion to
their population, with their real EPCI, département, région and centroid; their actor
profiles, domains and past alliances are drawn at random (seeded). Needs and offers (half
each) belong to random synthetic organisations, with a kind and a reach.

What is timed: `matching.Index.candidates` (narrowing by place and domain) plus
`matching.rank` (scoring and keeping the best 8), in memory, for 300 random subjects of
each sort. Building the index is timed once. Reading the candidates from the database (what
a page also does, `partners.suggestions`) is not part of this number.
"""

import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure  # noqa: E402

from alliances.partners import matching  # noqa: E402

ORGANISATIONS = 100_000
LISTINGS = 20_000
SUBJECTS = 300
PROFILES = (
    ["association"] * 45
    + ["entreprise"] * 30
    + ["collectivite"] * 8
    + ["fondation"] * 5
    + ["accompagnement"] * 5
    + ["academique"] * 3
    + ["etat"] * 2
    + ["syndicat"] * 2
)
DOMAINS = [
    "education",
    "emploi_insertion",
    "sante",
    "handicap",
    "environnement_climat",
    "alimentation_agriculture",
    "culture",
    "sport",
    "logement",
    "mobilite",
    "numerique",
    "solidarite",
    "jeunesse",
    "developpement_economique",
]
TYPES = ["mecenat", "pratiques_responsables", "cooperation_economique", "innovation_societale"]
# The kinds and the profiles that usually answer them (alliances/partners/kinds.py; copied so
# the benchmark needs no Django).
KIND_PROFILES = {
    "mecenat_competences": ("entreprise",),
    "financement": ("fondation", "entreprise", "collectivite", "etat"),
    "benevoles": ("association", "citoyen", "entreprise"),
    "materiel": ("entreprise", "collectivite"),
    "locaux": ("collectivite", "entreprise", "association"),
    "expertise": ("accompagnement", "academique", "entreprise"),
    "mise_en_relation": ("accompagnement", "collectivite"),
    "achats_responsables": ("entreprise", "collectivite"),
    "projet_commun": (),
}
REACHES = ["local"] * 3 + ["departement"] * 4 + ["region"] * 2 + ["national"]


def communes() -> tuple[list[dict], list[int]]:
    points = {}
    with (ROOT / "alliances/data/centroids/centroids.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "commune":
                points[row["code"]] = (float(row["lon"]), float(row["lat"]))
    rows, weights = [], []
    with (ROOT / "alliances/data/territories/communes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] != "commune" or row["current"] or row["code"] not in points:
                continue
            row["point"] = points[row["code"]]
            rows.append(row)
            weights.append(int(row["population"] or 0) + 1)
    return rows, weights


def synthetic(rng: random.Random) -> tuple[list[matching.Actor], list[matching.Actor]]:
    places, weights = communes()
    chosen = rng.choices(places, weights=weights, k=ORGANISATIONS)
    organisations = []
    for i, place in enumerate(chosen, start=1):
        count = rng.choice([0] * 8 + [1, 1, 2, 3, 5])
        organisations.append(
            matching.Actor(
                key=f"organisation:{i}",  # Organisation synthétique n°i
                profile=rng.choice(PROFILES),
                commune=place["code"],
                epci=place["epci"],
                departement=place["departement"],
                region=place["region"],
                point=place["point"],
                domains=frozenset(rng.sample(DOMAINS, rng.randint(1, 3))),
                alliance_count=count,
                alliance_types=frozenset(rng.sample(TYPES, min(count, 2))),
            )
        )
    listings = []
    for j in range(1, LISTINGS + 1):
        owner = rng.choice(organisations)
        listings.append(
            matching.Actor(
                key=f"listing:{j}",  # besoin ou proposition synthétique n°j
                profile=owner.profile,
                commune=owner.commune,
                epci=owner.epci,
                departement=owner.departement,
                region=owner.region,
                point=owner.point,
                domains=frozenset(rng.sample(DOMAINS, rng.randint(1, 2))),
                alliance_count=owner.alliance_count,
                alliance_types=owner.alliance_types,
                kind=rng.choice(list(KIND_PROFILES)),
                reach=rng.choice(REACHES),
            )
        )
    return organisations, listings


def main() -> None:
    rng = random.Random(17)
    started = time.perf_counter()
    organisations, listings = synthetic(rng)
    generated = time.perf_counter() - started
    needs, offers = listings[: LISTINGS // 2], listings[LISTINGS // 2 :]
    started = time.perf_counter()
    organisation_index = matching.Index(organisations)
    need_index, offer_index = matching.Index(needs), matching.Index(offers)
    built = (time.perf_counter() - started) * 1000

    def for_need(subject: matching.Actor) -> list:
        pool = organisation_index.candidates(subject) + offer_index.candidates(subject)
        return matching.rank(subject, pool, limit=8, kind_profiles=KIND_PROFILES)

    def for_offer(subject: matching.Actor) -> list:
        return matching.rank(subject, need_index.candidates(subject), limit=8)

    def for_organisation(subject: matching.Actor) -> list:
        return matching.rank(subject, organisation_index.candidates(subject), limit=8)

    pools = []
    results = {}
    for name, func, subjects in (
        ("one need: organisations and offers", for_need, needs),
        ("one offer: needs", for_offer, offers),
        ("one organisation: possible partners", for_organisation, organisations),
    ):
        sample = iter(rng.sample(subjects, SUBJECTS + 3))
        results[name] = measure(lambda f=func, s=sample: f(next(s)), SUBJECTS, warmup=3)
    for subject in rng.sample(needs, 100):
        pools.append(
            len(organisation_index.candidates(subject)) + len(offer_index.candidates(subject))
        )
    pools.sort()
    example = for_need(needs[0])

    lines = header(
        "Faire alliance: matching with 100,000 organisations and 20,000 needs and offers",
        "python bench/partners_matching.py",
    )
    lines += [
        f"Revision {git_revision()}. SYNTHETIC data, labelled as such: {ORGANISATIONS:,} "
        f"organisations placed in real communes by population, {LISTINGS:,} needs and offers "
        f"(half each); generated in {generated:.1f} s, indexes built in {built:.0f} ms. "
        "In memory: narrowing by place and domain (`matching.Index`) then scoring and keeping "
        f"the best 8 (`matching.rank`), {SUBJECTS} random subjects per line. Reading the "
        "candidates from the database (what a page also does) is not included.",
        "",
        "| what | median ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | <= 100 ms median |")
    lines += [
        "",
        f"Candidates scored for a need: median {pools[len(pools) // 2]:,}, "
        f"max {pools[-1]:,} (of {ORGANISATIONS + LISTINGS // 2:,}). Best suggestion for "
        f"the first need: {example[0].actor.key}, score {example[0].score}.",
        "",
    ]
    out = Path(__file__).resolve().parent / "results" / "partners_matching.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
