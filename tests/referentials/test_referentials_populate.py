"""populate_referentials: counts, idempotence, admin edits kept, updates, obsolete terms."""

from pathlib import Path

import pytest
from django.core.management import call_command

from alliances.common.errors import DataFileError
from alliances.common.models import LoadedDataset
from alliances.referentials.models import Taxonomy, Term
from alliances.referentials.source import SOURCE_FILE

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    taxonomies = list(Taxonomy.objects.values_list("key", "name_fr", "provisional", "position"))
    terms = list(
        Term.objects.order_by("pk").values_list(
            "pk",
            "taxonomy__key",
            "key",
            "label_fr",
            "label_en",
            "parent__key",
            "position",
            "extra",
            "provisional",
            "obsolete",
            "source_digest",
        )
    )
    return taxonomies + terms


def _live(taxonomy: str, **filters: object) -> int:
    return Term.objects.filter(taxonomy__key=taxonomy, obsolete=False, **filters).count()


def test_setup_loaded_every_list():
    assert Taxonomy.objects.count() == 15
    assert _live("actor_profiles", parent__isnull=True) == 10
    assert _live("actor_profiles", parent__isnull=False) == 7
    assert _live("partnership_types", parent__isnull=True) == 4
    assert _live("evaluation_criteria") == 7
    assert _live("impact_axes") == 3
    assert _live("maturity_levels") == 4
    assert _live("domains") == 16
    assert (
        LoadedDataset.objects.get(name="referentials").rows
        == Term.objects.filter(obsolete=False).count()
    )


def test_terms_in_both_languages_with_attributes():
    assert not Term.objects.filter(label_fr="").exists()
    assert not Term.objects.filter(label_en="").exists()
    axes = Term.objects.filter(taxonomy__key="impact_axes")
    assert {t.key: t.extra["horizon_years"] for t in axes} == {
        "innovation": 7,
        "performance": 1.5,
        "confiance": 28,
    }
    competences = Term.objects.get(taxonomy__key="partnership_types", key="competences")
    assert competences.parent.key == "mecenat"
    assert Term.objects.get(taxonomy__key="domains", key="emploi_insertion").label_fr == (
        "Emploi et insertion"
    )


def test_provisional_flags():
    flags = dict(Taxonomy.objects.values_list("key", "provisional"))
    assert [k for k, v in flags.items() if v] == ["maturity_levels", "fragilities", "domains"]
    assert Term.objects.get(taxonomy__key="actor_profiles", key="media").provisional
    assert not Term.objects.get(taxonomy__key="actor_profiles", key="association").provisional


def test_second_run_changes_nothing(capsys):
    before = _snapshot()
    call_command("populate_referentials", verbosity=1)
    assert "0 changed" in capsys.readouterr().out
    assert _snapshot() == before


def test_admin_edit_survives_a_rerun():
    term = Term.objects.get(taxonomy__key="actor_profiles", key="syndicat")
    term.label_fr = "Organisation syndicale"
    term.label_en = "Union"
    term.save()
    taxonomy = Taxonomy.objects.get(key="domains")
    taxonomy.provisional = False  # a curator confirmed the list
    taxonomy.save()
    call_command("populate_referentials", verbosity=0)
    term.refresh_from_db()
    taxonomy.refresh_from_db()
    assert (term.label_fr, term.label_en) == ("Organisation syndicale", "Union")
    assert taxonomy.provisional is False


def test_changed_source_row_updates_the_term(referentials_dir: Path):
    term = Term.objects.get(taxonomy__key="actor_profiles", key="syndicat")
    term.label_fr = "Edited in the admin"
    term.save()
    path = referentials_dir / SOURCE_FILE
    text = path.read_text("utf-8")
    path.write_text(text.replace("label: Syndicat}", "label: Syndicat de salariés}"), "utf-8")
    call_command("populate_referentials", data_dir=referentials_dir, verbosity=0)
    updated = Term.objects.get(taxonomy__key="actor_profiles", key="syndicat")
    assert updated.pk == term.pk
    assert updated.label_fr == "Syndicat de salariés"
    # The other terms did not move.
    assert Term.objects.get(taxonomy__key="actor_profiles", key="citoyen").label_fr == "Citoyen"


def test_term_absent_from_the_source_is_marked_obsolete_never_deleted(referentials_dir: Path):
    path = referentials_dir / SOURCE_FILE
    lines = path.read_text("utf-8").splitlines()
    lines = [line for line in lines if "key: media" not in line]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    call_command("populate_referentials", data_dir=referentials_dir, verbosity=0)
    media = Term.objects.get(taxonomy__key="actor_profiles", key="media")
    assert media.obsolete is True
    assert _live("actor_profiles", parent__isnull=True) == 9
    # Back in the source: alive again.
    call_command("populate_referentials", verbosity=0)
    media.refresh_from_db()
    assert media.obsolete is False


def test_term_made_in_the_admin_is_not_obsoleted():
    domains = Taxonomy.objects.get(key="domains")
    Term.objects.create(taxonomy=domains, key="droit", label_fr="Accès au droit", position=99)
    call_command("populate_referentials", verbosity=0)
    assert Term.objects.get(taxonomy=domains, key="droit").obsolete is False


def test_corrupt_yaml_raises_with_line_and_leaves_the_database_alone(referentials_dir: Path):
    before = _snapshot()
    path = referentials_dir / SOURCE_FILE
    lines = path.read_text("utf-8").splitlines()
    # A valid change early in the file, and a syntax error further down.
    lines = [line.replace("label: Association}", "label: Associations}") for line in lines]
    number = next(i for i, line in enumerate(lines) if line.startswith("medoc:"))
    lines.insert(number + 1, "  - {key: methode, label: Méthodes")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(DataFileError) as caught:
        call_command("populate_referentials", data_dir=referentials_dir, verbosity=0)
    assert caught.value.path == str(path)
    assert caught.value.line is not None and caught.value.line >= number + 1
    assert "ligne" in str(caught.value)
    assert _snapshot() == before


def test_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(DataFileError, match="introuvable"):
        call_command("populate_referentials", data_dir=tmp_path, verbosity=0)
