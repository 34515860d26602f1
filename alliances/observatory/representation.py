"""Gather the counts of the base of examples and the survey shares, then apply the pure
rule of `representativeness.py`. Which survey figure answers which category of the base is
data: alliances/data/observatory/representativite.csv."""

import csv
from pathlib import Path

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from alliances.common.i18n import localized
from alliances.territories.models import Level, Territory

from .figures import figure_row, published_figures
from .representativeness import Gap, Verdict, compare_share

MAPPING_FILE = (
    Path(settings.BASE_DIR) / "alliances" / "data" / "observatory" / "representativite.csv"
)


def _mapping() -> list[dict[str, str]]:
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _reference(indicator: str, population: str) -> dict | None:
    """The latest national figure of an indicator for a population."""
    figure = (
        published_figures()
        .filter(
            indicator__key=indicator, population__key=population, territory__level=Level.COUNTRY
        )
        .order_by("-year", "n")
        .first()
    )
    return figure_row(figure) if figure else None


def verdict_label(verdict: Verdict) -> str:
    return {
        Verdict.OVER: _("sur-représenté"),
        Verdict.UNDER: _("sous-représenté"),
        Verdict.IN_LINE: _("conforme (écart non significatif)"),
        Verdict.NO_DATA: _("aucun exemple"),
        Verdict.NO_REFERENCE: _("pas de mesure d'enquête"),
    }[verdict]


def _row(dimension: str, label: str, gap: Gap, reference: dict | None) -> dict:
    return {
        "dimension": dimension,
        "category": gap.category,
        "label": label,
        "base_count": gap.base_count,
        "base_total": gap.base_total,
        "base_share": gap.base_share,
        "base_ci_low": gap.base_ci[0] if gap.base_ci else None,
        "base_ci_high": gap.base_ci[1] if gap.base_ci else None,
        "reference_share": gap.reference_share,
        "reference_n": gap.reference_n,
        "reference_label": reference["statement"] if reference else "",
        "reference_population": reference["population_name"] if reference else "",
        "reference_year": reference["year_label"] if reference else "",
        "reference_source": reference["source"] if reference else "",
        "p_value": round(gap.p_value, 4) if gap.p_value is not None else None,
        "verdict": str(gap.verdict),
        "verdict_label": verdict_label(gap.verdict),
    }


def representativeness_rows() -> tuple[list[dict], dict]:
    """Rows of the comparison and the page context (what could not be computed and why)."""
    from alliances.base.models import Alliance
    from alliances.referentials.models import Term

    examples = Alliance.objects.published().filter(synthetic=False)
    context = {"examples": examples.count(), "dimension_labels": DIMENSIONS()}
    rows: list[dict] = []
    terms = {
        (t.taxonomy.key, t.key): t
        for t in Term.objects.filter(
            taxonomy__key__in=["partnership_types", "actor_profiles", "domains"]
        ).select_related("taxonomy")
    }
    typed = examples.filter(partnership_types__isnull=False).distinct()
    typed_total = typed.count()
    with_association = examples.filter(
        partners__organisation__profile__key="association",
        partners__organisation__profile__taxonomy__key="actor_profiles",
    ).distinct()
    association_total = with_association.count()
    for entry in _mapping():
        term = terms.get((entry["taxonomy"], entry["term"]))
        label = term.label if term else entry["term"]
        reference = _reference(entry["indicator"], entry["population"])
        if entry["dimension"] == "partnership_types":
            total = typed_total
            count = typed.filter(partnership_types__key=entry["term"]).count() if term else 0
        else:
            total = association_total
            count = (
                with_association.filter(
                    partners__organisation__profile__key=entry["term"],
                    partners__organisation__profile__taxonomy__key="actor_profiles",
                )
                .distinct()
                .count()
                if term
                else 0
            )
        gap = compare_share(
            entry["term"],
            count,
            total,
            reference["value"] if reference else None,
            reference["n"] if reference else None,
        )
        rows.append(_row(entry["dimension"], label, gap, reference))
    # Régions: the base's share of examples per région against the région's share of the
    # population (census, a fixed reference).
    regions = list(
        Territory.objects.filter(level=Level.REGION, obsolete=False, population__isnull=False)
    )
    population_total = sum(r.population or 0 for r in regions)
    placed = examples.filter(territory__region__isnull=False)
    placed_total = placed.count()
    counts = dict(
        placed.values("territory__region")
        .annotate(c=Count("id"))
        .values_list("territory__region", "c")
    )
    if population_total:
        for region in sorted(regions, key=lambda r: r.code):
            share = round(100 * (region.population or 0) / population_total, 1)
            gap = compare_share(region.code, counts.get(region.pk, 0), placed_total, share)
            row = _row("regions", region.name, gap, None)
            row["reference_label"] = _("part de la population française")
            rows.append(row)
    # Domains: the surveys give no share of the field per domain; the base is described.
    domain_total = examples.filter(domains__isnull=False).distinct().count()
    domain_counts = dict(
        examples.filter(domains__taxonomy__key="domains")
        .values("domains__key")
        .annotate(c=Count("id", distinct=True))
        .values_list("domains__key", "c")
    )
    for (taxonomy, key), term in sorted(terms.items(), key=lambda kv: kv[1].position):
        if taxonomy != "domains" or term.parent_id:
            continue
        gap = compare_share(key, domain_counts.get(key, 0), domain_total, None)
        rows.append(_row("domains", localized(term, "label"), gap, None))
    context["typed_total"] = typed_total
    context["association_total"] = association_total
    context["placed_total"] = placed_total
    context["domain_total"] = domain_total
    return rows, context


def DIMENSIONS() -> dict[str, str]:  # noqa: N802 - a constant that needs the active language
    return {
        "partnership_types": _(
            "Types de partenariat (associations en partenariat avec des entreprises)"
        ),
        "association_partners": _("Partenaires des associations (associations employeuses)"),
        "regions": _("Régions (part de la population)"),
        "domains": _("Domaines d'action (sans mesure d'enquête)"),
    }
