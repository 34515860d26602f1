"""The export of alliances for global partnership registries: IATI 2.03 XML and CSV."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest
import xmlschema

from alliances.base.models import Alliance, Organisation, Partner
from alliances.opendata.registry import (
    RegistryActivity,
    clean_text,
    iati_xml,
)
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal, SdgTarget

SCHEMA = Path(__file__).resolve().parents[2] / "var/iati-schemas/2.03/iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def iati_schema() -> xmlschema.XMLSchema:
    if not SCHEMA.exists():
        pytest.fail(f"{SCHEMA} is missing: run `make test-data` (make test does it)")
    return xmlschema.XMLSchema(str(SCHEMA))


def _tags(activity: ET.Element, vocabulary: str) -> list[str]:
    return [t.get("code") for t in activity.findall("tag") if t.get("vocabulary") == vocabulary]


def test_goals_include_the_goal_of_each_target_and_bad_codes_are_dropped():
    activity = RegistryActivity(
        slug="a", title="A", url="u", sdg_goals=[17], sdg_targets=["11.3", "4.a", "17.17", "99.1"]
    )
    assert activity.goals() == [4, 11, 17]
    assert activity.targets() == ["4.a", "11.3", "17.17"]


def test_status_and_dates_follow_the_years():
    today = date(2026, 11, 29)
    assert RegistryActivity(slug="a", title="A", url="u", end_year=2020).status(today) == "4"
    assert RegistryActivity(slug="a", title="A", url="u", end_year=2027).status(today) == "2"
    xml = iati_xml(
        [
            RegistryActivity(slug="a", title="A", url="u", start_year=2019, end_year=2020),
            RegistryActivity(slug="b", title="B", url="u"),  # no start year: left out
        ],
        publisher_ref="XX-TEST",
        publisher_name="Test",
        publisher_type="90",
        own_vocabulary_uri="https://example.org/domains/",
        generated=datetime(2026, 11, 29, 12, 0),
    )
    root = ET.fromstring(xml)
    (only,) = root.findall("iati-activity")
    assert only.findtext("iati-identifier") == "XX-TEST-a"
    dates = {d.get("type"): d.get("iso-date") for d in only.findall("activity-date")}
    assert dates == {"2": "2019-01-01", "4": "2020-12-31"}
    assert b"1 alliance(s) left out" in xml


def test_control_characters_are_removed_from_texts():
    assert clean_text("a\x00b\x1fc\td\n") == "ab" + "c\td"


@pytest.fixture
def tagged(db):
    """A published alliance with goals, targets, partners of every role and hostile text."""
    alliance = Alliance.objects.create(
        kind="alliance",
        title='Alliance <script>alert("x")</script> & co\x01',
        slug="alliance-registre",
        summary="Résumé « accentué » ' OR 1=1 --",
        status="published",
        start_year=2021,
        end_year=2030,
    )
    alliance.sdg_goals.add(SdgGoal.objects.get(number=17))
    alliance.sdg_targets.add(*SdgTarget.objects.filter(code__in=["11.3", "17.17"]))
    alliance.domains.add(Term.objects.get(taxonomy__key="domains", key="emploi_insertion"))
    profiles = {t.key: t for t in Term.objects.filter(taxonomy__key="actor_profiles")}
    for position, (name, role, profile) in enumerate(
        [
            ("Ville d'essai", "leader", "collectivite"),
            ("Entreprise d'essai", "partner", "entreprise"),
            ("Fondation d'essai", "funder", "fondation"),
            ("Habitants", "beneficiary", "citoyen"),
        ]
    ):
        org = Organisation.objects.create(name=name, profile=profiles[profile])
        Partner.objects.create(alliance=alliance, organisation=org, role=role, position=position)
    Alliance.objects.create(
        kind="alliance", title="Brouillon", slug="brouillon-registre", start_year=2020
    )
    return alliance


def test_the_iati_export_is_valid_against_the_official_schema(client, tagged, iati_schema):
    response = client.get("/donnees/registre/iati.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    errors = list(iati_schema.iter_errors(io.BytesIO(response.content)))
    assert errors == [], errors[:3]
    root = ET.fromstring(response.content)
    assert len(root.findall("iati-activity")) > 1  # the shipped examples with a start year
    ours = next(
        a
        for a in root.findall("iati-activity")
        if a.findtext("iati-identifier").endswith("-alliance-registre")
    )
    assert _tags(ours, "2") == ["11", "17"]
    assert _tags(ours, "3") == ["11.3", "17.17"]
    assert _tags(ours, "99") == ["emploi_insertion"]
    roles = {
        o.findtext("narrative"): (o.get("role"), o.get("type"))
        for o in ours.findall("participating-org")
    }
    assert roles == {
        "Ville d'essai": ("2", "11"),
        "Entreprise d'essai": ("4", "70"),
        "Fondation d'essai": ("1", "60"),
    }  # a beneficiary has no IATI role
    title = ours.find("title").findtext("narrative")
    assert title == 'Alliance <script>alert("x")</script> & co'  # text, escaped by XML
    assert b"<script>" not in response.content
    assert not any(
        a.findtext("iati-identifier").endswith("-brouillon-registre")
        for a in root.findall("iati-activity")
    )


def test_the_csv_export_has_goal_and_target_codes_and_follows_the_filters(client, tagged):
    response = client.get("/donnees/registre/odd.csv?q=accentue")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["identifier"].endswith("-alliance-registre") for r in rows] == [True]
    (row,) = rows
    assert row["sdg_goals"] == "11; 17"
    assert row["sdg_targets"] == "11.3; 17.17"
    assert row["lead_partners"] == "Ville d'essai"
    assert row["activity_status"] == "ongoing"
    everything = client.get("/donnees/registre/odd.csv").content.decode("utf-8-sig")
    assert "brouillon-registre" not in everything
    assert everything.count("\n") > 60  # the shipped examples, with or without start year


def test_the_publisher_identifier_comes_from_the_settings(client, tagged, settings):
    settings.ALLIANCES_IATI_ORG_REF = "FR-RNA-W123456789"
    root = ET.fromstring(client.get("/donnees/registre/iati.xml").content)
    activity = root.find("iati-activity")
    assert activity.find("reporting-org").get("ref") == "FR-RNA-W123456789"
    assert activity.findtext("iati-identifier").startswith("FR-RNA-W123456789-")
    page = client.get("/donnees/").content.decode()
    assert "/donnees/registre/iati.xml" in page and "/donnees/registre/odd.csv" in page
