"""The socio-economic model of an alliance, in plain Python (no Django).

It values each partner's contributions (money, in kind, skills sponsorship, volunteer time,
premises and equipment) and the value the alliance creates (avoided costs and other outcomes
with a unit value), with every assumption listed and a low/high range where assumptions vary.

Vocabulary (GLOSSARY.md): "valorisation des apports" is the money value given to a non-cash
contribution; "effet de levier" (leverage) is the total mobilised per euro of a partner's cash;
"coûts évités" are the costs society or a partner no longer bears thanks to the alliance.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HOURS_IN_A_YEAR = 8784  # a leap year: nobody gives more hours than this in one year
MAX_HOURLY_RATE = Decimal("500")  # €/h: above, almost surely a typing error (SMIC ≈ 12 €/h)
MIN_HOURLY_RATE = Decimal("1")


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
    as `hours` (per person) × `people`, valued at `rate` (€/h); a rate range (`rate_low`,
    `rate_high`) widens the model's range.
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
    rate_source: str = ""

    def validate(self, current_year: int) -> None:
        if self.year > current_year:
            raise InvalidInput("year", f"l'année {self.year} est dans le futur")
        if self.kind in (Kind.SKILLS, Kind.VOLUNTEERING):
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
            low, high = self.rate_low or self.rate, self.rate_high or self.rate
            if not low <= self.rate <= high:
                raise InvalidInput("rate", "le taux doit être compris entre le bas et le haut")
        else:
            if self.amount is None:
                raise InvalidInput("amount", "le montant est obligatoire")
            if self.amount < 0:
                raise InvalidInput("amount", "un montant ne peut pas être négatif")

    def value(self, assumption: str = "central") -> Decimal:
        if self.kind in (Kind.SKILLS, Kind.VOLUNTEERING):
            rate = {
                "low": self.rate_low or self.rate,
                "high": self.rate_high or self.rate,
            }.get(assumption, self.rate)
            return Decimal(self.hours) * rate
        return Decimal(self.amount)


@dataclass(frozen=True)
class Outcome:
    """A result valued in money: quantity × unit value (e.g. avoided cost per person)."""

    label: str
    quantity: Decimal
    unit: str
    unit_value: Decimal = Decimal(0)
    unit_value_low: Decimal | None = None
    unit_value_high: Decimal | None = None
    source: str = ""
    beneficiaries: bool = False  # this outcome counts people reached

    def validate(self) -> None:
        if self.quantity < 0:
            raise InvalidInput("quantity", f"« {self.label} » : une quantité ne peut être négative")
        for name in ("unit_value", "unit_value_low", "unit_value_high"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidInput(name, f"« {self.label} » : une valeur unitaire est positive")
        if self.unit_value and not self.source:
            raise InvalidInput(
                "source", f"« {self.label} » : la valeur unitaire doit citer sa source"
            )

    def value(self, assumption: str = "central") -> Decimal:
        unit = {
            "low": self.unit_value_low if self.unit_value_low is not None else self.unit_value,
            "high": self.unit_value_high if self.unit_value_high is not None else self.unit_value,
        }.get(assumption, self.unit_value)
        return self.quantity * unit


@dataclass
class Assumption:
    label: str
    value: str
    source: str


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
    value_created: Decimal
    value_created_low: Decimal
    value_created_high: Decimal
    social_return: Decimal | None  # value created per euro mobilised
    social_return_low: Decimal | None
    social_return_high: Decimal | None
    assumptions: list[Assumption] = field(default_factory=list)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
    totals = {"central": Decimal(0), "low": Decimal(0), "high": Decimal(0)}
    assumptions: list[Assumption] = []
    for c in contributions:
        value = c.value()
        by_kind[c.kind] += value
        by_origin[c.origin] += value
        by_partner[c.partner] += value
        if c.kind in CASH_KINDS:
            cash_by_partner[c.partner] += value
        for assumption in totals:
            totals[assumption] += c.value(assumption)
        if c.kind in (Kind.SKILLS, Kind.VOLUNTEERING):
            assumptions.append(
                Assumption(
                    label=f"{c.partner} {c.year} : {c.kind.value}",
                    value=f"{c.hours} h × {c.rate} €/h"
                    + (
                        f" (de {c.rate_low or c.rate} à {c.rate_high or c.rate} €/h)"
                        if (c.rate_low or c.rate_high)
                        else ""
                    ),
                    source=c.rate_source,
                )
            )
    total = totals["central"]
    non_cash = total - sum((by_kind[k] for k in CASH_KINDS), Decimal(0))
    beneficiaries = sum((o.quantity for o in outcomes if o.beneficiaries), Decimal(0))
    created = {a: sum((o.value(a) for o in outcomes), Decimal(0)) for a in totals}
    for o in outcomes:
        if o.unit_value:
            assumptions.append(
                Assumption(
                    label=o.label,
                    value=f"{o.quantity} {o.unit} × {o.unit_value} €"
                    + (
                        f" (de {o.unit_value_low} à {o.unit_value_high} €)"
                        if o.unit_value_low is not None or o.unit_value_high is not None
                        else ""
                    ),
                    source=o.source,
                )
            )
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
        value_created=created["central"],
        value_created_low=created["low"],
        value_created_high=created["high"],
        social_return=_ratio(created["central"], total),
        # The pessimistic ratio sets the lowest value created against the highest cost.
        social_return_low=_ratio(created["low"], totals["high"]),
        social_return_high=_ratio(created["high"], totals["low"]),
        assumptions=assumptions,
    )
