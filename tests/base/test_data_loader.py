"""The shipped real examples: counts, kinds, one organisation per name, the source's wording and
roles, idempotence, and loading that never archives by surprise."""

import builtins
import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alliances.base.management.commands import load_alliances
from alliances.base.models import Alliance, ChangeRecord, Organisation, Partner, Source
from alliances.common.datasets import DatasetError
from alliances.common.models import LoadedDataset
from alliances.territories.models import Level

pytestmark = pytest.mark.django_db
REAL = Alliance.objects.filter(origin__startswith="alliances_reelles:")


def shipped_rows() -> list[dict]:
    return [r.data for r in load_alliances.read_rows(load_alliances.shipped_files())]


def reference_rows() -> list[dict]:
    text = load_alliances.DATA_FILE.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_alliances", *args, stdout=out, stderr=err, verbosity=1)
    return out.getvalue(), err.getvalue()


def test_every_shipped_example_is_loaded_and_published():
    rows = shipped_rows()
    assert REAL.count() == len(rows) >= 66
    assert REAL.exclude(status=Alliance.Status.PUBLISHED).count() == 0
    assert all(a.sources.exists() for a in REAL)
    assert LoadedDataset.objects.filter(name="alliances_reelles", rows=len(rows)).exists()
    reference = {r["id"] for r in reference_rows()}
    assert len(reference) == 66
    assert REAL.filter(slug__in=reference, kind=Alliance.Kind.CATALYST).count() == 27
    example = REAL.get(slug="tzcld-colombelles")
    assert example.territory.level == Level.COMMUNE and example.territory.code == "14167"
    assert example.scale == Alliance.Scale.LOCAL
    assert example.partners.count() >= 3
    assert example.history.filter(action="created", actor="loader").exists()


def test_research_files_beside_the_reference_file_are_shipped_too(tmp_path, monkeypatch):
    shutil.copy(load_alliances.DATA_FILE, tmp_path / "alliances_reelles.jsonl")
    extra = dict(reference_rows()[0], id="exemple-de-recherche", name="Exemple de recherche")
    write(tmp_path / "examples_test.jsonl", [extra])
    write(tmp_path / "notes.jsonl", [dict(extra, id="pas-un-fichier-d-exemples")])
    monkeypatch.setattr(load_alliances, "DATA_DIR", tmp_path)
    files = load_alliances.shipped_files()
    assert [p.name for p in files] == ["alliances_reelles.jsonl", "examples_test.jsonl"]
    run()
    assert REAL.filter(slug="exemple-de-recherche").exists()
    assert not REAL.filter(slug="pas-un-fichier-d-exemples").exists()


def test_ids_are_unique_across_the_files(tmp_path, monkeypatch):
    shutil.copy(load_alliances.DATA_FILE, tmp_path / "alliances_reelles.jsonl")
    twin = dict(reference_rows()[3], name="Même identifiant, autre fichier")
    write(tmp_path / "examples_test.jsonl", [twin])
    monkeypatch.setattr(load_alliances, "DATA_DIR", tmp_path)
    with pytest.raises(DatasetError) as error:
        run()
    problem = error.value.problems[0]
    assert problem.field == "id" and problem.line == 1
    assert "examples_test.jsonl" in problem.path
    assert "identifiant en double" in problem.message and "alliances_reelles.jsonl, ligne 4" in (
        problem.message
    )


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
    assert restos.partnerships.count() >= 3
    face = Organisation.objects.get(name="Fondation Agir Contre l'Exclusion (FACE)")
    assert face.partnerships.count() >= 4  # three under this name, one as "Fondation FACE"


def test_the_source_wording_dropped_by_deduplication_is_kept_on_the_partner():
    """Issue 15 item 7: the 15 names whose qualifier de-duplication dropped."""
    face = Partner.objects.get(
        alliance__slug="fondation-orleans",
        organisation__name="Fondation Agir Contre l'Exclusion (FACE)",
    )
    assert face.organisation.name == "Fondation Agir Contre l'Exclusion (FACE)"
    assert face.as_named == "Fondation FACE (fondation abritante)"
    ville = Partner.objects.get(alliance__slug="villes-au-carre", organisation__name="État")
    assert ville.as_named.startswith("État (Délégation interministérielle à la ville")
    reference = {r["id"] for r in reference_rows()}
    kept = Partner.objects.filter(alliance__slug__in=reference).exclude(as_named="")
    # The 15 of the audit; names the research files share (a canonical "Ministère du Travail"
    # beside "Ministère du Travail (PIC)") keep their wording the same way.
    assert kept.count() >= 15
    assert {"SUEZ", "Groupe La Poste", "Restos du Cœur"} <= set(
        kept.values_list("as_named", flat=True)
    )
    # A partner named exactly as its organisation carries no second wording.
    assert not Partner.objects.filter(as_named="État").exists()


def test_the_alliance_page_shows_the_source_wording_and_the_roles(client):
    page = client.get(REAL.get(slug="fondation-orleans").get_absolute_url()).content.decode()
    assert "Fondation Agir Contre l&#x27;Exclusion (FACE)" in page
    assert "« Fondation FACE (fondation abritante) »" in page
    assert "Rôle" in page


def test_roles_source_title_and_reading_date_are_loaded(tmp_path):
    row = dict(reference_rows()[0])
    row["partners"] = [
        {"name": "Association Halage", "profile": "association", "role": "leader"},
        {
            "name": "Région Île-de-France",
            "profile": "collectivite",
            "role": "funder",
            "as_named": "Conseil régional d'Île-de-France",
        },
        {"name": "Gestionnaire du lieu", "profile": "entreprise", "role": "operator"},
    ]
    row["source_title"] = "Le PHARES, pôle d'hospitalité"
    row["source_read_on"] = "2026-12-06"
    run("--file", str(write(tmp_path / "one.jsonl", [row])))
    alliance = REAL.get(slug=row["id"])
    roles = {p.organisation.name: (p.role, p.as_named) for p in alliance.partners.all()}
    assert roles["Association Halage"] == ("leader", "")
    assert roles["Région Île-de-France"] == ("funder", "Conseil régional d'Île-de-France")
    assert roles["Gestionnaire du lieu"] == ("operator", "")
    source = Source.objects.get(alliance=alliance)
    assert source.title == "Le PHARES, pôle d'hospitalité"
    assert source.read_on.isoformat() == "2026-12-06"
    assert Partner.Role.OPERATOR.label == "opérateur"


def test_second_run_changes_nothing():
    records = ChangeRecord.objects.count()
    organisations = Organisation.objects.count()
    out, _err = run()
    assert f"0 créée(s), 0 mise(s) à jour, {REAL.count()} inchangée(s), 0 archivée(s)" in out
    assert ChangeRecord.objects.count() == records
    assert Organisation.objects.count() == organisations


def test_unresolved_places_are_reported_not_guessed(tmp_path):
    row = dict(reference_rows()[1], territory="Pays imaginaire, Bretagne")
    _out, err = run("--file", str(write(tmp_path / "one.jsonl", [row])))
    assert row["id"] in err and "Pays imaginaire" in err
    # The resolved part of the text stands: the région it names.
    assert REAL.get(slug=row["id"]).territory.level == Level.REGION


def test_another_file_adds_and_updates_but_never_archives(tmp_path):
    rows = reference_rows()
    rows[0]["summary"] = "Résumé revu."
    removed = rows.pop(1)
    before_id = REAL.get(slug=rows[0]["id"]).pk
    out, _err = run("--file", str(write(tmp_path / "autre.jsonl", rows[:10])))
    assert "1 mise(s) à jour" in out and "0 archivée(s)" in out
    assert "absente(s) des fichiers" in out and "--replace" in out
    changed = REAL.get(slug=rows[0]["id"])
    assert changed.pk == before_id and changed.summary == "Résumé revu."
    assert changed.history.filter(action="updated").first().changes["summary"][1] == (
        "Résumé revu."
    )
    assert REAL.get(slug=removed["id"]).status == Alliance.Status.PUBLISHED
    assert not REAL.filter(status=Alliance.Status.ARCHIVED).exists()


def test_replace_says_how_many_it_archives_and_asks(tmp_path, monkeypatch):
    rows = reference_rows()[:60]
    path = write(tmp_path / "remplacement.jsonl", rows)
    expected = REAL.count() - 60
    questions = []

    def refuse(prompt):
        questions.append(prompt)
        return "n"

    monkeypatch.setattr(builtins, "input", refuse)
    out = io.StringIO()
    with pytest.raises(CommandError, match="non confirmé"):
        call_command("load_alliances", "--file", str(path), "--replace", stdout=out)
    assert f"archivera {expected} alliance(s)" in out.getvalue()
    assert questions and "[o/N]" in questions[0]
    assert not REAL.filter(status=Alliance.Status.ARCHIVED).exists()

    monkeypatch.setattr(builtins, "input", lambda prompt: "o")
    out, _err = run("--file", str(path), "--replace")
    assert f"{expected} archivée(s)" in out
    gone = REAL.filter(status=Alliance.Status.ARCHIVED)
    assert gone.count() == expected
    assert all(a.history.filter(action="archived", actor="loader").exists() for a in gone)


def test_replace_with_yes_asks_nothing(tmp_path, monkeypatch):
    path = write(tmp_path / "remplacement.jsonl", reference_rows()[:65])

    def no_question(prompt):
        raise AssertionError("--yes must not ask")

    monkeypatch.setattr(builtins, "input", no_question)
    out, _err = run("--file", str(path), "--replace", "--yes")
    assert "archivera" in out and " archivée(s)" in out
    assert REAL.filter(status=Alliance.Status.ARCHIVED).count() == REAL.count() - 65


def test_every_faulty_row_is_named_by_line_and_field_and_nothing_is_written(tmp_path):
    rows = reference_rows()[:5]
    rows[0]["summary"] = "Ne doit pas être écrit"
    rows[1]["kind"] = "inconnu"
    rows[2]["partners"] = [{"name": "Sans profil"}]
    rows[3]["start_year"] = "2016"
    rows[4]["domains"] = ["astronomie"]
    path = write(tmp_path / "broken.jsonl", rows)
    with path.open("a") as handle:
        handle.write("{pas du json\n")
    count = Partner.objects.count()
    with pytest.raises(DatasetError) as error:
        run("--file", str(path))
    found = {(p.line, p.field) for p in error.value.problems}
    assert {(2, "kind"), (3, "partners"), (4, "start_year"), (6, None)} <= found
    assert "ligne 2, champ « kind » : nature inconnu(e) : « inconnu »" in str(error.value)
    assert "JSON invalide (colonne 2)" in str(error.value)
    # Taxonomy keys are checked against the referentials once the file reads well.
    path = write(tmp_path / "terms.jsonl", [rows[0], rows[4]])
    with pytest.raises(DatasetError, match="ligne 2, champ « domains » : domaine inconnu"):
        run("--file", str(path))
    assert Partner.objects.count() == count
    assert REAL.get(slug=rows[0]["id"]).summary != "Ne doit pas être écrit"
