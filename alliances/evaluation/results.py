"""Build what the result pages show from a closed campaign (Django side of crossviews)."""

from django.utils.translation import gettext as _

from alliances.charts.vega import Chart, bar_chart
from alliances.common.i18n import current_language

from .crossviews import cross_views, most_divergent
from .models import Campaign
from .questionnaire import questions_of


def campaign_results(campaign: Campaign) -> dict:
    questionnaire = campaign.questionnaire
    lang = current_language()
    texts = {q["key"]: q.get(f"text_{lang}") or q["text_fr"] for q in questionnaire["questions"]}
    axis_labels = {a["key"]: a.get(f"label_{lang}") or a["label_fr"] for a in questionnaire["axes"]}
    responses = list(
        campaign.responses.select_related("organisation").order_by("organisation__name")
    )
    partners = [r.organisation.name for r in responses]
    answers = {r.organisation.name: r.answers for r in responses}
    views, axes = cross_views(questions_of(questionnaire), answers)
    rows = [
        {
            "key": v.question.key,
            "axis": axis_labels[v.question.axis],
            "text": texts[v.question.key],
            "answers": [v.answers[p] for p in partners],
            "mean": v.mean,
            "convergence": v.convergence,
        }
        for v in views
    ]
    axis_rows = [
        {
            "axis": axis_labels[a.axis],
            "means": [a.mean_by_partner[p] for p in partners],
            "convergence": None if a.convergence is None else round(a.convergence * 100),
        }
        for a in axes
    ]
    chart: Chart | None = None
    chart_rows = [r for r in axis_rows if r["convergence"] is not None]
    if chart_rows:
        chart = bar_chart(
            [{"axis": r["axis"], "convergence": r["convergence"]} for r in chart_rows],
            category="axis",
            value="convergence",
            title=_("Convergence des regards par axe"),
            description=_(
                "100 : tous les partenaires ont répondu pareil ; "
                "0 : les réponses couvrent toute l'échelle."
            ),
            category_title=_("Axe"),
            value_title=_("Convergence (sur 100)"),
            percent=True,
            sort_by_value=False,
        )
    divergent = [
        {"text": texts[v.question.key], "answers": dict(v.answers), "convergence": v.convergence}
        for v in most_divergent(views)
    ]
    return {
        "partners": partners,
        "rows": rows,
        "axis_rows": axis_rows,
        "chart": chart,
        "divergent": divergent,
        "responses": responses,
    }
