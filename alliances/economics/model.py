"""The socio-economic model of an alliance, in plain Python (no Django).

It values each partner's contributions (money, in kind, skills sponsorship, volunteer time,
premises and equipment) and the value the alliance creates (avoided costs and other outcomes
with a unit value), following the practice of social return on investment as set out by
Social Value International (see docs/adr/0113):

- every outcome is valued by a quantity × a unit value ("financial proxy") with its source;
- its gross value is then reduced by explicit, editable adjustments: **deadweight** (the share
  that would have happened anyway), **displacement** (the share merely moved from elsewhere)
  and **attribution** (the share due to others than the partners); an outcome that lasts
  several years declines each year after the first by its **drop-off**;
- the **sensitivity** of the result to each assumption is computed by changing one assumption
  at a time, and a low/high range comes from the low/high unit values and hourly rates.

Vocabulary (GLOSSARY.md): "valorisation des apports" is the money value given to a non-cash
contribution; "effet de levier" (leverage) is the total mobilised per euro of a partner's cash;
"coûts évités" are the costs society or a partner no longer bears thanks to the alliance.
Numbers are returned as Decimals and assumptions as data: the pages format them in the reader's
language.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HOURS_IN_A_YEAR = 8784  # a leap year: nobody gives more hours than this in one year
MAX_HOURLY_RATE = Decimal("500")  # €/h: above, almost surely a typing error (SMIC ≈ 12 €/h)
MIN_HOURLY_RATE = Decimal("1")
MAX_DURATION_YEARS = 10  # beyond, a projection says more about hope than about the alliance
# How far each adjustment is moved, one at a time, to show the sensitivity of the result.
SENSITIVITY_SHIFT = Decimal("0.10")
ZERO = Decimal(0)
ONE = Decimal(1)


class Kind(StrEnum):
    MONEY = "money"
    IN_KIND = "in_kind"
    SKILLS = "skills"  # mécénat de compétences: staff hours × hourly cost
    VOLUNTEERING = "volunteering"  # volunteer hours × valuation rate
    PREMISES = "premises"  # premises and equipment made available


class Origin(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    EARNED = "earned"  # revenus d'activité


CASH_KINDS = {Kind.MONEY}
HOURLY_KINDS = {Kind.SKILLS, Kind.VOLUNTEERING}
ADJUSTMENTS = ("deadweight", "displacement", "attribution", "drop_off")


class InvalidInput(ValueError):
    """An input that cannot be right; `field` names what, `message` says why (French)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field} : {message}")


@dataclass(frozen=True)
class Contribution:
    """One partner's contribution of one kind in one year.

    Money, in kind and premises are given as `amount` (€). Skills and volunteering are given
    as `hours` (in total: per person × people) valued at `rate` (€/h); a rate range
    (`rate_low`, `rate_high`) widens the model's range.
    """

    partner: str
    year: int
    kind: Kind
    origin: Origin = Origin.PRIVATE
    amount: Decimal | None = None
    hours: Decimal | None = None
    people: int = 1
    rate: Decimal | None = None
    rate_low: Decimal | None = None
    rate_high: Decimal | None = None
    source: str = ""

    def validate(self, current_year: int) -> None:
        if self.year > current_year:
            raise InvalidInput("year", f"l'année {self.year} est dans le futur")
        if self.kind in HOURLY_KINDS:
            self._validate_hours()
        else:
            if self.amount is None:
                raise InvalidInput("amount", "le montant est obligatoire")
            if self.amount < 0:
                raise InvalidInput("amount", "un montant ne peut pas être négatif")

    def _validate_hours(self) -> None:
        if self.hours is None or self.rate is None:
            raise InvalidInput("hours", "les heures et le taux horaire sont obligatoires")
        if self.hours < 0:
            raise InvalidInput("hours", "le nombre d'heures ne peut pas être négatif")
        if self.people < 1:
            raise InvalidInput("people", "il faut au moins une personne")
        if self.hours > HOURS_IN_A_YEAR * self.people:
            raise InvalidInput(
                "hours",
                f"{self.hours} heures pour {self.people} personne(s) : "
                f"une année compte au plus {HOURS_IN_A_YEAR} heures par personne",
            )
        for name in ("rate", "rate_low", "rate_high"):
            value = getattr(self, name)
            if value is not None and not MIN_HOURLY_RATE <= value <= MAX_HOURLY_RATE:
                raise InvalidInput(
                    name,
                    f"un taux horaire de {value} € est hors de l'intervalle raisonnable "
                    f"({MIN_HOURLY_RATE} à {MAX_HOURLY_RATE} €/h)",
                )
        if self.rate_low is not None and self.rate_low > self.rate:
            raise InvalidInput("rate_low", "le taux bas dépasse le taux retenu")
        if self.rate_high is not None and self.rate_high < self.rate:
            raise InvalidInput("rate_high", "le taux haut est inférieur au taux retenu")

    def value(self, assumption: str = "central") -> Decimal:
        if self.kind in HOURLY_KINDS:
            rate = {
                "low": self.rate_low if self.rate_low is not None else self.rate,
                "high": self.rate_high if self.rate_high is not None else self.rate,
            }.get(assumption, self.rate)
            return Decimal(self.hours) * rate
        return Decimal(self.amount)


@dataclass(frozen=True)
class Adjustments:
    """What is taken off an outcome's gross value, as shares from 0 to 1 (None: not assessed).

    deadweight: what would have happened anyway, without the alliance;
    displacement: what was only moved from elsewhere (a job taken from someone else);
    attribution: what is due to others than the partners (another programme, a family);
    drop_off: how much the effect declines each year after the first, over `duration_years`.
    """

    deadweight: Decimal | None = None
    displacement: Decimal | None = None
    attribution: Decimal | None = None
    drop_off: Decimal | None = None
    duration_years: int = 1

    @property
    def assessed(self) -> bool:
        needed = ["deadweight", "displacement", "attribution"]
        if self.duration_years > 1:
            needed.append("drop_off")
        return all(getattr(self, name) is not None for name in needed)

    def share(self, name: str) -> Decimal:
        value = getattr(self, name)
        return ZERO if value is None else value

    def shifted(self, name: str, by: Decimal) -> "Adjustments":
        """The same adjustments with one moved by `by`, kept within 0 and 1."""
        moved = min(ONE, max(ZERO, self.share(name) + by))
        return replace(self, **{name: moved})

    def validate(self, label: str) -> None:
        for name in ADJUSTMENTS:
            value = getattr(self, name)
            if value is not None and not ZERO <= value <= ONE:
                raise InvalidInput(name, f"« {label} » : une part est comprise entre 0 et 100 %")
        if not 1 <= self.duration_years <= MAX_DURATION_YEARS:
            raise InvalidInput(
                "duration_years",
                f"« {label} » : une durée va de 1 à {MAX_DURATION_YEARS} ans",
            )


@dataclass(frozen=True)
class Outcome:
    """A result valued in money: quantity × unit value, less its adjustments."""

    label: str
    quantity: Decimal
    unit: str
    unit_value: Decimal = ZERO
    unit_value_low: Decimal | None = None
    unit_value_high: Decimal | None = None
    source: str = ""
    beneficiaries: bool = False  # this outcome counts people reached
    year: int | None = None
    adjustments: Adjustments = field(default_factory=Adjustments)

    def validate(self) -> None:
        if self.quantity < 0:
            raise InvalidInput("quantity", f"« {self.label} » : une quantité ne peut être négative")
        for name in ("unit_value", "unit_value_low", "unit_value_high"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidInput(name, f"« {self.label} » : une valeur unitaire est positive")
        if self.unit_value_low is not None and self.unit_value_low > self.unit_value:
            raise InvalidInput(
                "unit_value_low", f"« {self.label} » : la valeur basse dépasse la valeur retenue"
            )
        if self.unit_value_high is not None and self.unit_value_high < self.unit_value:
            raise InvalidInput(
                "unit_value_high",
                f"« {self.label} » : la valeur haute est inférieure à la valeur retenue",
            )
        if self.unit_value and not self.source:
            raise InvalidInput(
                "source", f"« {self.label} » : la valeur unitaire doit citer sa source"
            )
        self.adjustments.validate(self.label)

    def unit_value_for(self, assumption: str = "central") -> Decimal:
        return {
            "low": self.unit_value_low if self.unit_value_low is not None else self.unit_value,
            "high": self.unit_value_high if self.unit_value_high is not None else self.unit_value,
        }.get(assumption, self.unit_value)

    def value(self, assumption: str = "central", adjustments: Adjustments | None = None) -> Decimal:
        """The value created over the outcome's duration, after its adjustments."""
        adjustments = adjustments or self.adjustments
        yearly = self.quantity * self.unit_value_for(assumption) * _kept(adjustments)
        remaining = ONE - adjustments.share("drop_off")
        return sum((yearly * remaining**year for year in range(adjustments.duration_years)), ZERO)


def _kept(adjustments: Adjustments) -> Decimal:
    """The share of the gross value left once deadweight, displacement, attribution are off."""
    kept = ONE
    for name in ("deadweight", "displacement", "attribution"):
        kept *= ONE - adjustments.share(name)
    return kept


@dataclass(frozen=True)
class OutcomeImpact:
    """One outcome, step by step from its gross value to the value kept in the model."""

    outcome: Outcome
    gross: Decimal  # quantity × unit value, one year, nothing taken off
    after_deadweight: Decimal
    after_displacement: Decimal
    after_attribution: Decimal  # one year, all three taken off
    total: Decimal  # over the duration, with the drop-off
    low: Decimal
    high: Decimal

    @property
    def assessed(self) -> bool:
        return self.outcome.adjustments.assessed


def outcome_impact(outcome: Outcome) -> OutcomeImpact:
    a = outcome.adjustments
    gross = outcome.quantity * outcome.unit_value
    after_deadweight = gross * (ONE - a.share("deadweight"))
    after_displacement = after_deadweight * (ONE - a.share("displacement"))
    after_attribution = after_displacement * (ONE - a.share("attribution"))
    return OutcomeImpact(
        outcome=outcome,
        gross=gross,
        after_deadweight=after_deadweight,
        after_displacement=after_displacement,
        after_attribution=after_attribution,
        total=outcome.value(),
        low=outcome.value("low"),
        high=outcome.value("high"),
    )


@dataclass(frozen=True)
class Assumption:
    """A valuation the result rests on, as data (the page writes it in the reader's language).

    `subject` is the partner (contributions) or the outcome (results); `quantity` × `value`
    (in €/h for hours, € per unit for outcomes), with its low/high values and its source.
    """

    subject: str
    year: int | None
    kind: Kind | None  # the kind of contribution; None for an outcome
    quantity: Decimal
    unit: str
    value: Decimal
    low: Decimal | None
    high: Decimal | None
    source: str


@dataclass(frozen=True)
class SensitivityRow:
    """The result when one assumption is changed, all others kept."""

    assumption: str  # deadweight, displacement, attribution, drop_off, unit_value, rate
    direction: str  # "up" or "down" (adjustments), "low" or "high" (values)
    value_created: Decimal
    social_return: Decimal | None


@dataclass
class ModelResult:
    total: Decimal
    total_low: Decimal
    total_high: Decimal
    by_kind: dict[Kind, Decimal]
    by_origin: dict[Origin, Decimal]
    by_partner: dict[str, Decimal]
    non_cash_share: Decimal | None  # 0-1
    leverage: dict[str, Decimal | None]  # partner -> total per euro of its cash
    beneficiaries: Decimal
    cost_per_beneficiary: Decimal | None
    value_created_gross: Decimal  # one year of every outcome, nothing taken off
    value_created: Decimal  # after adjustments, over each outcome's duration
    value_created_low: Decimal
    value_created_high: Decimal
    social_return: Decimal | None  # value created per euro mobilised
    social_return_low: Decimal | None
    social_return_high: Decimal | None
    impacts: list[OutcomeImpact] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)  # outcomes without their adjustments
    sensitivity: list[SensitivityRow] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _contribution_assumptions(contributions: Iterable[Contribution]) -> list[Assumption]:
    return [
        Assumption(
            subject=c.partner,
            year=c.year,
            kind=c.kind,
            quantity=Decimal(c.hours),
            unit="h",
            value=c.rate,
            low=c.rate_low,
            high=c.rate_high,
            source=c.source,
        )
        for c in contributions
        if c.kind in HOURLY_KINDS
    ]


def _outcome_assumptions(outcomes: Iterable[Outcome]) -> list[Assumption]:
    return [
        Assumption(
            subject=o.label,
            year=o.year,
            kind=None,
            quantity=o.quantity,
            unit=o.unit,
            value=o.unit_value,
            low=o.unit_value_low,
            high=o.unit_value_high,
            source=o.source,
        )
        for o in outcomes
        if o.unit_value
    ]


def sensitivity(
    contributions: list[Contribution], outcomes: list[Outcome], total: Decimal
) -> list[SensitivityRow]:
    """Change one assumption at a time, for every outcome at once, and keep the result.

    Each adjustment is moved SENSITIVITY_SHIFT up (more cautious) and down; unit values and
    hourly rates go to their low and high values. What changes the result most is what the
    partners should document best.
    """
    rows = []
    for name in ADJUSTMENTS:
        if name == "drop_off" and all(o.adjustments.duration_years == 1 for o in outcomes):
            continue  # no outcome lasts beyond its first year: the drop-off changes nothing
        for direction, by in (("up", SENSITIVITY_SHIFT), ("down", -SENSITIVITY_SHIFT)):
            created = sum(
                (o.value(adjustments=o.adjustments.shifted(name, by)) for o in outcomes), ZERO
            )
            rows.append(SensitivityRow(name, direction, created, _ratio(created, total)))
    if any(o.unit_value_low is not None or o.unit_value_high is not None for o in outcomes):
        for direction in ("low", "high"):
            created = sum((o.value(direction) for o in outcomes), ZERO)
            rows.append(SensitivityRow("unit_value", direction, created, _ratio(created, total)))
    if any(c.rate_low is not None or c.rate_high is not None for c in contributions):
        created = sum((o.value() for o in outcomes), ZERO)
        for direction in ("low", "high"):
            mobilised = sum((c.value(direction) for c in contributions), ZERO)
            rows.append(SensitivityRow("rate", direction, created, _ratio(created, mobilised)))
    return rows


def compute(
    contributions: list[Contribution], outcomes: list[Outcome], current_year: int
) -> ModelResult:
    """Validate the inputs and compute the model; raises InvalidInput on the first bad one."""
    for contribution in contributions:
        contribution.validate(current_year)
    for outcome in outcomes:
        outcome.validate()

    by_kind: dict[Kind, Decimal] = defaultdict(Decimal)
    by_origin: dict[Origin, Decimal] = defaultdict(Decimal)
    by_partner: dict[str, Decimal] = defaultdict(Decimal)
    cash_by_partner: dict[str, Decimal] = defaultdict(Decimal)
    totals = {"central": ZERO, "low": ZERO, "high": ZERO}
    for c in contributions:
        value = c.value()
        by_kind[c.kind] += value
        by_origin[c.origin] += value
        by_partner[c.partner] += value
        if c.kind in CASH_KINDS:
            cash_by_partner[c.partner] += value
        for assumption in totals:
            totals[assumption] += c.value(assumption)
    total = totals["central"]
    non_cash = total - sum((by_kind[k] for k in CASH_KINDS), ZERO)
    beneficiaries = sum((o.quantity for o in outcomes if o.beneficiaries), ZERO)
    impacts = [outcome_impact(o) for o in outcomes]
    created = {
        "central": sum((i.total for i in impacts), ZERO),
        "low": sum((i.low for i in impacts), ZERO),
        "high": sum((i.high for i in impacts), ZERO),
    }
    return ModelResult(
        total=total,
        total_low=totals["low"],
        total_high=totals["high"],
        by_kind=dict(by_kind),
        by_origin=dict(by_origin),
        by_partner=dict(by_partner),
        non_cash_share=_ratio(non_cash, total),
        leverage={p: _ratio(total, cash_by_partner[p]) for p in by_partner},
        beneficiaries=beneficiaries,
        cost_per_beneficiary=_ratio(total, beneficiaries),
        value_created_gross=sum((i.gross for i in impacts), ZERO),
        value_created=created["central"],
        value_created_low=created["low"],
        value_created_high=created["high"],
        social_return=_ratio(created["central"], total),
        # The pessimistic ratio sets the lowest value created against the highest cost.
        social_return_low=_ratio(created["low"], totals["high"]),
        social_return_high=_ratio(created["high"], totals["low"]),
        impacts=impacts,
        not_assessed=[i.outcome.label for i in impacts if not i.assessed],
        sensitivity=sensitivity(contributions, outcomes, total),
        assumptions=_contribution_assumptions(contributions) + _outcome_assumptions(outcomes),
    )
