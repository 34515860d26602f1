"""Read the shipped territory files into a plan of rows, checking them before any write.

No database access here: the loader asks for the whole plan first, so a corrupt or missing
file raises `DataFileError` (file and line) before the database is touched.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from alliances.common.errors import DataFileError
from alliances.common.text import normalize_name

from .models import FRANCE_CODE, Level
from .schema import FILES

ZONES = {"metro", "drom", "com"}
SUB_COMMUNE_LEVELS = {
    Level.DELEGATED_COMMUNE.value,
    Level.ASSOCIATED_COMMUNE.value,
    Level.MUNICIPAL_DISTRICT.value,
}
COMMUNE_TYPES = {Level.COMMUNE.value, *SUB_COMMUNE_LEVELS}
_COMMUNE_CODE = re.compile(r"^(\d[\dAB]\d{3})$")
_POSTCODE = re.compile(r"^\d{5}$")
_SIREN = re.compile(r"^\d{9}$")

Key = tuple[str, str]  # (level, code)


@dataclass
class PlannedTerritory:
    """One territory as the source describes it, with containment given as keys."""

    level: str
    code: str
    name: str
    zone: str = ""
    siren: str = ""
    population: int | None = None
    epci_type: str = ""
    parent: Key | None = None
    region: Key | None = None
    departement: Key | None = None
    epci: Key | None = None
    postcodes: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        return (self.level, self.code)

    @property
    def search_name(self) -> str:
        return normalize_name(self.name)

    def signature(self) -> tuple:
        """Everything stored from the source: its digest tells whether a row changed."""
        return (
            self.level,
            self.code,
            self.name,
            self.zone,
            self.siren,
            self.population,
            self.epci_type,
            self.parent,
            self.region,
            self.departement,
            self.epci,
            self.postcodes,
        )


@dataclass
class Plan:
    """All territories in load order (containers before what they contain)."""

    territories: list[PlannedTerritory] = field(default_factory=list)
    version: str = ""
    files: list[Path] = field(default_factory=list)

    def by_level(self, level: str) -> list[PlannedTerritory]:
        return [t for t in self.territories if t.level == level]


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers; the header must be exactly as expected."""
    columns = FILES[path.name]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(path, _("fichier introuvable")) from None
    except OSError as error:
        raise DataFileError(path, _("fichier illisible : %s") % error) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DataFileError(path, _("encodage invalide (UTF-8 attendu)"), line) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header != columns:
            raise DataFileError(
                path, _("en-tête inattendu : colonnes attendues %s") % ", ".join(columns), 1
            )
        rows = []
        for values in reader:
            if not values:
                continue
            if len(values) != len(columns):
                raise DataFileError(
                    path,
                    _("%(found)d colonnes au lieu de %(expected)d")
                    % {"found": len(values), "expected": len(columns)},
                    reader.line_num,
                )
            rows.append((reader.line_num, dict(zip(columns, values, strict=True))))
    except csv.Error as error:
        raise DataFileError(path, _("CSV invalide : %s") % error, reader.line_num) from None
    if not rows:
        raise DataFileError(path, _("fichier vide"), 1)
    return rows


def _population(path: Path, line: int, value: str) -> int | None:
    if value == "":
        return None
    if not value.isdigit():
        raise DataFileError(path, _("population invalide : « %s »") % value, line)
    return int(value)


def _require(path: Path, line: int, row: dict[str, str], *names: str) -> None:
    for name in names:
        if not row[name].strip():
            raise DataFileError(path, _("colonne « %s » vide") % name, line)


def read_plan(data_dir: Path) -> Plan:
    """Read and check the four files of `data_dir`; raise DataFileError on the first fault."""
    data_dir = Path(data_dir)
    paths = {name: data_dir / name for name in FILES}
    version = _version(data_dir)
    reader = _PlanReader(paths)
    reader.read_regions()
    reader.read_departements()
    reader.read_epcis()
    reader.read_communes()
    reader.place_epcis()
    reader.attach_sub_communes()
    reader.sum_populations()
    return Plan(
        territories=reader.territories(),
        version=version,
        files=list(paths.values()),
    )


def _version(data_dir: Path) -> str:
    """The first line of the VERSION file the refresh script writes."""
    version_file = data_dir / "VERSION"
    if not version_file.exists():
        return "unknown"
    return version_file.read_text(encoding="utf-8").splitlines()[0].strip()


class _PlanReader:
    """The files read in order (containers first), each step checking what it reads."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self.france = PlannedTerritory(level=Level.COUNTRY.value, code=FRANCE_CODE, name="France")
        self.regions: dict[str, PlannedTerritory] = {}
        self.coms: dict[str, PlannedTerritory] = {}
        self.departements: dict[str, PlannedTerritory] = {}
        self.epcis: dict[str, PlannedTerritory] = {}
        self.communes: dict[str, PlannedTerritory] = {}
        self.sub_communes: list[PlannedTerritory] = []
        # Delegated communes and districts, with the code of their commune, read after it.
        self._subs: list[tuple[int, PlannedTerritory, str]] = []
        # Population of each EPCI's members by département, to place the EPCI.
        self._epci_weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def read_regions(self) -> None:
        """Régions; the COM appear in both régions.csv and departements.csv: loaded once, as
        "com"."""
        path = self.paths["regions.csv"]
        for line, row in _read_rows(path):
            _require(path, line, row, "code", "name", "zone")
            if row["zone"] not in ZONES:
                raise DataFileError(path, _("zone inconnue : « %s »") % row["zone"], line)
            target = self.coms if row["zone"] == "com" else self.regions
            if row["code"] in target:
                raise DataFileError(path, _("code en double : %s") % row["code"], line)
            level = Level.OVERSEAS_COLLECTIVITY if row["zone"] == "com" else Level.REGION
            item = PlannedTerritory(
                level=level.value, code=row["code"], name=row["name"], zone=row["zone"]
            )
            item.parent = self.france.key
            if level == Level.REGION:
                item.region = item.key
            target[row["code"]] = item

    def read_departements(self) -> None:
        path = self.paths["departements.csv"]
        for line, row in _read_rows(path):
            _require(path, line, row, "code", "name", "region", "zone")
            if row["zone"] == "com":
                if row["code"] not in self.coms:
                    raise DataFileError(
                        path,
                        _("collectivité d'outre-mer absente de regions.csv : %s") % row["code"],
                        line,
                    )
                continue
            region = self.regions.get(row["region"])
            if region is None:
                raise DataFileError(path, _("région inconnue : « %s »") % row["region"], line)
            if row["code"] in self.departements:
                raise DataFileError(path, _("code en double : %s") % row["code"], line)
            item = PlannedTerritory(
                level=Level.DEPARTEMENT.value,
                code=row["code"],
                name=row["name"],
                zone=row["zone"],
                parent=region.key,
                region=region.key,
            )
            item.departement = item.key
            self.departements[row["code"]] = item

    def read_epcis(self) -> None:
        path = self.paths["epci.csv"]
        for line, row in _read_rows(path):
            _require(path, line, row, "code", "name")
            if not _SIREN.match(row["code"]):
                raise DataFileError(path, _("SIREN invalide : « %s »") % row["code"], line)
            if row["code"] in self.epcis:
                raise DataFileError(path, _("code en double : %s") % row["code"], line)
            self.epcis[row["code"]] = PlannedTerritory(
                level=Level.EPCI.value,
                code=row["code"],
                name=row["name"],
                siren=row["code"],
                epci_type=row["type"],
                population=_population(path, line, row["population"]),
            )

    def read_communes(self) -> None:
        path = self.paths["communes.csv"]
        seen: set[Key] = set()
        for line, row in _read_rows(path):
            item = _commune(path, line, row, seen)
            if item.level != Level.COMMUNE:
                if not row["current"]:
                    raise DataFileError(path, _("colonne « %s » vide") % "current", line)
                self._subs.append((line, item, row["current"]))
                continue
            self._contain_commune(path, line, row, item)
            self.communes[row["code"]] = item

    def _contain_commune(
        self, path: Path, line: int, row: dict[str, str], item: PlannedTerritory
    ) -> None:
        """Set the containers of a current commune from its row."""
        com = self.coms.get(row["departement"])
        if com is not None:
            # Communes of an overseas collectivity: neither région nor département.
            item.parent = com.key
            return
        departement = self.departements.get(row["departement"])
        if departement is None:
            raise DataFileError(path, _("département inconnu : « %s »") % row["departement"], line)
        item.departement = departement.key
        item.region = departement.region
        if row["epci"]:
            epci = self.epcis.get(row["epci"])
            if epci is None:
                raise DataFileError(path, _("EPCI inconnu : « %s »") % row["epci"], line)
            item.epci = epci.key
            self._epci_weight[epci.code][departement.code] += (item.population or 0) + 1
        item.parent = item.epci or item.departement

    def place_epcis(self) -> None:
        """An EPCI may straddle départements: it is placed in the one holding most of its
        population (members counted once each to break ties), a stable and explainable rule."""
        for code, epci in self.epcis.items():
            weights = self._epci_weight.get(code)
            if not weights:
                raise DataFileError(
                    self.paths["epci.csv"], _("EPCI sans commune membre : %s") % code, None
                )
            main = self.departements[max(sorted(weights), key=lambda d: weights[d])]
            epci.parent = main.key
            epci.departement = main.key
            epci.region = main.region
            epci.zone = main.zone
            epci.epci = epci.key

    def attach_sub_communes(self) -> None:
        """Delegated and associated communes and districts lie where their commune lies."""
        for line, item, current_code in self._subs:
            current = self.communes.get(current_code)
            if current is None:
                raise DataFileError(
                    self.paths["communes.csv"],
                    _("commune de rattachement inconnue : « %s »") % current_code,
                    line,
                )
            item.parent = current.key
            item.region = current.region
            item.departement = current.departement
            item.epci = current.epci
            self.sub_communes.append(item)

    def sum_populations(self) -> None:
        """Populations of the larger territories: sums of their communes' populations
        municipales, as INSEE computes them; France counts the régions (metropolitan and
        DROM)."""
        totals: dict[Key, int] = defaultdict(int)
        for commune in self.communes.values():
            for key in {commune.departement, commune.region, commune.parent}:
                if key is not None and key[0] != Level.EPCI:
                    totals[key] += commune.population or 0
        for item in [*self.regions.values(), *self.departements.values(), *self.coms.values()]:
            item.population = totals.get(item.key) or None
        self.france.population = sum(r.population or 0 for r in self.regions.values()) or None

    def territories(self) -> list[PlannedTerritory]:
        """Every territory, containers before what they contain."""
        return [
            self.france,
            *self.regions.values(),
            *self.coms.values(),
            *self.departements.values(),
            *self.epcis.values(),
            *self.communes.values(),
            *self.sub_communes,
        ]


def _commune(path: Path, line: int, row: dict[str, str], seen: set[Key]) -> PlannedTerritory:
    """One row of communes.csv checked, without its containers."""
    _require(path, line, row, "code", "type", "name", "departement")
    level = row["type"]
    if level not in COMMUNE_TYPES:
        raise DataFileError(path, _("type de commune inconnu : « %s »") % level, line)
    if not _COMMUNE_CODE.match(row["code"]):
        raise DataFileError(path, _("code de commune invalide : « %s »") % row["code"], line)
    if (level, row["code"]) in seen:
        raise DataFileError(path, _("code en double : %s") % row["code"], line)
    seen.add((level, row["code"]))
    postcodes = tuple(p for p in row["postcodes"].split("|") if p)
    for postcode in postcodes:
        if not _POSTCODE.match(postcode):
            raise DataFileError(path, _("code postal invalide : « %s »") % postcode, line)
    if row["siren"] and not _SIREN.match(row["siren"]):
        raise DataFileError(path, _("SIREN invalide : « %s »") % row["siren"], line)
    return PlannedTerritory(
        level=level,
        code=row["code"],
        name=row["name"],
        zone=row["zone"],
        siren=row["siren"],
        population=_population(path, line, row["population"]),
        postcodes=postcodes,
    )
