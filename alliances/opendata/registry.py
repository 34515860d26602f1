"""The alliances in forms that global partnership registries take in (no Django import).

Two forms, from the same records:
- IATI activity XML, version 2.03 (the International Aid Transparency Initiative standard that
  registries and portals such as the IATI Registry and d-portal read): one activity per
  alliance, with its SDG goals and targets as tags of the IATI "UN Sustainable Development
  Goals" vocabularies (2: goals, 3: targets) — its verified codes and target 17.17, which
  every alliance carries by definition; never a suggested code —, its partners as
  participating organisations,
  its years, its page and its source as document links.
- a flat CSV, one row per alliance, with the goals and target codes in their own columns.

Only years are known of an alliance: dates are written as 1 January of the start year and
31 December of the end year, which the export documentation states.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree as ET

from alliances.common.spreadsheet import as_text_cell
from alliances.sdg_coding.rules import BY_DEFINITION_GOAL, BY_DEFINITION_TARGETS

IATI_VERSION = "2.03"
# IATI codelists (https://iatistandard.org/en/iati-standard/203/codelists/).
TAG_VOCABULARY_SDG_GOALS = "2"
TAG_VOCABULARY_SDG_TARGETS = "3"
TAG_VOCABULARY_OWN = "99"  # the reporting organisation's own vocabulary (the domains)
# OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing. A beneficiary has
# no IATI role: beneficiaries are not listed as participating organisations.
ROLE_CODES = {"leader": "2", "funder": "1", "partner": "4", "operator": "4", "facilitator": "4"}
# OrganisationType of each actor profile of the platform's taxonomy.
PROFILE_TYPES = {
    "association": "22",  # national NGO
    "entreprise": "70",  # private sector
    "fondation": "60",  # foundation
    "collectivite": "11",  # local government
    "etat": "10",  # government
    "syndicat": "90",  # other
    "accompagnement": "90",
    "academique": "80",  # academic, training and research
    "citoyen": "90",
    "media": "90",
}
OTHER_TYPE = "90"
# ActivityStatus: 2 implementation, 4 closed.
STATUS_IMPLEMENTATION, STATUS_CLOSED = "2", "4"
# ActivityDateType: 2 actual start, 3 planned end, 4 actual end.
START_ACTUAL, END_PLANNED, END_ACTUAL = "2", "3", "4"
DOCUMENT_ACTIVITY_WEB_PAGE = "A12"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters that XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TARGET = re.compile(r"^(1[0-7]|[1-9])\.([0-9]{1,2}|[a-z])$")

CSV_COLUMNS = [
    "identifier",
    "title",
    "url",
    "summary",
    "kind",
    "lead_partners",
    "partners",
    "country",
    "place",
    "place_code",
    "start_year",
    "end_year",
    "activity_status",
    "sdg_goals",
    "sdg_targets",
    "domains",
    "source_url",
]


@dataclass
class RegistryPartner:
    name: str
    role: str  # leader, partner, funder, operator, beneficiary, facilitator
    profile: str = ""  # actor profile key


@dataclass
class RegistryActivity:
    """One alliance as the registries see it."""

    slug: str
    title: str
    url: str
    kind: str = "alliance"
    summary: str = ""
    description: str = ""
    partners: list[RegistryPartner] = field(default_factory=list)
    sdg_goals: list[int] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)  # "17.17"
    domains: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    place: str = ""
    place_code: str = ""  # "commune:25056"
    start_year: int | None = None
    end_year: int | None = None
    source_url: str = ""
    source_title: str = ""
    updated: datetime | None = None

    def goals(self) -> list[int]:
        """Its goals, with the goal of each of its targets, and goal 17 by definition."""
        numbers = set(self.sdg_goals) | {BY_DEFINITION_GOAL}
        for code in self.sdg_targets:
            match = _TARGET.match(code)
            if match:
                numbers.add(int(match.group(1)))
        return sorted(numbers)

    def targets(self) -> list[str]:
        """Its verified targets, and 17.17 by definition (docs/sdg.md)."""
        valid = {code for code in self.sdg_targets if _TARGET.match(code)}
        valid |= set(BY_DEFINITION_TARGETS)
        return sorted(valid, key=_target_order)

    def status(self, today: date) -> str:
        if self.end_year is not None and self.end_year < today.year:
            return STATUS_CLOSED
        return STATUS_IMPLEMENTATION


def _target_order(code: str) -> tuple[int, int, str]:
    goal, _dot, rest = code.partition(".")
    return (int(goal), int(rest) if rest.isdigit() else 100, rest)


def identifier(publisher_ref: str, slug: str) -> str:
    """IATI identifiers are the reporting organisation's identifier, a hyphen, its own id."""
    return f"{publisher_ref}-{slug}"


def clean_text(value: str) -> str:
    return _NOT_XML.sub("", value or "").strip()


def _narrative(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "narrative").text = clean_text(text)
    return element


def iati_xml(
    activities: Iterable[RegistryActivity],
    *,
    publisher_ref: str,
    publisher_name: str,
    publisher_type: str,
    own_vocabulary_uri: str,
    generated: datetime,
    language: str = "fr",
) -> bytes:
    """The activities as one IATI 2.03 `iati-activities` document (UTF-8 bytes).

    IATI requires a date on every activity: an alliance whose start year is unknown is left
    out, and a comment at the top of the document says how many were.
    """
    root = ET.Element(
        "iati-activities",
        {"version": IATI_VERSION, "generated-datetime": generated.isoformat(timespec="seconds")},
    )
    today = generated.date()
    activities = list(activities)
    dated = [a for a in activities if a.start_year]
    skipped = len(activities) - len(dated)
    if skipped:
        root.append(
            ET.Comment(
                f" {skipped} alliance(s) left out: IATI requires a start date and theirs is "
                "unknown; they are in the CSV export "
            )
        )
    for activity in dated:
        attributes = {XML_LANG: language, "hierarchy": "1"}
        if activity.updated:
            attributes["last-updated-datetime"] = activity.updated.isoformat(timespec="seconds")
        node = ET.SubElement(root, "iati-activity", attributes)
        ET.SubElement(node, "iati-identifier").text = identifier(publisher_ref, activity.slug)
        _narrative(node, "reporting-org", publisher_name, ref=publisher_ref, type=publisher_type)
        _narrative(node, "title", activity.title)
        description = activity.summary or activity.description or activity.title
        _narrative(node, "description", description, type="1")
        for partner in activity.partners:
            role = ROLE_CODES.get(partner.role)
            if role is None:
                continue
            _narrative(
                node,
                "participating-org",
                partner.name,
                role=role,
                type=PROFILE_TYPES.get(partner.profile, OTHER_TYPE),
            )
        ET.SubElement(node, "activity-status", {"code": activity.status(today)})
        ET.SubElement(
            node,
            "activity-date",
            {"type": START_ACTUAL, "iso-date": f"{activity.start_year:04d}-01-01"},
        )
        if activity.end_year:
            kind = END_ACTUAL if activity.end_year < today.year else END_PLANNED
            ET.SubElement(
                node, "activity-date", {"type": kind, "iso-date": f"{activity.end_year:04d}-12-31"}
            )
        ET.SubElement(node, "recipient-country", {"code": "FR", "percentage": "100"})
        if activity.place:
            location = ET.SubElement(node, "location", {"ref": activity.place_code})
            ET.SubElement(ET.SubElement(location, "name"), "narrative").text = clean_text(
                activity.place
            )
        for number in activity.goals():
            ET.SubElement(
                node, "tag", {"vocabulary": TAG_VOCABULARY_SDG_GOALS, "code": str(number)}
            )
        for code in activity.targets():
            ET.SubElement(node, "tag", {"vocabulary": TAG_VOCABULARY_SDG_TARGETS, "code": code})
        for key, label in activity.domains:
            _narrative(
                node,
                "tag",
                label,
                vocabulary=TAG_VOCABULARY_OWN,
                **{"vocabulary-uri": own_vocabulary_uri, "code": key},
            )
        for url, title in ((activity.url, activity.title), (activity.source_url, "")):
            if not url:
                continue
            link = ET.SubElement(node, "document-link", {"format": "text/html", "url": url})
            _narrative(link, "title", title or activity.source_title or url)
            ET.SubElement(link, "category", {"code": DOCUMENT_ACTIVITY_WEB_PAGE})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def csv_rows(activities: Iterable[RegistryActivity], publisher_ref: str, today: date) -> list[dict]:
    rows = []
    for a in activities:
        rows.append(
            {
                "identifier": identifier(publisher_ref, a.slug),
                "title": a.title,
                "url": a.url,
                "summary": a.summary,
                "kind": a.kind,
                "lead_partners": "; ".join(p.name for p in a.partners if p.role == "leader"),
                "partners": "; ".join(p.name for p in a.partners),
                "country": "FR",
                "place": a.place,
                "place_code": a.place_code,
                "start_year": a.start_year or "",
                "end_year": a.end_year or "",
                "activity_status": "closed" if a.status(today) == STATUS_CLOSED else "ongoing",
                "sdg_goals": "; ".join(str(g) for g in a.goals()),
                "sdg_targets": "; ".join(a.targets()),
                "domains": "; ".join(key for key, _label in a.domains),
                "source_url": a.source_url,
            }
        )
    return rows


def registry_csv(activities: Iterable[RegistryActivity], publisher_ref: str, today: date) -> bytes:
    """UTF-8 with a byte order mark (spreadsheets then read accents right), comma-separated."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in csv_rows(activities, publisher_ref, today):
        writer.writerow({k: as_text_cell(v) for k, v in row.items()})
    return ("\ufeff" + text.getvalue()).encode("utf-8")
