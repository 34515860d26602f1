"""Load the shipped observatory data (alliances/data/observatory/) into the database.

Idempotent: an unchanged row is left alone (a curator's edits survive), a changed row updates
in place, a row gone from the files marks its record obsolete (never deleted). Territories are
resolved by name against the loaded régions; a name that cannot be resolved is reported and
left empty, and the next run resolves it once the territories are there.

One measurement is one figure: a row of `observatoire_chiffres.csv` whose `same_as` names
another row is a further source of that row's figure (same indicator, population, scope and
value), never a second figure. Every file is read and checked by the shared dataset reader
before anything is written; every faulty row is named with its line and field.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from alliances.common.datasets import (
    Field,
    Problem,
    Record,
    Schema,
    file_checksum,
    http_url,
    integer_between,
    number_between,
    one_of,
    raise_problems,
    read_csv,
    record_dataset,
    row_digest,
)
from alliances.common.text import normalize_name
from alliances.territories.models import FRANCE_CODE, Level, Territory

from .models import Figure, FigureSource, Fragility, Indicator, Population, Programme, Study

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "observatory"
FIGURES_FILE = "observatoire_chiffres.csv"
FRAGILITIES_FILE = "fragilites_regionales.csv"
STUDIES_FILE = "etudes_observatoire.csv"
INDICATORS_FILE = "indicateurs.csv"
POPULATIONS_FILE = "populations.csv"
PROGRAMMES_FILE = "programmes.csv"
APPROXIMATE_FILE = "annees_approximatives.csv"
SCOPES_FILE = "perimetres.csv"
FILES = (
    FIGURES_FILE,
    FRAGILITIES_FILE,
    STUDIES_FILE,
    INDICATORS_FILE,
    POPULATIONS_FILE,
    PROGRAMMES_FILE,
    APPROXIMATE_FILE,
    SCOPES_FILE,
)
DATASET_VERSION = "2026.1"
MAX_SAMPLE = 10_000_000

# A year the note (or the fieldwork column) says is approximate, inferred or uncertain.
APPROXIMATE_YEAR = re.compile(
    r"year (approximate|uncertain|inferred|probably)|year of publication inferred"
    r"|date approximate|\(uncertain\)|probably quoted again|dates it (19|20)\d\d",
    re.IGNORECASE,
)
LOWER_BOUND = re.compile(r"is a lower bound|more than \d|plus de \d", re.IGNORECASE)
POLLSTER = re.compile(r"comisis|opinionway", re.IGNORECASE)
RANK = re.compile(r"^(\d+)")

# --- the files -------------------------------------------------------------------------------


def _text_fields(*names: str, required: tuple[str, ...] = ()) -> tuple[Field, ...]:
    return tuple(Field(n, required=n in required) for n in names)


PROGRAMMES = Schema(
    (
        *_text_fields("key", "name", "source_labels", required=("key", "name", "source_labels")),
        Field("start_year", checks=(integer_between(1990, 2100, digits_ok=True),)),
        Field("end_year", checks=(integer_between(1990, 2100, digits_ok=True),)),
        Field("is_observatory_wave", checks=(one_of({"0", "1"}, "valeur"),)),
        Field("position", checks=(integer_between(0, 999, digits_ok=True),)),
    ),
    key="key",
)
INDICATORS = Schema(
    _text_fields(
        "key",
        "theme",
        "label_fr",
        "label_en",
        "statement_fr",
        "statement_en",
        "source_texts",
        required=("key", "label_fr", "label_en", "statement_fr", "statement_en", "source_texts"),
    ),
    key="key",
)
APPROXIMATE = Schema(_text_fields("id", "reason", required=("id", "reason")), key="id")
SCOPES = Schema(
    _text_fields(
        "scope", "label_fr", "label_en", "territories", required=("scope", "label_fr", "label_en")
    ),
    key="scope",
)


def populations_schema() -> Schema:
    return Schema(
        (
            *_text_fields(
                "key", "label_fr", "label_en", "subgroup_of", "source_labels", required=("key",)
            ),
            Field("position", checks=(integer_between(0, 999, digits_ok=True),)),
        ),
        key="key",
    )


def figures_schema(curation: "Curation") -> Schema:
    sample = integer_between(1, MAX_SAMPLE, digits_ok=True)
    return Schema(
        (
            Field("id", required=True),
            Field("same_as"),
            Field("programme", required=True, checks=(one_of(curation.programme_of, "programme"),)),
            Field("study"),
            Field("year", required=True, checks=(integer_between(1990, 2100, digits_ok=True),)),
            Field(
                "population",
                required=True,
                checks=(one_of(curation.population_of, "population"),),
            ),
            Field("scope", required=True),
            Field(
                "indicator",
                required=True,
                checks=(one_of(curation.indicator_of, "indicateur sans correspondance"),),
            ),
            Field("value_pct", required=True, checks=(number_between(0, 100),)),
            Field("sample_size", checks=(sample,)),
            Field("sample_total", checks=(sample,)),
            *_text_fields("fieldwork", "fieldwork_fr", "note", "note_fr"),
            Field("source_url", required=True, checks=(http_url(),)),
        )
    )


FRAGILITIES = Schema(
    (
        Field("region", required=True),
        Field("fragility", required=True),
        Field(
            "kind(objective|perceived)",
            required=True,
            checks=(one_of(Fragility.Kind.values, "nature"),),
        ),
        *_text_fields("population", "rank", "note", "note_fr"),
        Field("source_url", required=True, checks=(http_url(),)),
    ),
    key=None,
)
STUDIES = Schema(
    (
        Field("study", required=True),
        *_text_fields("population", "date", "date_fr", "note", "note_fr"),
        Field("sample_size"),
        Field("source_url", checks=(http_url(),)),
    ),
    key="study",
)


@dataclass
class Curation:
    """The project's curation files, and the wordings each key groups."""

    programmes: list[Record]
    populations: list[Record]
    indicators: list[Record]
    scopes: list[Record]
    approximate: dict[str, str]
    programme_of: dict[str, str] = field(default_factory=dict)
    population_of: dict[str, str] = field(default_factory=dict)
    indicator_of: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for attr, rows, column in (
            ("programme_of", self.programmes, "source_labels"),
            ("population_of", self.populations, "source_labels"),
            ("indicator_of", self.indicators, "source_texts"),
        ):
            setattr(self, attr, {t: r["key"] for r in rows for t in r[column].split("|") if t})


@dataclass
class Shipped:
    """Every file of the observatory data, read and checked."""

    paths: dict[str, Path]
    curation: Curation
    figures: list[Record]
    fragilities: list[Record]
    studies: list[Record]

    @property
    def measurements(self) -> list[Record]:
        """The rows that are figures (not further sources of another row)."""
        return [r for r in self.figures if not r["same_as"]]

    def citations(self, figure_id: str) -> list[Record]:
        return [r for r in self.figures if r["same_as"] == figure_id]


def read_files(data_dir: Path = DATA_DIR) -> Shipped:
    """Read every file; DatasetError lists every faulty row before anything is written."""
    paths = {name: data_dir / name for name in FILES}
    curation = Curation(
        programmes=read_csv(paths[PROGRAMMES_FILE], PROGRAMMES),
        populations=read_csv(paths[POPULATIONS_FILE], populations_schema()),
        indicators=read_csv(paths[INDICATORS_FILE], INDICATORS),
        scopes=read_csv(paths[SCOPES_FILE], SCOPES),
        approximate={r["id"]: r["reason"] for r in read_csv(paths[APPROXIMATE_FILE], APPROXIMATE)},
    )
    shipped = Shipped(
        paths=paths,
        curation=curation,
        figures=read_csv(paths[FIGURES_FILE], figures_schema(curation)),
        fragilities=read_csv(paths[FRAGILITIES_FILE], FRAGILITIES),
        studies=read_csv(paths[STUDIES_FILE], STUDIES),
    )
    raise_problems(figure_problems(shipped) + population_problems(curation))
    return shipped


def _measure(row: Record, curation: Curation) -> tuple:
    """What a figure measures: two rows with the same measure are one figure."""
    return (
        curation.indicator_of[row["indicator"]],
        curation.population_of[row["population"]],
        normalize_name(row["scope"]),
        row["year"],
        Decimal(row["value_pct"].replace(",", ".")),
    )


def figure_problems(shipped: Shipped) -> list[Problem]:
    """Rows that would make a figure twice, cite a missing figure, or give a subgroup the
    whole sample's n."""
    curation = shipped.curation
    by_id = {r["id"]: r for r in shipped.figures}
    subgroups = {r["key"] for r in curation.populations if r["subgroup_of"]}
    problems: list[Problem] = []
    measured: dict[tuple, Record] = {}

    def problem(row: Record, column: str, message: str) -> None:
        problems.append(Problem(str(row.path), row.line, column, message))

    for row in shipped.figures:
        if row["same_as"]:
            _check_citation(row, by_id.get(row["same_as"]), curation, problem)
            continue
        measure = _measure(row, curation)
        if measure in measured:
            first = measured[measure]
            problem(
                row,
                "same_as",
                f"même mesure que la ligne {first.line} ({first['id']}) : "
                "une seule ligne par chiffre, les autres sources avec same_as",
            )
        measured.setdefault(measure, row)
        if curation.population_of[row["population"]] in subgroups:
            _check_subgroup(row, problem)
    for figure_id in curation.approximate:
        row = by_id.get(figure_id)
        if row is None or row["same_as"]:
            path = shipped.paths[APPROXIMATE_FILE]
            problems.append(
                Problem(str(path), None, "id", f"« {figure_id} » n'est pas un chiffre du fichier")
            )
    return problems


def _check_citation(row: Record, main: Record | None, curation: Curation, problem: object) -> None:
    if main is None or main["same_as"]:
        problem(row, "same_as", f"« {row['same_as']} » n'est pas un chiffre du fichier")  # type: ignore[operator]
        return
    mine, theirs = _measure(row, curation), _measure(main, curation)
    # The year may differ: two sources can date the same measurement differently.
    for position, column in ((0, "indicator"), (1, "population"), (2, "scope"), (4, "value_pct")):
        if mine[position] != theirs[position]:
            problem(row, column, f"diffère du chiffre {main['id']} (ligne {main.line})")  # type: ignore[operator]


def _check_subgroup(row: Record, problem: object) -> None:
    """A subgroup's interval needs the subgroup's own n, never the whole sample's."""
    if not row["sample_size"]:
        return
    total = int(row["sample_total"]) if row["sample_total"] else None
    if total is None or int(row["sample_size"]) >= total:
        problem(  # type: ignore[operator]
            row,
            "sample_size",
            "sous-groupe : n doit être l'effectif du sous-groupe, plus petit que "
            "l'échantillon complet (sample_total) ; laissez-le vide s'il n'est pas publié",
        )


def population_problems(curation: Curation) -> list[Problem]:
    keys = {r["key"] for r in curation.populations}
    return [
        Problem(str(r.path), r.line, "subgroup_of", f"population inconnue : « {r['subgroup_of']} »")
        for r in curation.populations
        if r["subgroup_of"] and r["subgroup_of"] not in keys
    ]


# --- territories -----------------------------------------------------------------------------


class TerritoryResolver:
    """Resolve source scopes to territories: the nation, régions by folded name, and the
    scopes of `perimetres.csv` (two régions reported together, a former région)."""

    def __init__(self, scopes: list[Record]) -> None:
        self.france = Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first()
        self.regions = {
            t.search_name or normalize_name(t.name): t
            for t in Territory.objects.filter(level=Level.REGION, obsolete=False)
        }
        self.scopes = {normalize_name(r["scope"]): r for r in scopes}

    def names(self, label: str) -> list[str]:
        scope = self.scopes.get(normalize_name(label))
        if scope is None:
            return [label]
        return [t for t in scope["territories"].split("|") if t] or [label]

    def resolve(self, label: str) -> list[Territory] | None:
        """All territories of the scope, or None when one of them is unknown."""
        found = []
        for name in self.names(label):
            territory = (
                self.france if name == FRANCE_CODE else self.regions.get(normalize_name(name))
            )
            if territory is None:
                return None
            found.append(territory)
        return found

    def shown(self, label: str, territories: list[Territory]) -> tuple[str, str]:
        """(French, English) name of what the scope covers, as the pages show it."""
        scope = self.scopes.get(normalize_name(label))
        if scope is not None:
            return scope["label_fr"], scope["label_en"]
        if len(territories) == 1:
            return territories[0].name, territories[0].name
        return label, label


# --- loading ---------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    obsoleted: int = 0
    sources: int = 0
    unresolved: set[str] = field(default_factory=set)

    def count(self, created: bool | None) -> None:
        if created is None:
            self.unchanged += 1
        elif created:
            self.created += 1
        else:
            self.updated += 1


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


def _int(text: str) -> int | None:
    return int(text) if text else None


def load(data_dir: Path = DATA_DIR) -> LoadReport:
    """Load every file in one transaction; raise DatasetError before writing anything."""
    shipped = read_files(data_dir)
    curation = shipped.curation
    report = LoadReport()
    with transaction.atomic():
        resolver = TerritoryResolver(curation.scopes)
        programmes = _load_programmes(curation.programmes)
        populations = _load_populations(curation.populations)
        indicators = _load_indicators(curation.indicators)
        studies = _load_studies(shipped, programmes, resolver)
        keys = FigureLoader(shipped, resolver, programmes, populations, indicators, studies).run(
            report
        )
        report.obsoleted += (
            Figure.objects.exclude(key__in=keys)
            .filter(obsolete=False, source_digest__gt="")
            .update(obsolete=True)
        )
        _load_fragilities(shipped.fragilities, resolver, report)
        record_dataset(
            "observatory",
            DATASET_VERSION,
            file_checksum(*shipped.paths.values()),
            len(keys),
        )
    return report


@dataclass
class FigureLoader:
    """Each measurement becomes one Figure with every source that reports it."""

    shipped: Shipped
    resolver: TerritoryResolver
    programmes: dict[str, Programme]
    populations: dict[str, Population]
    indicators: dict[str, Indicator]
    studies: dict[str, Study]

    def run(self, report: LoadReport) -> list[str]:
        keys = []
        for row in self.shipped.measurements:
            self.save(row, self.shipped.citations(row["id"]), report)
            keys.append(row["id"])
        return keys

    def save(self, row: Record, citations: list[Record], report: LoadReport) -> None:
        curation = self.shipped.curation
        territories = self.resolver.resolve(row["scope"])
        if territories is None:
            report.unresolved.add(row["scope"])
            territories = []
        note = row["note"]
        approximate = bool(APPROXIMATE_YEAR.search(f"{note} {row['fieldwork']}"))
        if row["id"] in curation.approximate:
            approximate = True
            note = f"{note} [year approximate: {curation.approximate[row['id']]}]".strip()
        study = self.studies.get(study_key(row["study"])[0]) if row["study"] else None
        n = _int(row["sample_size"])
        scope_fr, scope_en = self.resolver.shown(row["scope"], territories)
        values = {
            "indicator": self.indicators[curation.indicator_of[row["indicator"]]],
            "population": self.populations[curation.population_of[row["population"]]],
            "population_label": row["population"],
            "territory": territories[0] if territories else None,
            "scope_label": row["scope"],
            "scope_fr": scope_fr,
            "scope_en": scope_en,
            "source_statement": row["indicator"][:400],
            "year": int(row["year"]),
            "approximate_year": approximate,
            "value": Decimal(row["value_pct"].replace(",", ".")),
            "n": n,
            "n_is_lower_bound": bool(n and LOWER_BOUND.search(note)),
            "sample_total": _int(row["sample_total"]),
            "study": study,
            "programme": self.programmes[curation.programme_of[row["programme"]]],
            "fieldwork": row["fieldwork"][:300],
            "fieldwork_fr": row["fieldwork_fr"][:300],
            "source_url": row["source_url"],
            "note": note,
            "note_fr": row["note_fr"],
        }
        digest = row_digest(
            sorted(row.data.items()),
            [sorted(c.data.items()) for c in citations],
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
            report.sources += self.save_sources(figure, [row, *citations])

    @staticmethod
    def save_sources(figure: Figure, rows: list[Record]) -> int:
        figure.sources.all().delete()
        FigureSource.objects.bulk_create(
            FigureSource(
                figure=figure,
                key=row["id"][:120],
                url=row["source_url"],
                year=int(row["year"]),
                n=_int(row["sample_size"]),
                note=row["note"],
                note_fr=row["note_fr"],
                position=position,
            )
            for position, row in enumerate(rows)
        )
        return len(rows)


def study_key(name: str) -> tuple[str, str, str]:
    """(key, title, detail) of a study name: "X (1st regional report)" is study X."""
    match = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    title, detail = (match.group(1), match.group(2)) if match else (name, "")
    return slugify(title.replace("œ", "oe").replace("Œ", "Oe"))[:120], title, detail


def _load_programmes(rows: list[Record]) -> dict[str, Programme]:
    objs = {}
    for row in rows:
        obj = Programme.objects.filter(key=row["key"]).first() or Programme(key=row["key"])
        values = {
            "name": row["name"],
            "start_year": _int(row["start_year"]),
            "end_year": _int(row["end_year"]),
            "is_observatory_wave": row["is_observatory_wave"] == "1",
            "position": int(row.get("position") or 0),
        }
        _save(obj, row_digest(sorted(row.data.items())), values)
        objs[row["key"]] = obj
    return objs


def _load_populations(rows: list[Record]) -> dict[str, Population]:
    objs = {}
    for row in rows:
        obj = Population.objects.filter(key=row["key"]).first() or Population(key=row["key"])
        values = {
            "label_fr": row["label_fr"],
            "label_en": row["label_en"],
            "position": int(row["position"] or 0),
        }
        _save(obj, row_digest(sorted(row.data.items())), values)
        objs[row["key"]] = obj
    for row in rows:  # once every population exists
        parent = objs.get(row["subgroup_of"])
        if objs[row["key"]].subgroup_of_id != (parent.pk if parent else None):
            objs[row["key"]].subgroup_of = parent
            objs[row["key"]].save(update_fields=["subgroup_of"])
    return objs


def _load_indicators(rows: list[Record]) -> dict[str, Indicator]:
    objs = {}
    for row in rows:
        obj = Indicator.objects.filter(key=row["key"]).first() or Indicator(key=row["key"])
        values = {
            "label_fr": row["label_fr"],
            "label_en": row["label_en"],
            "statement_fr": row["statement_fr"],
            "statement_en": row["statement_en"],
            "theme": row.get("theme", ""),
        }
        _save(obj, row_digest(sorted(row.data.items())), values)
        objs[row["key"]] = obj
    return objs


# --- studies ---------------------------------------------------------------------------------


def _new_study(title: str, programme: Programme | None) -> dict:
    return {
        "title": title,
        "details": [],
        "programme": programme,
        "years": [],
        "fieldwork": "",
        "fieldwork_fr": "",
        "population": "",
        "n": None,
        "url": "",
        "scopes": set(),
        "pollster": "",
        "notes_fr": [],
    }


def _add_detail(entry: dict, detail: str) -> None:
    if detail and detail not in entry["details"]:
        entry["details"].append(detail)


def _studies_named_by_figures(shipped: Shipped, programmes: dict[str, Programme]) -> dict:
    """Studies as the figure rows name them: years, scopes, fieldwork, largest n."""
    gathered: dict[str, dict] = {}
    for row in shipped.figures:
        if not row["study"]:
            continue
        key, title, detail = study_key(row["study"])
        programme = programmes[shipped.curation.programme_of[row["programme"]]]
        entry = gathered.setdefault(key, _new_study(title, programme))
        entry["population"] = entry["population"] or row["population"]
        entry["url"] = entry["url"] or row["source_url"]
        _add_detail(entry, detail)
        entry["years"].append(int(row["year"]))
        entry["scopes"].add(row["scope"])
        if row["fieldwork"] and len(row["fieldwork"]) > len(entry["fieldwork"]):
            entry["fieldwork"], entry["fieldwork_fr"] = row["fieldwork"], row["fieldwork_fr"]
        if row["sample_size"]:
            entry["n"] = max(entry["n"] or 0, int(row["sample_size"]))
        if POLLSTER.search(row["fieldwork"]):
            entry["pollster"] = "Comisis / OpinionWay"
    return gathered


def _complete_from_study_list(
    gathered: dict, rows: list[Record], programmes: dict[str, Programme]
) -> None:
    """The list of identified studies completes (or adds) what the figures say."""
    for row in rows:
        key, title, detail = study_key(row["study"])
        entry = gathered.setdefault(key, _new_study(title, _programme_by_name(programmes, title)))
        _add_detail(entry, detail)
        entry["population"] = row["population"] or entry["population"]
        if row["date"]:
            entry["fieldwork"], entry["fieldwork_fr"] = row["date"], row["date_fr"]
        if row["sample_size"].isdigit():
            entry["n"] = int(row["sample_size"])
        entry["url"] = row["source_url"] or entry["url"]
        if POLLSTER.search(row.get("note", "")):
            entry["pollster"] = "Comisis / OpinionWay"
        if row.get("note"):
            entry["details"].append(row["note"])
        if row.get("note_fr"):
            entry["notes_fr"].append(row["note_fr"])
        entry["years"].extend([int(y) for y in re.findall(r"\b(20\d\d)\b", row["date"])][:1])


def _study_values(entry: dict, resolver: TerritoryResolver) -> dict:
    scopes = sorted(entry["scopes"])
    territory = None
    if len(scopes) == 1:
        resolved = resolver.resolve(scopes[0]) or []
        territory = resolved[0] if len(resolved) == 1 else None
    method = ""
    if re.search(r"telephone|online|questionnaire|quota", entry["fieldwork"], re.IGNORECASE):
        method = entry["fieldwork"][:300]
    return {
        "title": entry["title"][:300],
        "programme": entry["programme"],
        "year": min(entry["years"]) if entry["years"] else None,
        "fieldwork": entry["fieldwork"][:300],
        "fieldwork_fr": entry["fieldwork_fr"][:300],
        "method": method,
        "population_label": entry["population"][:300],
        "sample_size": entry["n"],
        "territory": territory,
        "pollster": entry["pollster"],
        "publication_url": entry["url"],
        "note": "; ".join(entry["details"]),
        "note_fr": "; ".join(entry["notes_fr"]),
    }


def _load_studies(
    shipped: Shipped, programmes: dict[str, Programme], resolver: TerritoryResolver
) -> dict[str, Study]:
    """Studies named by the figures, completed by the list of identified IMPACT studies."""
    gathered = _studies_named_by_figures(shipped, programmes)
    _complete_from_study_list(gathered, shipped.studies, programmes)
    objs = {}
    for key, entry in gathered.items():
        values = _study_values(entry, resolver)
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


# --- fragilities -----------------------------------------------------------------------------


def _load_fragilities(rows: list[Record], resolver: TerritoryResolver, report: LoadReport) -> None:
    keys: list[str] = []
    for row in rows:
        kind = row["kind(objective|perceived)"]
        territories = resolver.resolve(row["region"])
        if territories is None:
            report.unresolved.add(row["region"])
        key = slugify(f"{row['region']}-{row['fragility']}-{kind}-{row['source_url'][-40:]}")[:150]
        base, suffix = key, 2
        while key in keys:
            key, suffix = f"{base}-{suffix}", suffix + 1
        keys.append(key)
        rank = RANK.match(row["rank"])
        scope_fr, scope_en = resolver.shown(row["region"], territories or [])
        values = {
            "territory": territories[0] if territories else None,
            "scope_label": row["region"],
            "scope_fr": scope_fr,
            "scope_en": scope_en,
            "label": row["fragility"],
            "kind": kind,
            "population_label": row["population"],
            "rank": row["rank"],
            "rank_order": int(rank.group(1)) if rank else 99,
            "source_url": row["source_url"],
            "note": row.get("note", ""),
            "note_fr": row.get("note_fr", ""),
        }
        digest = row_digest(sorted(row.data.items()), territories[0].pk if territories else None)
        obj = Fragility.objects.filter(key=key).first() or Fragility(key=key)
        _save(obj, digest, values)
    Fragility.objects.exclude(key__in=keys).filter(source_digest__gt="").update(obsolete=True)
