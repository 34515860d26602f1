"""The socio-economic model on a case worked by hand (no database)."""

from decimal import Decimal as D

import pytest

from alliances.economics.model import (
    Adjustments,
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
        source="coût horaire chargé déclaré",
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
        source="taux de valorisation retenu",
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
    subjects = [(a.subject, a.kind) for a in result.assumptions]
    assert ("Retours à l'emploi", None) in subjects and ("B", Kind.VOLUNTEERING) in subjects
    assert all(a.source for a in result.assumptions)
    # No adjustment was assessed: the value is the gross value, and the model says so.
    assert result.not_assessed == ["Retours à l'emploi"]
    assert result.value_created_gross == result.value_created


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


# Worked by hand (adjustments as in a social return on investment analysis):
# 1,000 meals × 5 € (4 to 6 €); deadweight 20 %, displacement 0 %, attribution 25 %; the
# effect lasts 2 years with a drop-off of 50 %.
# gross 5,000 → after deadweight 4,000 → after displacement 4,000 → after attribution 3,000;
# over two years 3,000 + 1,500 = 4,500 (low 2,400 + 1,200 = 3,600; high 3,600 + 1,800 = 5,400).
# Mobilised: 2,000 € cash + 100 h × 12 €/h (10 to 15) = 3,200 (3,000 to 3,500).
# Return 4,500 / 3,200 = 1.41 (3,600 / 3,500 = 1.03 to 5,400 / 3,000 = 1.80).
MEALS = Outcome(
    "Repas distribués",
    D(1000),
    "repas",
    unit_value=D(5),
    unit_value_low=D(4),
    unit_value_high=D(6),
    source="prix d'un repas en restauration sociale",
    adjustments=Adjustments(
        deadweight=D("0.20"),
        displacement=D(0),
        attribution=D("0.25"),
        drop_off=D("0.50"),
        duration_years=2,
    ),
)
TEAM = [
    Contribution("A", 2025, Kind.MONEY, amount=D(2000)),
    Contribution(
        "B",
        2025,
        Kind.VOLUNTEERING,
        hours=D(100),
        rate=D(12),
        rate_low=D(10),
        rate_high=D(15),
        source="SMIC",
    ),
]


def test_adjustments_take_off_what_would_have_happened_anyway_step_by_step():
    result = compute(TEAM, [MEALS], current_year=2026)
    impact = result.impacts[0]
    assert (impact.gross, impact.after_deadweight, impact.after_displacement) == (
        D(5000),
        D(4000),
        D(4000),
    )
    assert impact.after_attribution == D(3000)
    assert (impact.low, impact.total, impact.high) == (D(3600), D(4500), D(5400))
    assert result.value_created_gross == D(5000)
    assert result.value_created == D(4500)
    assert (result.social_return_low, result.social_return, result.social_return_high) == (
        D("1.03"),
        D("1.41"),
        D("1.80"),
    )
    assert result.not_assessed == []


def test_sensitivity_changes_one_assumption_at_a_time():
    rows = {
        (r.assumption, r.direction): r.social_return
        for r in compute(TEAM, [MEALS], current_year=2026).sensitivity
    }
    assert rows == {
        ("deadweight", "up"): D("1.23"),
        ("deadweight", "down"): D("1.58"),
        ("displacement", "up"): D("1.27"),
        ("displacement", "down"): D("1.41"),  # already 0 %: cannot go lower
        ("attribution", "up"): D("1.22"),
        ("attribution", "down"): D("1.59"),
        ("drop_off", "up"): D("1.31"),
        ("drop_off", "down"): D("1.50"),
        ("unit_value", "low"): D("1.13"),
        ("unit_value", "high"): D("1.69"),
        ("rate", "low"): D("1.50"),
        ("rate", "high"): D("1.29"),
    }


def test_drop_off_is_not_tested_when_no_outcome_lasts_beyond_a_year():
    one_year = Outcome(
        "Repas",
        D(10),
        "repas",
        unit_value=D(5),
        source="s",
        adjustments=Adjustments(deadweight=D(0), displacement=D(0), attribution=D(0)),
    )
    result = compute(TEAM, [one_year], current_year=2026)
    assert "drop_off" not in {r.assumption for r in result.sensitivity}
    assert result.not_assessed == []  # the drop-off is not asked of a one-year outcome


@pytest.mark.parametrize(
    ("adjustments", "field"),
    [
        (Adjustments(deadweight=D("1.2")), "deadweight"),
        (Adjustments(attribution=D("-0.1")), "attribution"),
        (Adjustments(duration_years=0), "duration_years"),
        (Adjustments(duration_years=11), "duration_years"),
    ],
)
def test_impossible_adjustments_are_refused(adjustments, field):
    outcome = Outcome("R", D(1), "u", unit_value=D(1), source="s", adjustments=adjustments)
    with pytest.raises(InvalidInput) as error:
        compute([], [outcome], 2026)
    assert error.value.field == field
