"""Load the shipped observatory data (alliances/data/observatory/) into the database.

Idempotent: an unchanged row is left alone (a curator's edits survive), a changed row updates
in place, a row gone from the files marks its record obsolete (never deleted). Territories are
resolved by name against the loaded régions; a name that cannot be resolved is reported and
left empty, and the next run resolves it once the territories are there.
"""

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from alliances.common.datasets import file_checksum, record_dataset, row_digest
from alliances.common.errors import DataFileError
from alliances.common.text import normalize_name
from alliances.territories.models import FRANCE_CODE, Level, Territory

from .models import Figure, Fragility, Indicator, Population, Programme, Study

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "observatory"
FIGURES_FILE = "observatoire_chiffres.csv"
FILES = (
    FIGURES_FILE,
    "fragilites_regionales.csv",
    "etudes_observatoire.csv",
    "indicateurs.csv",
    "populations.csv",
    "programmes.csv",
    "annees_approximatives.csv",
)
DATASET_VERSION = "2024.1"

# Scopes of the sources that are not a région name as such: the nation, two régions the
# source reports together, and a former région (before 2016) now part of a larger one.
SCOPE_ALIASES: dict[str, list[str]] = {
    "france": [FRANCE_CODE],
    "france national": [FRANCE_CODE],
    "toutes regions 13": [FRANCE_CODE],
    "paca corse": ["provence alpes cote d azur", "corse"],
    "paca + corse": ["provence alpes cote d azur", "corse"],
    "rhone alpes former region": ["auvergne rhone alpes"],
    "auvergne rhone alpes ex rhone alpes": ["auvergne rhone alpes"],
}

# A year the note (or the fieldwork column) says is approximate, inferred or uncertain.
APPROXIMATE_YEAR = re.compile(
    r"year (approximate|uncertain|inferred|probably)|year of publication inferred"
    r"|date approximate|\(uncertain\)|probably quoted again|dates it (19|20)\d\d",
    re.IGNORECASE,
)
LOWER_BOUND = re.compile(r"is a lower bound|more than \d|plus de \d", re.IGNORECASE)
POLLSTER = re.compile(r"comisis|opinionway", re.IGNORECASE)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    obsoleted: int = 0
    unresolved: set[str] = field(default_factory=set)

    def count(self, created: bool | None) -> None:
        if created is None:
            self.unchanged += 1
        elif created:
            self.created += 1
        else:
            self.updated += 1


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as dicts; DataFileError naming the line at the first fault."""
    if not path.exists():
        raise DataFileError(path, "fichier introuvable")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"encodage invalide (UTF-8 attendu) : {error.reason}") from error
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(path, f"colonne(s) manquante(s) : {', '.join(missing)}", 1)
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise DataFileError(path, "nombre de colonnes incorrect", line)
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def scope_keys(label: str) -> list[str]:
    """The folded names (or the France code) a source scope stands for."""
    folded = normalize_name(label)
    if folded in SCOPE_ALIASES:
        return SCOPE_ALIASES[folded]
    plus = normalize_name(label.replace("+", " plus "))
    if plus in SCOPE_ALIASES:
        return SCOPE_ALIASES[plus]
    return [folded]


class TerritoryResolver:
    """Resolve source scopes to territories: the nation, or régions by folded name."""

    def __init__(self) -> None:
        self.france = Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first()
        self.regions = {
            t.search_name or normalize_name(t.name): t
            for t in Territory.objects.filter(level=Level.REGION, obsolete=False)
        }

    def resolve(self, label: str) -> list[Territory] | None:
        """All territories of the scope, or None when one of them is unknown."""
        found = []
        for key in scope_keys(label):
            territory = self.france if key == FRANCE_CODE else self.regions.get(key)
            if territory is None:
                return None
            found.append(territory)
        return found


def study_key(name: str) -> tuple[str, str, str]:
    """(key, title, detail) of a study name: "X (1st regional report)" is study X."""
    match = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    title, detail = (match.group(1), match.group(2)) if match else (name, "")
    return slugify(title.replace("œ", "oe").replace("Œ", "Oe"))[:120], title, detail


def parse_value(path: Path, line: int, raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation as error:
        raise DataFileError(path, f"valeur non numérique : {raw!r}", line) from error
    if not Decimal(0) <= value <= Decimal(100):
        raise DataFileError(path, f"valeur hors de 0-100 : {raw!r}", line)
    return value


def _save(obj: object, digest: str, values: dict) -> bool | None:
    """Apply values when the source digest changed; None when nothing changed."""
    created = obj.pk is None  # type: ignore[attr-defined]
    if not created and obj.source_digest == digest and not getattr(obj, "obsolete", False):  # type: ignore[attr-defined]
        return None
    for name, value in values.items():
        setattr(obj, name, value)
    obj.source_digest = digest  # type: ignore[attr-defined]
    if hasattr(obj, "obsolete"):
        obj.obsolete = False  # type: ignore[attr-defined]
    obj.save()  # type: ignore[attr-defined]
    return created


def load(data_dir: Path = DATA_DIR) -> LoadReport:
    """Load every file in one transaction; raise DataFileError before writing anything."""
    paths = {name: data_dir / name for name in FILES}
    figures = read_csv(
        paths[FIGURES_FILE],
        (
            "id",
            "programme",
            "study",
            "year",
            "population",
            "scope",
            "indicator",
            "value_pct",
            "sample_size",
            "fieldwork",
            "source_url",
            "note",
        ),
    )
    fragilities = read_csv(
        paths["fragilites_regionales.csv"],
        ("region", "fragility", "kind(objective|perceived)", "population", "rank", "source_url"),
    )
    studies = read_csv(
        paths["etudes_observatoire.csv"], ("study", "population", "date", "sample_size")
    )
    indicators = read_csv(paths["indicateurs.csv"], ("key", "statement_fr", "source_texts"))
    populations = read_csv(
        paths["populations.csv"], ("key", "label_fr", "label_en", "position", "source_labels")
    )
    programmes = read_csv(
        paths["programmes.csv"],
        ("key", "name", "start_year", "end_year", "is_observatory_wave", "source_labels"),
    )
    approximate_ids = {
        r["id"]: r["reason"] for r in read_csv(paths["annees_approximatives.csv"], ("id", "reason"))
    }

    indicator_of = {
        text: row["key"] for row in indicators for text in row["source_texts"].split("|")
    }
    population_of = {
        label: row["key"] for row in populations for label in row["source_labels"].split("|")
    }
    programme_of = {
        label: row["key"] for row in programmes for label in row["source_labels"].split("|")
    }
    # Check every figure row before writing anything.
    path = paths[FIGURES_FILE]
    seen: set[str] = set()
    for line, row in enumerate(figures, start=2):
        if not row["id"] or row["id"] in seen:
            raise DataFileError(path, f"identifiant vide ou en double : {row['id']!r}", line)
        seen.add(row["id"])
        if row["indicator"] not in indicator_of:
            raise DataFileError(
                path, f"indicateur sans correspondance : {row['indicator']!r}", line
            )
        if row["population"] not in population_of:
            raise DataFileError(path, f"population inconnue : {row['population']!r}", line)
        if row["programme"] not in programme_of:
            raise DataFileError(path, f"programme inconnu : {row['programme']!r}", line)
        if not row["source_url"]:
            raise DataFileError(path, "source manquante", line)
        if not row["year"].isdigit():
            raise DataFileError(path, f"année invalide : {row['year']!r}", line)
        if row["sample_size"] and (not row["sample_size"].isdigit() or int(row["sample_size"]) < 1):
            raise DataFileError(
                path, f"taille d'échantillon invalide : {row['sample_size']!r}", line
            )
        parse_value(path, line, row["value_pct"])

    report = LoadReport()
    with transaction.atomic():
        resolver = TerritoryResolver()
        programme_objs = _load_programmes(programmes, report)
        population_objs = _load_populations(populations, report)
        indicator_objs = _load_indicators(indicators, figures, indicator_of, report)
        study_objs = _load_studies(studies, figures, programme_of, programme_objs, resolver, report)
        for row in figures:
            territories = resolver.resolve(row["scope"])
            if territories is None:
                report.unresolved.add(row["scope"])
                territories = []
            note = row["note"]
            approximate = bool(APPROXIMATE_YEAR.search(f"{note} {row['fieldwork']}"))
            if row["id"] in approximate_ids:
                approximate = True
                note = f"{note} [year approximate: {approximate_ids[row['id']]}]".strip()
            study = study_objs.get(study_key(row["study"])[0]) if row["study"] else None
            n = int(row["sample_size"]) if row["sample_size"] else None
            values = {
                "indicator": indicator_objs[indicator_of[row["indicator"]]],
                "population": population_objs[population_of[row["population"]]],
                "population_label": row["population"],
                "territory": territories[0] if territories else None,
                "scope_label": row["scope"],
                "source_statement": row["indicator"][:400],
                "year": int(row["year"]),
                "approximate_year": approximate,
                "value": parse_value(path, 0, row["value_pct"]),
                "n": n,
                "n_is_lower_bound": bool(n and LOWER_BOUND.search(note)),
                "study": study,
                "programme": programme_objs[programme_of[row["programme"]]],
                "fieldwork": row["fieldwork"][:300],
                "source_url": row["source_url"],
                "note": note,
            }
            digest = row_digest(
                sorted(row.items()),
                [t.pk for t in territories],
                study.pk if study else None,
                approximate,
                note,
            )
            figure = Figure.objects.filter(key=row["id"]).first() or Figure(key=row["id"])
            outcome = _save(figure, digest, values)
            report.count(outcome)
            if outcome is not None:
                figure.extra_territories.set(territories[1:])
        report.obsoleted += (
            Figure.objects.exclude(key__in=seen)
            .filter(obsolete=False, source_digest__gt="")
            .update(obsolete=True)
        )
        _load_fragilities(paths["fragilites_regionales.csv"], fragilities, resolver, report)
        record_dataset(
            "observatory",
            DATASET_VERSION,
            file_checksum(*paths.values()),
            len(figures),
        )
    return report


def _load_programmes(rows: list[dict], report: LoadReport) -> dict[str, Programme]:
    objs = {}
    for row in rows:
        obj = Programme.objects.filter(key=row["key"]).first() or Programme(key=row["key"])
        values = {
            "name": row["name"],
            "start_year": int(row["start_year"]) if row["start_year"] else None,
            "end_year": int(row["end_year"]) if row["end_year"] else None,
            "is_observatory_wave": row["is_observatory_wave"] == "1",
            "position": int(row.get("position") or 0),
        }
        _save(obj, row_digest(sorted(row.items())), values)
        objs[row["key"]] = obj
    return objs


def _load_populations(rows: list[dict], report: LoadReport) -> dict[str, Population]:
    objs = {}
    for row in rows:
        obj = Population.objects.filter(key=row["key"]).first() or Population(key=row["key"])
        values = {
            "label_fr": row["label_fr"],
            "label_en": row["label_en"],
            "position": int(row["position"] or 0),
        }
        _save(obj, row_digest(sorted(row.items())), values)
        objs[row["key"]] = obj
    return objs


def _load_indicators(
    rows: list[dict], figures: list[dict], indicator_of: dict[str, str], report: LoadReport
) -> dict[str, Indicator]:
    objs = {}
    for row in rows:
        obj = Indicator.objects.filter(key=row["key"]).first() or Indicator(key=row["key"])
        # The English statement is the source's own wording (the first one listed).
        values = {
            "statement_fr": row["statement_fr"],
            "statement_en": row["source_texts"].split("|")[0][:400],
            "theme": row.get("theme", ""),
        }
        _save(obj, row_digest(sorted(row.items())), values)
        objs[row["key"]] = obj
    return objs


def _load_studies(
    rows: list[dict],
    figures: list[dict],
    programme_of: dict[str, str],
    programmes: dict[str, Programme],
    resolver: TerritoryResolver,
    report: LoadReport,
) -> dict[str, Study]:
    """Studies named by the figures, completed by the list of identified IMPACT studies."""
    gathered: dict[str, dict] = {}
    for row in figures:
        if not row["study"]:
            continue
        key, title, detail = study_key(row["study"])
        entry = gathered.setdefault(
            key,
            {
                "title": title,
                "details": [],
                "programme": programmes[programme_of[row["programme"]]],
                "years": [],
                "fieldwork": "",
                "population": row["population"],
                "n": None,
                "url": row["source_url"],
                "scopes": set(),
                "pollster": "",
                "method": "",
            },
        )
        if detail and detail not in entry["details"]:
            entry["details"].append(detail)
        entry["years"].append(int(row["year"]))
        entry["scopes"].add(row["scope"])
        if row["fieldwork"] and len(row["fieldwork"]) > len(entry["fieldwork"]):
            entry["fieldwork"] = row["fieldwork"]
        if row["sample_size"]:
            entry["n"] = max(entry["n"] or 0, int(row["sample_size"]))
        if POLLSTER.search(row["fieldwork"]):
            entry["pollster"] = "Comisis / OpinionWay"
    for row in rows:
        key, title, detail = study_key(row["study"])
        entry = gathered.setdefault(
            key,
            {
                "title": title,
                "details": [],
                "programme": _programme_by_name(programmes, title),
                "years": [],
                "fieldwork": "",
                "population": "",
                "n": None,
                "url": "",
                "scopes": set(),
                "pollster": "",
                "method": "",
            },
        )
        if detail and detail not in entry["details"]:
            entry["details"].append(detail)
        entry["population"] = row["population"] or entry["population"]
        entry["fieldwork"] = row["date"] or entry["fieldwork"]
        if row["sample_size"].isdigit():
            entry["n"] = int(row["sample_size"])
        entry["url"] = row["source_url"] or entry["url"]
        if POLLSTER.search(row.get("note", "")):
            entry["pollster"] = "Comisis / OpinionWay"
        if row.get("note"):
            entry["details"].append(row["note"])
        years = [int(y) for y in re.findall(r"\b(20\d\d)\b", row["date"])]
        entry["years"].extend(years[:1])
    objs = {}
    for key, entry in gathered.items():
        scopes = sorted(entry["scopes"])
        territory = None
        if len(scopes) == 1:
            resolved = resolver.resolve(scopes[0]) or []
            territory = resolved[0] if len(resolved) == 1 else None
        method = ""
        if re.search(r"telephone|online|questionnaire|quota", entry["fieldwork"], re.IGNORECASE):
            method = entry["fieldwork"][:300]
        values = {
            "title": entry["title"][:300],
            "programme": entry["programme"],
            "year": min(entry["years"]) if entry["years"] else None,
            "fieldwork": entry["fieldwork"][:300],
            "method": method,
            "population_label": entry["population"][:300],
            "sample_size": entry["n"],
            "territory": territory,
            "pollster": entry["pollster"],
            "publication_url": entry["url"],
            "note": "; ".join(entry["details"]),
        }
        digest = row_digest(sorted((k, str(v)) for k, v in values.items()))
        obj = Study.objects.filter(key=key).first() or Study(key=key)
        _save(obj, digest, values)
        objs[key] = obj
    Study.objects.exclude(key__in=list(objs)).filter(source_digest__gt="").update(obsolete=True)
    return objs


def _programme_by_name(programmes: dict[str, Programme], title: str) -> Programme | None:
    """The programme whose name is a word of the study title ("IMPACT-Citoyens": IMPACT)."""
    words = f" {normalize_name(title)} "
    # Longest names first: "Impacts & Trajectoires" before "IMPACT".
    for programme in sorted(programmes.values(), key=lambda p: -len(p.name)):
        if f" {normalize_name(programme.name)} " in words:
            return programme
    return None


RANK = re.compile(r"^(\d+)")


def _load_fragilities(
    path: Path, rows: list[dict], resolver: TerritoryResolver, report: LoadReport
) -> None:
    keys = []
    for line, row in enumerate(rows, start=2):
        kind = row["kind(objective|perceived)"]
        if kind not in Fragility.Kind.values:
            raise DataFileError(path, f"nature inconnue : {kind!r}", line)
        if not row["source_url"]:
            raise DataFileError(path, "source manquante", line)
        territories = resolver.resolve(row["region"])
        if territories is None:
            report.unresolved.add(row["region"])
        key = slugify(f"{row['region']}-{row['fragility']}-{kind}-{row['source_url'][-40:]}")[:150]
        base, suffix = key, 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.append(key)
        rank = RANK.match(row["rank"])
        values = {
            "territory": territories[0] if territories else None,
            "scope_label": row["region"],
            "label": row["fragility"],
            "kind": kind,
            "population_label": row["population"],
            "rank": row["rank"],
            "rank_order": int(rank.group(1)) if rank else 99,
            "source_url": row["source_url"],
            "note": row.get("note", ""),
        }
        digest = row_digest(sorted(row.items()), territories[0].pk if territories else None)
        obj = Fragility.objects.filter(key=key).first() or Fragility(key=key)
        _save(obj, digest, values)
    Fragility.objects.exclude(key__in=keys).filter(source_digest__gt="").update(obsolete=True)
