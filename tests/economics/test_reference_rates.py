"""Reference rates as dated data: loaded from the shipped file, one rate per date, each with
its source; the default volunteer hour takes the rate of its own year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from alliances.common.errors import DataFileError
from alliances.economics.models import ReferenceRate
from alliances.economics.rates import default_volunteer_rate, load_rates, rate_in_force


def test_the_shipped_rates_are_loaded_with_their_sources(db):
    smic = ReferenceRate.objects.filter(key="smic_hourly_gross").order_by("valid_from")
    assert [(r.valid_from, r.value) for r in smic] == [
        (date(2024, 1, 1), Decimal("11.65")),
        (date(2024, 11, 1), Decimal("11.88")),
        (date(2026, 1, 1), Decimal("12.02")),
    ]
    assert all(r.source.startswith("Décret n°") for r in smic)
    assert rate_in_force("smic_hourly_gross", date(2024, 6, 30)).value == Decimal("11.65")
    assert rate_in_force("smic_hourly_gross", date(2023, 12, 31)) is None


def test_the_default_volunteer_hour_is_the_smic_of_its_year(db):
    assert default_volunteer_rate(2024, today=date(2026, 12, 6)).value == Decimal("11.88")
    current = default_volunteer_rate(2026, today=date(2026, 12, 6))
    assert current.value == Decimal("12.02")
    assert "2025-1228" in current.source and "Association mode d'emploi" in current.source
    assert default_volunteer_rate(2020) is None  # no rate known: the partner gives its own


def test_the_command_is_idempotent_and_adds_a_value_only_with_a_source(db, capsys):
    call_command("update_reference_rates")
    assert "0 ajouté(s), 0 modifié(s), 3 inchangé(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="source"):
        call_command(
            "update_reference_rates", "--add", "smic_hourly_gross", "12.50", "--from", "2027-01-01"
        )
    call_command(
        "update_reference_rates",
        "--add",
        "smic_hourly_gross",
        "12,50",
        "--from",
        "2027-01-01",
        "--source",
        "Décret de test",
    )
    added = rate_in_force("smic_hourly_gross", date(2027, 3, 1))
    assert added.value == Decimal("12.50") and added.source == "Décret de test"
    with pytest.raises(CommandError, match="clé inconnue"):
        call_command(
            "update_reference_rates", "--add", "nope", "1", "--from", "2027-01-01", "--source", "s"
        )


def test_a_value_without_a_source_in_the_file_is_refused(tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text(
        "rates:\n  - key: k\n    label_fr: K\n    unit: €\n    values:\n"
        "      - {valid_from: 2026-01-01, value: '1'}\n"
    )
    with pytest.raises(DataFileError, match="doit citer sa source"):
        load_rates(path)
