"""The model's results as rows the pages, the PDF and the public summary show, with labels
in the reader's language (the pure model returns data, never words)."""

from django.utils.translation import gettext_lazy

from . import model as engine
from .models import ContributionEntry

SENSITIVITY_LABELS = {
    ("deadweight", "up"): gettext_lazy("Effet d'aubaine plus fort de 10 points"),
    ("deadweight", "down"): gettext_lazy("Effet d'aubaine plus faible de 10 points"),
    ("displacement", "up"): gettext_lazy("Déplacement plus fort de 10 points"),
    ("displacement", "down"): gettext_lazy("Déplacement plus faible de 10 points"),
    ("attribution", "up"): gettext_lazy("Part due à d'autres acteurs plus forte de 10 points"),
    ("attribution", "down"): gettext_lazy("Part due à d'autres acteurs plus faible de 10 points"),
    ("drop_off", "up"): gettext_lazy("Baisse annuelle de l'effet plus forte de 10 points"),
    ("drop_off", "down"): gettext_lazy("Baisse annuelle de l'effet plus faible de 10 points"),
    ("unit_value", "low"): gettext_lazy("Valeurs unitaires basses"),
    ("unit_value", "high"): gettext_lazy("Valeurs unitaires hautes"),
    ("rate", "low"): gettext_lazy("Valeurs basses des heures données"),
    ("rate", "high"): gettext_lazy("Valeurs hautes des heures données"),
}
KIND_LABELS = dict(ContributionEntry.Kind.choices)


def sensitivity_rows(result: engine.ModelResult) -> list[dict]:
    rows = []
    for row in result.sensitivity:
        change = None
        if row.social_return is not None and result.social_return is not None:
            change = row.social_return - result.social_return
        rows.append(
            {
                "label": SENSITIVITY_LABELS[(row.assumption, row.direction)],
                "value_created": row.value_created,
                "social_return": row.social_return,
                "change": change,
            }
        )
    return rows


def assumption_rows(result: engine.ModelResult) -> list[dict]:
    return [
        {
            "subject": a.subject,
            "year": a.year,
            "kind": KIND_LABELS.get(a.kind.value) if a.kind else None,
            "quantity": a.quantity,
            "unit": a.unit,
            "value": a.value,
            "low": a.low,
            "high": a.high,
            "source": a.source,
            "hourly": a.kind is not None,
        }
        for a in result.assumptions
    ]


def outcome_rows(entries: list) -> list[dict]:
    """Each outcome entry with its value step by step (gross, after each adjustment)."""
    rows = []
    for entry in entries:
        impact = engine.outcome_impact(entry.as_engine())
        rows.append({"entry": entry, "impact": impact, "assessed": impact.assessed})
    return rows
