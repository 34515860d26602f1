"""Import cells shown to people: labels of columns, names of terms, territories, partners."""

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from alliances.base.importing.cells import CellError, parse_partner
from alliances.base.models import Alliance, Partner
from alliances.referentials.models import Term

from . import rules
from .models import Proposal
from .places import territory_label

COLUMN_LABELS = {
    "kind": gettext_lazy("Nature"),
    "title": gettext_lazy("Titre"),
    "summary": gettext_lazy("Résumé"),
    "description": gettext_lazy("Description"),
    "partners": gettext_lazy("Partenaires"),
    "territory": gettext_lazy("Territoire"),
    "start_year": gettext_lazy("Année de début"),
    "end_year": gettext_lazy("Année de fin"),
    "partnership_types": gettext_lazy("Types de partenariat"),
    "domains": gettext_lazy("Domaines d'action"),
    "sdg": gettext_lazy("Objectifs et cibles ODD"),
    "results_text": gettext_lazy("Résultats"),
    "source_url": gettext_lazy("Source (adresse)"),
    "source_title": gettext_lazy("Source (titre)"),
    "source_date": gettext_lazy("Source (date)"),
}
_TAXONOMIES = {"partnership_types": "partnership_types", "domains": "domains"}


def _term_labels(taxonomy: str) -> dict[str, str]:
    return {
        t.key: t.label for t in Term.objects.filter(taxonomy__key=taxonomy, parent__isnull=True)
    }


class Labels:
    """Term labels read once per page."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}

    def of(self, taxonomy: str) -> dict[str, str]:
        if taxonomy not in self._cache:
            self._cache[taxonomy] = _term_labels(taxonomy)
        return self._cache[taxonomy]


def readable(column: str, value: str, labels: Labels) -> list[str]:
    """The lines showing one cell; the raw text when it cannot be read (never an error)."""
    value = value or ""
    if column == "kind":
        return [str(dict(Alliance.Kind.choices).get(value, value))] if value else []
    if column == "territory":
        return [territory_label(value)] if value else []
    if column in _TAXONOMIES:
        names = labels.of(_TAXONOMIES[column])
        return [names.get(v, v) for v in rules.split_cell(value)]
    if column == "partners":
        profiles = labels.of("actor_profiles")
        roles = dict(Partner.Role.choices)
        lines = []
        for cell in rules.split_cell(value):
            try:
                partner = parse_partner(cell)
            except CellError:
                lines.append(cell)
                continue
            lines.append(
                f"{partner.name} · {profiles.get(partner.profile, partner.profile)} · "
                f"{roles.get(partner.role, partner.role)}"
            )
        return lines
    if column == "sdg":
        return rules.split_cell(value)
    return [value] if value else []


def proposal_rows(
    proposal: Proposal, current: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per column of the proposal: the proposed value, and for a correction the
    current value (live) and whether it changed since the proposal."""
    labels = Labels()
    rows = []
    for column in rules.FORM_COLUMNS:
        if column not in proposal.cells:
            continue
        proposed = proposal.cells.get(column, "")
        if proposal.kind == Proposal.Kind.NEW and not proposed:
            continue
        row: dict[str, Any] = {
            "column": column,
            "label": COLUMN_LABELS[column],
            "proposed": readable(column, proposed, labels),
        }
        if current is not None:
            row["current"] = readable(column, current.get(column, ""), labels)
            before = proposal.before.get(column)
            row["moved"] = before is not None and bool(
                rules.changed_cells({column: before}, {column: current.get(column, "")}, [column])
            )
        rows.append(row)
    return rows


def problem_lines(problems: list[Any]) -> list[dict[str, str]]:
    """The importer's problems with the label of their column, as the form shows it."""
    return [
        {"label": str(COLUMN_LABELS.get(p.column, p.column)), "message": capfirst(p.message)}
        for p in problems
    ]
