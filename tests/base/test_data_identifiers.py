from alliances.base.identifiers import (
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    luhn_valid,
    siren_of_siret,
)


def test_luhn():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("12a")


def test_siren_valid_and_invalid():
    assert is_valid_siren("732829320")  # a real SIREN (Luhn holds)
    assert is_valid_siren("732 829 320")  # spaces as people type them
    assert not is_valid_siren("732829321")  # wrong check digit
    assert not is_valid_siren("73282932")  # 8 digits
    assert not is_valid_siren("ABCDEFGHI")


def test_siret_valid_and_invalid():
    assert is_valid_siret("73282932000074")
    assert is_valid_siret("732 829 320 00074")
    assert not is_valid_siret("73282932000075")
    assert not is_valid_siret("7328293200007")
    assert siren_of_siret("732 829 320 00074") == "732829320"


def test_la_poste_siret_exception():
    # La Poste's establishments fail Luhn but their digit sum is a multiple of 5.
    assert not luhn_valid("35600000000001")
    assert sum(int(c) for c in "35600000000001") % 5 == 0
    assert is_valid_siret("35600000000001")
    assert is_valid_siret("35600000000048")  # the head office passes Luhn too
    assert not is_valid_siret("35600000000002")
    # The exception is La Poste's alone: the same digit sum elsewhere is not enough.
    assert not is_valid_siret("12345678900005")


def test_rna():
    assert is_valid_rna("W751234567")
    assert is_valid_rna("w75 123 4567")
    assert is_valid_rna("W2A1000123")  # Corsica
    assert not is_valid_rna("W75123456")  # 8 characters after W
    assert not is_valid_rna("X751234567")
    assert not is_valid_rna("W75123456A")
