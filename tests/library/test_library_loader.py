"""The shipped resources load completely, once, and update in place."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.library.models import UNKNOWN_LICENCE, Resource

DATA = Path(__file__).resolve().parents[2] / "alliances" / "data" / "library" / "ressources.jsonl"

pytestmark = pytest.mark.usefixtures("library")


def test_all_seventy_resources_are_loaded_with_their_links():
    assert Resource.objects.count() == 75
    assert Resource.objects.published().count() == 75
    charter = Resource.objects.get(slug="fondation-territoires-charte-faire-alliance-2021")
    assert charter.kind == "outil" and charter.format == "charter" and charter.year == 2021
    assert charter.maturity_levels == [1, 2]
    assert {t.key for t in charter.audience.all()} >= {"association", "entreprise"}
    assert charter.licence == UNKNOWN_LICENCE  # never invented
    assert LoadedDataset.objects.get(name="library.resources").rows == 75


def test_every_row_of_the_file_is_in_the_database():
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    by_slug = {r.slug: r for r in Resource.objects.prefetch_related("domains")}
    for row in rows:
        resource = by_slug[row["id"]]
        assert resource.title == row["title"]
        assert resource.source_url == row["source_url"]
        assert resource.maturity_levels == sorted(row["maturity_levels"])
        assert {t.key for t in resource.domains.all()} == set(row["domains"])


def test_second_run_changes_nothing():
    before = dict(Resource.objects.values_list("slug", "updated_at"))
    call_command("load_library", verbosity=0)
    assert dict(Resource.objects.values_list("slug", "updated_at")) == before


def test_changed_row_updates_and_missing_row_is_marked_obsolete(tmp_path: Path):
    lines = DATA.read_text().splitlines()
    first = json.loads(lines[0])
    first["title"] = "Titre corrigé"
    edited = tmp_path / "ressources.jsonl"
    edited.write_text("\n".join([json.dumps(first, ensure_ascii=False), *lines[2:]]) + "\n")
    dropped = json.loads(lines[1])["id"]
    call_command("load_library", file=edited, verbosity=0)
    assert Resource.objects.get(slug=first["id"]).title == "Titre corrigé"
    gone = Resource.objects.get(slug=dropped)
    assert gone.obsolete and not gone.is_public
    assert Resource.objects.count() == 75  # nothing deleted
    assert Resource.objects.published().count() == 74


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "JSON invalide"),
        ('{"id": "x"}', "champ « kind » : obligatoire"),
    ],
)
def test_corrupt_file_is_refused_with_its_line_and_nothing_changes(tmp_path, line, message):
    lines = DATA.read_text().splitlines()
    first = json.loads(lines[0])
    first["title"] = "Ne doit pas être écrit"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(first) + "\n" + line + "\n")
    with pytest.raises(DataFileError) as error:
        call_command("load_library", file=bad, verbosity=0)
    assert error.value.line == 2
    assert message in str(error.value)
    assert Resource.objects.get(slug=first["id"]).title != "Ne doit pas être écrit"


def test_unknown_kind_is_refused(tmp_path):
    row = json.loads(DATA.read_text().splitlines()[0])
    row["kind"] = "potion"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataFileError, match="type M.E.D.O.C. inconnu"):
        call_command("load_library", file=bad, verbosity=0)
