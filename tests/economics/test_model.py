"""The socio-economic model on a case worked by hand (no database)."""

from decimal import Decimal as D

import pytest

from alliances.economics.model import (
    Contribution,
    InvalidInput,
    Kind,
    Origin,
    Outcome,
    compute,
)

# Worked by hand:
# A (company): 10,000 € cash (private) + 100 h skills × 50 €/h (40 to 60) = 5,000 (4,000-6,000)
# B (association): 500 h volunteering × 12 €/h (10 to 15) = 6,000 (5,000-7,500)
# C (local authority): 20,000 € cash (public) + premises 4,000 € (public)
# total 45,000 (43,000-47,500); non-cash 15,000 → 33 %; leverage A 4.50, C 2.25, B none.
# 30 people back to work, each avoiding 15,000 € (10,000-20,000): value created 450,000
# (300,000-600,000); cost per beneficiary 1,500; social return 10.00 (6.32-13.95).
CONTRIBUTIONS = [
    Contribution("A", 2025, Kind.MONEY, Origin.PRIVATE, amount=D(10000)),
    Contribution(
        "A",
        2025,
        Kind.SKILLS,
        Origin.PRIVATE,
        hours=D(100),
        rate=D(50),
        rate_low=D(40),
        rate_high=D(60),
        rate_source="coût horaire chargé déclaré",
    ),
    Contribution(
        "B",
        2025,
        Kind.VOLUNTEERING,
        Origin.PRIVATE,
        hours=D(500),
        rate=D(12),
        rate_low=D(10),
        rate_high=D(15),
        rate_source="taux de valorisation retenu",
    ),
    Contribution("C", 2025, Kind.MONEY, Origin.PUBLIC, amount=D(20000)),
    Contribution("C", 2025, Kind.PREMISES, Origin.PUBLIC, amount=D(4000)),
]
OUTCOMES = [
    Outcome(
        "Retours à l'emploi",
        D(30),
        "personnes",
        unit_value=D(15000),
        unit_value_low=D(10000),
        unit_value_high=D(20000),
        source="étude de coûts évités",
        beneficiaries=True,
    )
]


def test_totals_shares_and_leverage():
    result = compute(CONTRIBUTIONS, OUTCOMES, current_year=2026)
    assert result.total == D(45000)
    assert (result.total_low, result.total_high) == (D(43000), D(47500))
    assert result.by_origin == {Origin.PRIVATE: D(21000), Origin.PUBLIC: D(24000)}
    assert result.by_partner == {"A": D(15000), "B": D(6000), "C": D(24000)}
    assert result.non_cash_share == D("0.33")
    assert result.leverage == {"A": D("4.50"), "B": None, "C": D("2.25")}


def test_value_created_and_social_return_range():
    result = compute(CONTRIBUTIONS, OUTCOMES, current_year=2026)
    assert result.beneficiaries == 30
    assert result.cost_per_beneficiary == D("1500.00")
    assert (result.value_created_low, result.value_created, result.value_created_high) == (
        D(300000),
        D(450000),
        D(600000),
    )
    assert result.social_return == D("10.00")
    assert result.social_return_low == D("6.32")
    assert result.social_return_high == D("13.95")
    labels = [a.label for a in result.assumptions]
    assert "Retours à l'emploi" in labels and "B 2025 : volunteering" in labels
    assert all(a.source for a in result.assumptions)


def test_no_cash_and_no_beneficiaries_give_no_ratio_rather_than_a_division_error():
    result = compute(
        [Contribution("B", 2024, Kind.VOLUNTEERING, hours=D(10), rate=D(12))], [], 2026
    )
    assert result.leverage == {"B": None}
    assert result.cost_per_beneficiary is None
    assert result.social_return == D("0.00")


@pytest.mark.parametrize(
    ("contribution", "field"),
    [
        (Contribution("A", 2025, Kind.MONEY, amount=D(-1)), "amount"),
        (Contribution("A", 2025, Kind.VOLUNTEERING, hours=D(9000), rate=D(12)), "hours"),
        (Contribution("A", 2025, Kind.SKILLS, hours=D(10), rate=D(5000)), "rate"),
        (Contribution("A", 2025, Kind.SKILLS, hours=D(10), rate=D("0.5")), "rate"),
        (Contribution("A", 2030, Kind.MONEY, amount=D(1)), "year"),
        (Contribution("A", 2025, Kind.MONEY), "amount"),
    ],
)
def test_impossible_inputs_are_refused_with_the_field_named(contribution, field):
    with pytest.raises(InvalidInput) as error:
        compute([contribution], [], current_year=2026)
    assert error.value.field == field
    assert error.value.message


def test_hours_are_per_person():
    team = Contribution("A", 2025, Kind.SKILLS, hours=D(9000), people=2, rate=D(40))
    assert compute([team], [], 2026).total == D(360000)


def test_an_outcome_valued_without_a_source_is_refused():
    with pytest.raises(InvalidInput) as error:
        compute([], [Outcome("Tonnes évitées", D(3), "t", unit_value=D(100))], 2026)
    assert error.value.field == "source"
