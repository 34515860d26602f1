"""Anonymous aggregates of completed diagnoses, for the observatory.

Only diagnoses whose respondent consented are counted, and only their overall level: never an
answer. A cell (group x level) with fewer than MIN_CELL respondents is suppressed (its count is
not published), so that nobody can be recognised in a small group; group totals are not
published either, so a suppressed cell cannot be derived by subtraction.
"""

import altair as alt
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances.charts import vega
from alliances.common.i18n import localized

from .models import Diagnosis, ReferentialVersion
from .profiles import profile_labels

MIN_CELL = 5
DIMENSIONS = ("profil", "region")


def dimension_choices() -> list[tuple[str, str]]:
    return [("profil", gettext_lazy("par profil d'acteur")), ("region", gettext_lazy("par région"))]


def level_distribution(referential_key: str, dimension: str = "profil") -> list[dict]:
    """Rows {group, group_label, level, level_label, count, suppressed}, one per cell.

    `dimension` is "profil" (actor profile) or "region" (the région of the territory given,
    diagnoses without a territory are left out). `count` is None when suppressed.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    version = ReferentialVersion.objects.filter(key=referential_key, active=True).first()
    if version is None:
        return []
    levels = {lv.key: localized(lv, "label") for lv in version.referential.levels}
    base = Diagnosis.objects.filter(
        referential__key=referential_key,
        completed=True,
        consent_to_aggregate=True,
        overall_level__isnull=False,
    )
    if dimension == "profil":
        field, label_field = "profile", None
        labels = profile_labels()
    else:
        base = base.filter(territory__region__isnull=False)
        field, label_field = "territory__region__code", "territory__region__name"
        labels = {}
    values = [field, "overall_level"] + ([label_field] if label_field else [])
    counts: dict[str, dict[int, int]] = {}
    for row in base.values(*values).annotate(n=Count("id")).order_by():
        group = row[field]
        counts.setdefault(group, {})[row["overall_level"]] = row["n"]
        if label_field:
            labels[group] = row[label_field]
    rows = []
    for group in sorted(counts, key=lambda g: str(labels.get(g, g))):
        for level, level_label in levels.items():
            count = counts[group].get(level, 0)
            suppressed = 0 < count < MIN_CELL
            rows.append(
                {
                    "group": group,
                    "group_label": str(labels.get(group, group)),
                    "level": level,
                    "level_label": level_label,
                    "count": None if suppressed else count,
                    "suppressed": suppressed,
                }
            )
    return rows


def distribution_chart(rows: list[dict], dimension: str) -> vega.Chart:
    """Stacked bars: respondents per level in each group (suppressed cells drawn as 0)."""
    title = _("Niveau global des autodiagnostics, %(dimension)s") % {
        "dimension": dict(dimension_choices())[dimension]
    }
    description = _(
        "Nombre de répondants ayant donné leur accord, par niveau de maturité ; les cases de "
        "moins de %(n)s répondants ne sont pas publiées."
    ) % {"n": MIN_CELL}
    data = [
        {"group": r["group_label"], "level": f"{r['level']} {r['level_label']}", "n": r["count"]}
        for r in rows
        if r["count"]
    ]
    spec = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("n:Q", title=_("Répondants"), stack="zero"),
            color=alt.Color("level:N", title=_("Niveau"), sort="ascending"),
            order=alt.Order("level:N"),
        )
        .properties(width=420, height=max(60, 26 * len({r["group"] for r in data}) or 1))
        .to_dict()
    )
    chart = vega.Chart(
        title=title,
        description=description,
        svg=vega.render(spec, title, description),
        columns=[
            ("group_label", _("Groupe")),
            ("level_label", _("Niveau")),
            ("display_count", _("Répondants")),
        ],
        rows=[
            {
                **r,
                "display_count": _("moins de %(n)s") % {"n": MIN_CELL}
                if r["suppressed"]
                else r["count"],
            }
            for r in rows
        ],
        slug="repartition-niveaux",
    )
    return chart
