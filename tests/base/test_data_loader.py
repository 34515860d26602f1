"""The shipped real examples: counts, kinds, one organisation per name, idempotence."""

import io
import json
import shutil

import pytest
from django.core.management import call_command

from alliances.base.management.commands import load_alliances
from alliances.base.models import Alliance, ChangeRecord, Organisation, Partner
from alliances.common.models import LoadedDataset
from alliances.territories.models import Level

pytestmark = pytest.mark.django_db
REAL = Alliance.objects.filter(origin__startswith="alliances_reelles:")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_alliances", *args, stdout=out, stderr=err, verbosity=1)
    return out.getvalue(), err.getvalue()


def test_the_66_examples_are_loaded_and_published():
    assert REAL.count() == 66
    assert REAL.filter(kind=Alliance.Kind.CATALYST).count() == 27
    assert REAL.filter(kind=Alliance.Kind.ALLIANCE).count() == 39
    assert REAL.exclude(status=Alliance.Status.PUBLISHED).count() == 0
    assert all(a.sources.exists() for a in REAL)
    assert LoadedDataset.objects.filter(name="alliances_reelles", rows=66).exists()
    example = REAL.get(slug="tzcld-colombelles")
    assert example.territory.level == Level.COMMUNE and example.territory.code == "14167"
    assert example.scale == Alliance.Scale.LOCAL
    assert example.partners.count() >= 3
    assert example.history.filter(action="created", actor="loader").exists()


def test_national_examples_are_france():
    national = REAL.get(slug="renault-mobiliz")
    assert (national.territory.level, national.territory.code) == ("pays", "FR")
    assert national.scale == Alliance.Scale.NATIONAL


def test_duplicate_names_are_one_organisation():
    for name in ("État", "Suez", "Renault", "La Poste"):
        assert Organisation.objects.filter(name=name, synthetic=False).count() == 1
    etat = Organisation.objects.get(name="État")
    # "État", "État (expérimentation TZCLD)" (x3), "État (DDETSPP)"... across examples.
    assert etat.partnerships.count() >= 8
    assert not Organisation.objects.filter(name__startswith="État (").exists()
    restos = Organisation.objects.get(name_key="restos du coeur")
    assert restos.partnerships.count() == 3
    face = Organisation.objects.get(name="Fondation Agir Contre l'Exclusion (FACE)")
    assert face.partnerships.count() == 4  # three under this name, one as "Fondation FACE"


def test_second_run_changes_nothing():
    records = ChangeRecord.objects.count()
    organisations = Organisation.objects.count()
    out, _err = run()
    assert "0 créée(s), 0 mise(s) à jour, 66 inchangée(s), 0 archivée(s)" in out
    assert ChangeRecord.objects.count() == records
    assert Organisation.objects.count() == organisations


def test_unresolved_places_are_reported_not_guessed():
    _out, err = run()
    assert "point-passerelle-nord-renault-mobiliz" in err
    assert "Nord de France" in err
    # The resolved part of the text stands: the région it names.
    example = REAL.get(slug="point-passerelle-nord-renault-mobiliz")
    assert example.territory.level == Level.REGION


def test_changed_row_updates_in_place_and_gone_row_is_archived(tmp_path, monkeypatch):
    rows = [json.loads(line) for line in load_alliances.DATA_FILE.read_text().splitlines()]
    rows[0]["summary"] = "Résumé revu."
    removed = rows.pop(1)
    path = tmp_path / "alliances_reelles.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    before_id = REAL.get(slug=rows[0]["id"]).pk
    out, _err = run("--file", str(path))
    assert "0 créée(s), 1 mise(s) à jour, 64 inchangée(s), 1 archivée(s)" in out
    changed = REAL.get(slug=rows[0]["id"])
    assert changed.pk == before_id and changed.summary == "Résumé revu."
    record = changed.history.filter(action="updated").first()
    assert record.changes["summary"][1] == "Résumé revu."
    gone = REAL.get(slug=removed["id"])
    assert gone.status == Alliance.Status.ARCHIVED
    assert gone.history.filter(action="archived", actor="loader").exists()


def test_bad_file_leaves_the_base_as_it_was(tmp_path):
    path = tmp_path / "broken.jsonl"
    shutil.copy(load_alliances.DATA_FILE, path)
    with path.open("a") as handle:
        handle.write('{"id": "x", "name": "X", "kind": "inconnu"}\n')
    count = Partner.objects.count()
    from alliances.common.errors import DataFileError

    with pytest.raises(DataFileError, match="ligne 67"):
        run("--file", str(path))
    assert Partner.objects.count() == count
